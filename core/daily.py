"""A task that runs once a day on the database task queue, each run queueing the next.

``next_run(at)`` is the first ``at`` (local time) after now; ``waiting_run(task)`` the run of
``task`` already waiting in the queue; ``schedule(task, at)`` queues one unless one is waiting
(so ``make run`` and every run may call it without piling runs up). Used by the renewal reminders
(gi_registry/trace/reminders.py) and the expiry of authorisations (gi_registry/interfaces/changes.py).
"""

from __future__ import annotations

import datetime

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
