"""Background tasks of the interfaces app, on the ``background`` task backend (a worker process:
``manage.py db_worker --backend background``; see the README, "Task queue")."""

from django_tasks import task

from . import webhooks


@task(backend="background")
def deliver_webhook(delivery_id: str, attempts_done: int) -> dict | None:
    """One attempt of a webhook delivery (the first, or a retry queued for its time)."""
    logged = webhooks.attempt(delivery_id, attempts_done)
    return _summary(logged)


@task(backend="background")
def replay_webhook(delivery_id: str) -> dict | None:
    """Staff's replay of a delivery: sent again at once, whatever its status."""
    logged = webhooks.attempt(delivery_id, None, replay=True)
    return _summary(logged)


def _summary(logged) -> dict | None:
    if logged is None:
        return None
    return {"attempt": logged.number, "status_code": logged.status_code, "error": logged.error}
