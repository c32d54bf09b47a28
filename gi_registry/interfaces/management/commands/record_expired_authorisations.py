"""Record ``authorisation.expired`` in the change feeds for authorisations whose period has ended.

    python manage.py record_expired_authorisations [--date 2026-12-05]   # record now, in this process
    python manage.py record_expired_authorisations --enqueue             # the task worker records them daily

Each expiry is recorded once (per authorisation and end date): running it again records nothing.
``--enqueue`` queues the daily background run (00:10 Beijing time, each run queueing the next);
nothing is added while a run is already waiting. See ``gi_registry.interfaces.changes``.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.progress import ProgressBar
from gi_registry.interfaces.changes import (
    DAILY_AT,
    expired_candidates,
    record_expired_authorisations,
    schedule_daily_run,
)


class Command(BaseCommand):
    help = "Record expired authorisations in the registry's change feeds (each once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); default: today (Beijing time).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the daily background run (manage.py db_worker --backend background records them) "
            "instead of recording now; nothing is added while a run is already waiting.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            if date:
                raise CommandError("--date and --enqueue do not go together: the daily run acts on its own day")
            result, queued = schedule_daily_run(now=True)
            if result is None:
                raise CommandError(
                    "The background task backend runs tasks at once and cannot keep a daily run waiting: "
                    "set TASKS['background'] to the database backend and run manage.py db_worker --backend background"
                )
            if queued:
                self.stdout.write(f"expired authorisations: a run is queued now, then every day at {DAILY_AT:%H:%M}")
            else:
                self.stdout.write("expired authorisations: a run is already waiting; nothing added")
            return
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        bar = ProgressBar(self.stderr, expired_candidates(today).count(), "authorisations")
        summary = record_expired_authorisations(today, progress=bar)
        self.stdout.write(
            f"expired authorisations {today.isoformat()}: {summary.recorded} recorded, "
            f"{summary.already} already recorded"
        )
