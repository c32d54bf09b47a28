"""Issuing trace codes (发码) under an authorisation: validity, yearly quota, all or nothing.

Rules:

* codes are issued only for an active batch, under an authorisation valid on the day of issue
  (``Authorisation.is_valid_on``, in the site's time zone, Asia/Shanghai: the same rule as
  ``Authorisation.objects.valid_on``, by which the public pages list licensed producers);
* the codes issued under one authorisation in a calendar year (Asia/Shanghai) never exceed its
  ``yearly_quota``;
* one call issues all the codes it was asked for or none; two calls that race cannot together
  pass the quota. The authorisation's row is locked for the transaction (``SELECT … FOR UPDATE``
  on PostgreSQL); on SQLite the settings open every transaction with ``BEGIN IMMEDIATE``, which
  takes the database's write lock up front, so writers are serialised the same way.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gi_registry.models import Authorisation

from . import labels, signing
from .models import Batch, TraceCode

MAX_CODES_PER_CALL = 100_000
BULK_SIZE = 2_000


class IssuanceError(Exception):
    """Why codes could not be issued; the message is for the person who asked."""


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of ``year`` and of the next one, in the site's time zone."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def issued_in_year(authorisation: Authorisation | int, year: int | None = None) -> int:
    """How many codes were issued under ``authorisation`` in ``year`` (this year by default)."""
    year = year or timezone.localdate().year
    start, end = year_bounds(year)
    auth_id = authorisation if isinstance(authorisation, int) else authorisation.pk
    return TraceCode.objects.filter(batch__authorisation_id=auth_id, issued_at__gte=start, issued_at__lt=end).count()


def remaining_quota(authorisation: Authorisation, year: int | None = None) -> int:
    """Codes still allowed under ``authorisation`` in ``year``: yearly quota minus codes issued."""
    return max(0, authorisation.yearly_quota - issued_in_year(authorisation, year))


def new_serials(count: int) -> set[str]:
    """``count`` distinct 64-bit serials from the OS's CSPRNG, as 16 hex digits."""
    serials: set[str] = set()
    while len(serials) < count:
        serials.add(secrets.token_bytes(signing.SERIAL_BYTES).hex())
    return serials


def issue_codes(
    batch: Batch,
    count: int,
    user=None,
    *,
    progress: Callable[[int], None] | None = None,
    serials: Sequence[str] | None = None,
) -> list[TraceCode]:
    """Issue ``count`` codes for ``batch``; raises ``IssuanceError`` and issues nothing if refused.

    ``progress`` is called with the number of codes written so far (for command-line progress).
    ``serials`` (16 hex digits each, ``count`` of them, in order) replaces the random serials: only
    the demo data (``gi_registry.trace.demo``) passes them, so that its printed codes are the same
    on every machine with the same key; real codes are always random.
    """
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise IssuanceError(_("Ask for at least one code."))
    if count > MAX_CODES_PER_CALL:
        raise IssuanceError(_("At most %(max)d codes can be issued at once.") % {"max": MAX_CODES_PER_CALL})
    if serials is not None and (
        len(set(serials)) != count
        or len(serials) != count
        or any(len(s) != 2 * signing.SERIAL_BYTES or s.strip("0123456789abcdef") for s in serials)
    ):
        raise ValueError("serials: exactly `count` distinct serials of 16 hex digits")
    key = signing.signing_key()  # fails loudly (ImproperlyConfigured) before anything is written
    try:
        labels.base_url()  # codes that could only be printed with an http or loopback address: none
    except labels.PrintOriginError as error:
        raise IssuanceError(str(error)) from None
    with transaction.atomic():
        authorisation = Authorisation.objects.select_for_update().get(pk=batch.authorisation_id)
        batch_status = Batch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
        if batch_status != Batch.Status.ACTIVE:
            raise IssuanceError(_("Codes can only be issued for an active batch."))
        today = timezone.localdate()
        if not authorisation.is_valid_on(today):
            raise IssuanceError(
                _("Authorisation %(number)s is not valid today; no codes can be issued under it.")
                % {"number": authorisation.number}
            )
        remaining = remaining_quota(authorisation, today.year)
        if count > remaining:
            raise IssuanceError(
                _("Authorisation %(number)s has %(remaining)d codes left of its yearly quota of %(quota)d.")
                % {"number": authorisation.number, "remaining": remaining, "quota": authorisation.yearly_quota}
            )
        now = timezone.now()
        codes = [
            TraceCode(batch_id=batch.pk, serial=serial, key_id=key.kid, issued_at=now, issued_by=user)
            for serial in (serials if serials is not None else new_serials(count))
        ]
        for start in range(0, len(codes), BULK_SIZE):
            # A clash with an existing serial (chance ~ n·N/2⁶⁴) violates the unique constraint and
            # rolls the whole call back: never a duplicate, never a partial issue.
            TraceCode.objects.bulk_create(codes[start : start + BULK_SIZE])
            if progress:
                progress(min(start + BULK_SIZE, len(codes)))
    return codes
