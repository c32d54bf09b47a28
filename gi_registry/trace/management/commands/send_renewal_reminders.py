"""E-mail the producer's accounts 90 and 30 days before an authorisation expires.

    python manage.py send_renewal_reminders [--date 2026-12-05]   # send now, in this process
    python manage.py send_renewal_reminders --enqueue             # the task worker sends them daily

``--enqueue`` puts a run of the background task in the queue (at once, then every day at 08:00
Beijing time, each run queueing the next); nothing is added while a run is already waiting.

Each reminder is sent once (recorded per authorisation, threshold and expiry date): running it
again the same day sends nothing. See ``gi_registry.trace.reminders``.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from core.daily import DailyTaskCommand
from core.progress import ProgressBar
from gi_registry.trace.reminders import DAILY_AT, candidates, schedule_daily_run, send_due


class Command(DailyTaskCommand):
    help = "E-mail renewal reminders 90 and 30 days before an authorisation expires (each once)."
    label = "renewal reminders"
    does = "sends them"
    daily_at = DAILY_AT

    def schedule_run(self, *, now: bool):
        return schedule_daily_run(now=now)

    def run_day(self, today):
        bar = ProgressBar(self.stderr, candidates(today).count(), "reminders")
        summary = send_due(today, progress=bar)
        self.stdout.write(
            f"renewal reminders {today.isoformat()}: {summary.sent} sent, {summary.already_sent} already sent, "
            f"{summary.no_address} without an e-mail address, {summary.failed} failed"
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} reminder(s) could not be sent; they are tried again on the next run")
