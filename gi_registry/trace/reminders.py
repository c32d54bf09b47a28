"""Renewal reminders: e-mail a producer's accounts 90 and 30 days before an authorisation expires.

``send_renewal_reminders`` (a management command, run daily by cron) calls ``send_due``. A
reminder is due for an active authorisation expiring within ``THRESHOLDS`` days (the producer
workspace's "renewals due" by the same ``threshold_for``): the tightest
threshold reached, once. What was sent is recorded (``RenewalReminder``, unique per authorisation,
threshold and expiry date) in the same transaction as the sending, so a second run the same day or
the next sends nothing again, a failed send is tried again the next day, and an authorisation
renewed with a new expiry date is reminded again. An authorisation whose producer has no account
with an e-mail address is counted and left for the next run (the office may add one).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gi_registry.models import Authorisation

from .models import RenewalReminder

#: days before expiry: reminded (and listed as "renewals due" on the producer's workspace) from
#: RENEWAL_DAYS, highlighted and reminded again from URGENT_DAYS
RENEWAL_DAYS = 90
URGENT_DAYS = 30
THRESHOLDS = (URGENT_DAYS, RENEWAL_DAYS)  # tightest first


@dataclass
class Summary:
    sent: int = 0
    already_sent: int = 0
    no_address: int = 0
    failed: int = 0


def threshold_for(days_left: int) -> int | None:
    """The tightest threshold ``days_left`` is within (30, then 90), or None."""
    if days_left < 0:
        return None
    return next((t for t in THRESHOLDS if days_left <= t), None)


def candidates(today: datetime.date):
    """Active authorisations expiring between ``today`` and ``RENEWAL_DAYS`` days later."""
    return (
        Authorisation.objects.filter(
            status=Authorisation.Status.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=RENEWAL_DAYS),
        )
        .select_related("producer", "geographical_indication")
        .prefetch_related("producer__accounts", "renewal_reminders")
        .order_by("valid_until", "pk")
    )


def recipients(authorisation: Authorisation) -> list[str]:
    return sorted({u.email for u in authorisation.producer.accounts.all() if u.is_active and u.email})


def message(authorisation: Authorisation, days_left: int) -> tuple[str, str]:
    """The reminder's subject and body, in Chinese."""
    with translation.override("zh-hans"):
        values = {
            "number": authorisation.number,
            "gi": authorisation.geographical_indication.name,
            "producer": authorisation.producer.name,
            "until": authorisation.valid_until.isoformat(),
            "days": days_left,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/",
        }
        subject = _("Authorisation %(number)s expires on %(until)s") % values
        body = (
            _(
                "%(producer)s: your authorisation %(number)s to use the geographical indication %(gi)s "
                "expires on %(until)s, in %(days)s days.\n\n"
                "To keep issuing trace codes and labels after that day, apply to the registry office "
                "for renewal in good time. Your workspace: %(url)s"
            )
            % values
        )
    return subject, body


def send_due(today: datetime.date | None = None, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Send every reminder due on ``today`` that was not sent before; what happened, counted."""
    today = today or timezone.localdate()
    summary = Summary()
    authorisations = list(candidates(today))
    for done, auth in enumerate(authorisations, 1):
        days_left = (auth.valid_until - today).days
        threshold = threshold_for(days_left)
        sent = {(r.days_before, r.valid_until) for r in auth.renewal_reminders.all()}
        if (threshold, auth.valid_until) in sent:
            summary.already_sent += 1
        elif not (addresses := recipients(auth)):
            summary.no_address += 1
        else:
            subject, body = message(auth, days_left)
            try:
                with transaction.atomic():
                    RenewalReminder.objects.create(
                        authorisation=auth,
                        days_before=threshold,
                        valid_until=auth.valid_until,
                        recipients=", ".join(addresses),
                    )
                    send_mail(subject, body, None, addresses)
            except IntegrityError:  # another run recorded it meanwhile
                summary.already_sent += 1
            except Exception:
                summary.failed += 1  # nothing recorded: tried again on the next run
            else:
                summary.sent += 1
        if progress:
            progress(done, len(authorisations))
    return summary
