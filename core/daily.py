"""A task that runs once a day on the database task queue, each run queueing the next.

``next_run(at)`` is the first ``at`` (local time) after now; ``waiting_run(task)`` the run of
``task`` already waiting in the queue; ``schedule(task, at)`` queues one unless one is waiting
(so ``make run`` and every run may call it without piling runs up). Used by the renewal reminders
(gi_registry/trace/reminders.py) and the expiry of authorisations (gi_registry/interfaces/changes.py),
whose management commands are ``DailyTaskCommand``s.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def next_run(at: datetime.time, now: datetime.datetime | None = None) -> datetime.datetime:
    """The first ``at`` (local time) after ``now``."""
    now = timezone.localtime(now or timezone.now())
    run = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if run <= now:
        tomorrow = now.date() + datetime.timedelta(days=1)
        run = timezone.make_aware(datetime.datetime.combine(tomorrow, at))
    return run


def waiting_run(task):
    """The run of ``task`` already waiting in the database queue, or None (also when its backend
    is not the database one: nothing to look at then)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    return (
        DBTaskResult.objects.filter(
            task_path=task.module_path, status=TaskResultStatus.READY, backend_name=backend.alias
        )
        .order_by("run_after")
        .first()
    )


def schedule(task, at: datetime.time, run_after: datetime.datetime | None = None, *, now: bool = False):
    """Queue a run of ``task`` at ``run_after`` (by default the next ``at``; ``now=True``: as soon
    as the worker can), unless a run is already waiting. Returns ``(result, queued)``: the new or
    waiting run (None where the backend cannot wait, e.g. the tests' immediate backend), and
    whether one was added."""
    if not task.get_backend().supports_defer:
        return None, False
    waiting = waiting_run(task)
    if waiting is not None:
        return waiting, False
    if now:
        return task.enqueue(), True
    return task.using(run_after=run_after or next_run(at)).enqueue(), True


class DailyTaskCommand(BaseCommand):
    """A command that does one day's work now (``--date`` to act as another day) or, with
    ``--enqueue``, queues its daily background run (``schedule``). Subclasses set ``label`` (how
    its lines start), ``does`` (what the worker does, for ``--help``) and ``daily_at``, and write
    ``schedule_run(now=True)`` and ``run_day(today)``."""

    label = ""
    does = "does it"
    daily_at = datetime.time(0, 0)

    def schedule_run(self, *, now: bool):
        raise NotImplementedError

    def run_day(self, today: datetime.date) -> None:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); default: today (Beijing time).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=f"Queue the daily background run (manage.py db_worker --backend background {self.does}) "
            "instead of acting now; nothing is added while a run is already waiting.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            if date:
                raise CommandError("--date and --enqueue do not go together: the daily run acts on its own day")
            self.enqueue()
            return
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        self.run_day(today)

    def enqueue(self) -> None:
        result, queued = self.schedule_run(now=True)
        if result is None:
            raise CommandError(
                "The background task backend runs tasks at once and cannot keep a daily run waiting: "
                "set TASKS['background'] to the database backend and run manage.py db_worker --backend background"
            )
        if queued:
            self.stdout.write(
                f"{self.label}: a run is queued now, then every day at {self.daily_at:%H:%M} (Beijing time)"
            )
            return
        # the database queue stores "as soon as possible" as the largest date it can hold
        run_after = getattr(result, "run_after", None)
        if run_after is None or run_after.year >= 9999:
            when = "as soon as the task worker takes it"
        else:
            when = f"at {timezone.localtime(run_after):%Y-%m-%d %H:%M}"
        self.stdout.write(f"{self.label}: a run is already waiting; nothing added (it runs {when})")
