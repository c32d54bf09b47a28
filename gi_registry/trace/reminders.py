"""Renewal reminders: e-mail a producer's accounts 90 and 30 days before an authorisation expires.

A background task, ``send_reminders_task``, calls ``send_due`` every day at ``DAILY_AT`` (Beijing
time) in the task worker (``manage.py db_worker --backend background``): each run puts the next
day's run in the queue (``schedule_daily_run``, which adds none when one is already waiting, so the
chain never doubles). ``manage.py send_renewal_reminders --enqueue`` starts the chain (``make run``
does); ``send_renewal_reminders`` without it sends at once, as before (a cron may still run it). A
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
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core import daily
from gi_registry.models import Authorisation

from .models import RenewalReminder

logger = logging.getLogger(__name__)

#: days before expiry: reminded (and listed as "renewals due" on the producer's workspace) from
#: RENEWAL_DAYS, highlighted and reminded again from URGENT_DAYS
RENEWAL_DAYS = 90
URGENT_DAYS = 30
THRESHOLDS = (URGENT_DAYS, RENEWAL_DAYS)  # tightest first

#: when the daily background run sends the reminders due that day (Asia/Shanghai)
DAILY_AT = datetime.time(8, 0)


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


# -- the daily background run ------------------------------------------------------------------


def next_daily_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The first ``DAILY_AT`` (local time) after ``now``."""
    return daily.next_run(DAILY_AT, now)


def waiting_daily_run():
    """The run of ``send_reminders_task`` already waiting in the database queue, or None."""
    return daily.waiting_run(send_reminders_task)


def schedule_daily_run(run_after: datetime.datetime | None = None, *, now: bool = False):
    """Put a run of ``send_reminders_task`` in the queue (``core.daily.schedule``: at ``run_after``,
    by default the next ``DAILY_AT``; ``now=True``: at once) unless one is waiting."""
    return daily.schedule(send_reminders_task, DAILY_AT, run_after, now=now)


@task(backend="background")
def send_reminders_task() -> dict:
    """Send today's reminders (``send_due``), then queue tomorrow's run, even when this one failed.
    Idempotent: a reminder already recorded (``RenewalReminder``) is not sent again, so a run
    repeated the same day sends nothing more."""
    try:
        summary = send_due()
    finally:
        schedule_daily_run()
    if summary.failed:  # nothing recorded for them: tried again on tomorrow's run
        logger.warning("renewal reminders: %s could not be sent", summary.failed)
    return asdict(summary)
