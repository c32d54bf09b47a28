"""E-mail the producer's accounts 90 and 30 days before an authorisation expires.

    python manage.py send_renewal_reminders [--date 2026-12-05]   # send now, in this process
    python manage.py send_renewal_reminders --enqueue             # the task worker sends them daily

``--enqueue`` puts a run of the background task in the queue (at once, then every day at 08:00
Beijing time, each run queueing the next); nothing is added while a run is already waiting.

Each reminder is sent once (recorded per authorisation, threshold and expiry date): running it
again the same day sends nothing. See ``gi_registry.trace.reminders``.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.progress import ProgressBar
from gi_registry.trace.reminders import DAILY_AT, candidates, schedule_daily_run, send_due


class Command(BaseCommand):
    help = "E-mail renewal reminders 90 and 30 days before an authorisation expires (each once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); default: today (Beijing time).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the daily background run (manage.py db_worker --backend background sends them) "
            "instead of sending now; nothing is added while a run is already waiting.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            if date:
                raise CommandError("--date and --enqueue do not go together: the daily run acts on its own day")
            self.enqueue()
            return
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        today = today or timezone.localdate()
        bar = ProgressBar(self.stderr, candidates(today).count(), "reminders")
        summary = send_due(today, progress=bar)
        self.stdout.write(
            f"renewal reminders {today.isoformat()}: {summary.sent} sent, {summary.already_sent} already sent, "
            f"{summary.no_address} without an e-mail address, {summary.failed} failed"
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} reminder(s) could not be sent; they are tried again on the next run")

    def enqueue(self) -> None:
        result, queued = schedule_daily_run(now=True)
        if result is None:
            raise CommandError(
                "The background task backend runs tasks at once and cannot keep a daily run waiting: "
                "set TASKS['background'] to the database backend and run manage.py db_worker --backend background"
            )
        if queued:
            self.stdout.write(
                f"renewal reminders: a run is queued now, then every day at {DAILY_AT:%H:%M} (Beijing time)"
            )
        else:
            # the database queue stores "as soon as possible" as the largest date it can hold
            run_after = getattr(result, "run_after", None)
            if run_after is None or run_after.year >= 9999:
                when = "as soon as the task worker takes it"
            else:
                when = f"at {timezone.localtime(run_after):%Y-%m-%d %H:%M}"
            self.stdout.write(f"renewal reminders: a run is already waiting ({when}); nothing added")
