"""The task queue for real: a ``manage.py db_worker --backend background`` process (as ``make run``
and production start it) picks up the deliveries a recorded change queued and POSTs them to a
receiver on 127.0.0.1, which verifies the signature; a receiver that fails first gets the retry the
worker runs when its time comes.

The worker process must see the test's database: on PostgreSQL it connects to the test database
(the data is committed: ``transactional_db``); on SQLite (an in-memory test database, which no
other process can open) the test copies the database to a file with SQLite's backup API, lets the
worker run on that file and reads the outcome back from it.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from gi_registry.interfaces.models import Delivery, RegistryChange, Subscription

from .webhook_fixtures import record, subscription
from .webhook_receiver import Receiver, start

# committed data (the worker is another process); serialized_rollback restores the migrated rows
# (content types, groups, product families) that a transactional test before this one flushed
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def receiver(settings, queued_tasks):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    receiver = Receiver()
    server = start(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


def worker_env(tmp_path: Path, **extra) -> tuple[dict, Path | None]:
    """The environment of a process over the test's database (or a file copy of it)."""
    copy = None
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        url = f"sqlite:///{copy}"
    else:
        db = connection.settings_dict
        user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"], safe="")
        url = f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "gi_registry.interfaces.tests.worker_settings",
        **extra,
    }
    return env, copy


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Worker:
    """``manage.py db_worker --backend background`` as its own process."""

    def __init__(self, tmp_path: Path, env: dict | None = None, copy: Path | None = None):
        if env is None:
            env, copy = worker_env(tmp_path)
        self.copy = copy
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--backend", "background", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> str:
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output.decode(errors="replace")

    def delivery(self, pk) -> tuple[str, int]:
        """The delivery's status and attempt count as the worker left them."""
        if self.copy is None:
            delivery = Delivery.objects.get(pk=pk)
            return delivery.status, delivery.attempts
        with sqlite3.connect(self.copy) as db:
            return db.execute(
                "SELECT status, attempts FROM interfaces_delivery WHERE id = ?", [str(pk).replace("-", "")]
            ).fetchone()


def wait_for(condition, worker: Worker, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            pytest.fail("the worker stopped:\n" + worker.stop())
        time.sleep(0.1)
    pytest.fail("the receiver was not reached in time; worker output:\n" + worker.stop())


def test_the_worker_process_delivers_a_signed_change(receiver, tmp_path):
    sub = subscription(receiver.url, kinds=[RegistryChange.Kind.AUTHORISATION_REVOKED])
    receiver.secret = sub.secret
    change = record(RegistryChange.Kind.AUTHORISATION_REVOKED, title="梁平柚 用标授权 LPGI-2026-00012 撤销")
    delivery = Delivery.objects.get()
    assert DBTaskResult.objects.count() == 1 and not receiver.received  # queued, not sent by the request

    worker = Worker(tmp_path)
    try:
        wait_for(lambda: receiver.received and worker.delivery(delivery.pk)[0] == "succeeded", worker)
    finally:
        output = worker.stop()
    got = receiver.received[0]
    assert got.verdict == "ok", output
    assert got.json["id"] == str(change.id) and got.json["title"] == "梁平柚 用标授权 LPGI-2026-00012 撤销"
    assert got.headers["Webhook-Id"] == str(delivery.pk)
    assert worker.delivery(delivery.pk) == ("succeeded", 1)


def test_the_worker_retries_a_failing_receiver_until_it_succeeds(receiver, tmp_path):
    sub = subscription(receiver.url)
    receiver.secret = sub.secret
    receiver.statuses = [503]
    record(RegistryChange.Kind.BATCH_RECALLED)
    delivery = Delivery.objects.get()

    worker = Worker(tmp_path)
    try:
        wait_for(lambda: worker.delivery(delivery.pk)[0] == "succeeded", worker)
    finally:
        output = worker.stop()
    assert [r.answered for r in receiver.received] == [503, 200], output
    assert all(r.verdict == "ok" for r in receiver.received)
    assert worker.delivery(delivery.pk) == ("succeeded", 2)


def test_with_tasks_url_the_queue_lives_in_its_own_database(receiver, tmp_path, settings):
    """``TASKS_URL`` (here a SQLite file) moves the queue out of the site's database: the task is
    queued there, the worker finds it there and delivers; the site's database holds no task."""
    settings.TASKS = {"default": settings.TASKS["default"], "background": settings.TASKS["default"]}
    sub = subscription(receiver.url, is_active=False)  # the change is stored, but nothing queued yet
    receiver.secret = sub.secret
    record(RegistryChange.Kind.BATCH_RECALLED)
    Subscription.objects.filter(pk=sub.pk).update(is_active=True)
    delivery = Delivery.objects.create(subscription=sub, change=RegistryChange.objects.get())

    queue = tmp_path / "queue.sqlite3"
    env, copy = worker_env(tmp_path, TASKS_URL=f"sqlite:///{queue}")
    manage(env, "migrate", "--database", "tasks", "--noinput")
    manage(env, "shell", "-c", f"from gi_registry.interfaces import webhooks; webhooks.enqueue('{delivery.pk}', 0)")
    with sqlite3.connect(queue) as db:
        assert db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult").fetchone() == (1,)

    worker = Worker(tmp_path, env, copy)
    try:
        wait_for(lambda: worker.delivery(delivery.pk)[0] == "succeeded", worker)
    finally:
        output = worker.stop()
    assert [r.verdict for r in receiver.received] == ["ok"], output
    with sqlite3.connect(queue) as db:
        assert db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall() == [("SUCCESSFUL",)]
    if copy is not None:
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult").fetchone() == (0,)
