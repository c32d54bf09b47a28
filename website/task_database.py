"""``TASKS_URL``: the background task queue in a database of its own.

Unset (the default), the queue (django-tasks-db's ``DBTaskResult`` table) lives in the site's own
database: on PostgreSQL that is the production choice (``SELECT … FOR UPDATE SKIP LOCKED`` lets
several workers share it; a task is queued in the same transaction as the data it is about). Set to
a database URL (``postgres://…`` a separate PostgreSQL database or server, or ``sqlite:///…`` a file
of its own), the queue moves there: the web workers' writes and the task worker's polling no longer
share one database (on SQLite: no longer one write lock). ``manage.py migrate --database tasks``
creates its table (``make run`` does).
"""

from __future__ import annotations

import environ

ALIAS = "tasks"
APP_LABEL = "django_tasks_database"


def tasks_database(url: str) -> dict:
    """The ``DATABASES["tasks"]`` entry for ``TASKS_URL``."""
    config = environ.Env.db_url_config(url)
    config.setdefault("CONN_MAX_AGE", 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


class TaskQueueRouter:
    """The task queue's table in the ``tasks`` database, nothing else there."""

    def db_for_read(self, model, **hints):
        return ALIAS if model._meta.app_label == APP_LABEL else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == APP_LABEL:
            return db == ALIAS
        return False if db == ALIAS else None
