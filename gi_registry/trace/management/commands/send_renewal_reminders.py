"""E-mail the producer's accounts 90 and 30 days before an authorisation expires (run daily by cron).

    python manage.py send_renewal_reminders [--date 2026-12-05]

Each reminder is sent once (recorded per authorisation, threshold and expiry date): running it
again the same day sends nothing. See ``gi_registry.trace.reminders``.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from gi_registry.trace.reminders import candidates, send_due


class Command(BaseCommand):
    help = "E-mail renewal reminders 90 and 30 days before an authorisation expires (each once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); default: today (Beijing time).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        from django.utils import timezone

        today = today or timezone.localdate()
        bar = ProgressBar(self.stderr, candidates(today).count(), "reminders")
        summary = send_due(today, progress=bar)
        self.stdout.write(
            f"renewal reminders {today.isoformat()}: {summary.sent} sent, {summary.already_sent} already sent, "
            f"{summary.no_address} without an e-mail address, {summary.failed} failed"
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} reminder(s) could not be sent; they are tried again on the next run")
