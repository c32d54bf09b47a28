"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth import get_user_model

from gi_registry.factories import TEST_PASSWORD, make_user
from gi_registry.setup import BRAND_EDITORS, PRODUCERS, REGISTRY_OFFICERS


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request under /en/ activates English for the
    thread (LocaleMiddleware does not switch back), which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_content_memo():
    """Every test starts with nothing memoized per content version (core/memo.py): the test
    database is rolled back after each test, so the next one repeats version numbers with other
    content."""
    from core import memo

    memo.forget()
    yield
    memo.forget()


@pytest.fixture(autouse=True)
def empty_scan_log():
    """Every test starts and ends with an empty scan buffer (gi_registry/trace/scans.py): scans a
    test left unwritten must not be written into, or counted in, the next test's database."""
    from gi_registry.trace import scans

    scans.discard_pending_scans()
    yield
    scans.stop_scan_thread()
    scans.discard_pending_scans()


@pytest.fixture(autouse=True)
def no_autosave_in_browser_tests(request):
    """Browser tests run with the admin's autosave off. Under the test live server, an autosave
    post still in flight when the test clicks "submit" is a second request on the test database at
    the same moment (on SQLite, one in-memory database shared by the server's threads), and its
    timing changes from run to run; the tests keep to one request at a time. Autosave itself is
    tested in website/tests/test_admin_autosave.py."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    yield


@pytest.fixture
def officer(db):
    return make_user("officer", REGISTRY_OFFICERS)


@pytest.fixture
def brand_editor(db):
    return make_user("editor", BRAND_EDITORS)


@pytest.fixture
def producer_user(db):
    return make_user("producer", PRODUCERS)


@pytest.fixture
def demo_site(monkeypatch):
    """The demo data (records, every page type, English copies), without its demo accounts."""
    from django.core.management import call_command

    monkeypatch.setenv("DEMO_USERS", "0")
    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", TEST_PASSWORD)


@pytest.fixture
def browser():
    """A headless Debian chromium; skipped where there is none, unless REQUIRE_BROWSER=1 (CI)."""
    import os

    from browser import chromium_available, launch

    if not chromium_available():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed (scripts/ensure-browser.sh installs it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            yield chromium
            chromium.close()


@pytest.fixture
def screenshot_dir():
    """Where browser tests leave their screenshots for people to look at."""
    from pathlib import Path

    path = Path(__file__).parent / "screenshots"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session", autouse=True)
def _close_live_server_sessions(django_db_setup, django_db_blocker):
    """Live-server request threads can leave a PostgreSQL session open on the test database,
    which then cannot be dropped; end them before pytest-django tears the database down."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


BACKGROUND_TASKS_IN_DATABASE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def queued_tasks(settings):
    """The real database backend for our background tasks: they wait in the database for a worker."""
    settings.TASKS = BACKGROUND_TASKS_IN_DATABASE


@pytest.fixture
def run_task_worker(monkeypatch):
    """Run the real ``db_worker`` for one pass over the queued background tasks, then return.

    The worker calls ``close_old_connections()`` on waking; inside a test's transaction that would
    close the connection the test holds (PostgreSQL then refuses every later query). Django's own
    test client disconnects the same call from its request signals for the same reason; here the
    worker's reference to it is made a no-op for the pass."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    def run() -> None:
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
        call_command(
            "db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
        )

    return run


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in its order
def pytest_collection_modifyitems(items):
    """Tests marked ``runs_last`` run after every other test: they flush the database, and the
    content types the flush recreates collide with the next serialized_rollback test's restore."""
    last = [item for item in items if item.get_closest_marker("runs_last")]
    items[:] = [item for item in items if not item.get_closest_marker("runs_last")] + last
