"""Settings of the real ``db_worker`` process the worker tests start (test_worker_webhooks.py):
the test settings with the database task backend, loopback receivers allowed, and retries after
one second (the test cannot wait a minute)."""

from website.settings.test import *  # noqa: F403

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
WEBHOOK_ALLOW_LOOPBACK = True
WEBHOOK_RETRY_DELAYS = [1, 1, 1]
