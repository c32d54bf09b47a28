"""Record ``authorisation.expired`` in the change feeds for authorisations whose period has ended.

    python manage.py record_expired_authorisations [--date 2026-12-05]   # record now, in this process
    python manage.py record_expired_authorisations --enqueue             # the task worker records them daily

Each expiry is recorded once (per authorisation and end date): running it again records nothing.
``--enqueue`` queues the daily background run (00:10 Beijing time, each run queueing the next);
nothing is added while a run is already waiting. See ``gi_registry.interfaces.changes``.
"""

from __future__ import annotations

from core.daily import DailyTaskCommand
from core.progress import ProgressBar
from gi_registry.interfaces.changes import (
    DAILY_AT,
    expired_candidates,
    record_expired_authorisations,
    schedule_daily_run,
)


class Command(DailyTaskCommand):
    help = "Record expired authorisations in the registry's change feeds (each once)."
    label = "expired authorisations"
    does = "records them"
    daily_at = DAILY_AT

    def schedule_run(self, *, now: bool):
        return schedule_daily_run(now=now)

    def run_day(self, today):
        bar = ProgressBar(self.stderr, expired_candidates(today).count(), "authorisations")
        summary = record_expired_authorisations(today, progress=bar)
        self.stdout.write(
            f"expired authorisations {today.isoformat()}: {summary.recorded} recorded, "
            f"{summary.already} already recorded"
        )
