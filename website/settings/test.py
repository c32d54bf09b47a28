"""Test settings: fast hashing, in-memory media, a fixed key; the database comes from DATABASE_URL."""

import tempfile

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# The benchmark commands (devtools/): development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
TRACE_SIGNING_KEYS = "t2:second-test-key,t1:first-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="lp-test-media-")
PROTECTION_PRIVATE_ROOT = tempfile.mkdtemp(prefix="lp-test-private-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_ORIGIN = "http://testserver"
# Printed codes need an https, non-loopback origin whenever DEBUG is off (gi_registry/trace/labels.py).
TRACE_BASE_URL = "https://gi.liangping.example"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (live-server threads must not keep connections)
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Tests see fresh pages; website/tests/test_page_cache.py turns the cache on where it tests it.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_VERSION_TTL = 0
# The scan log stays buffered (as in production) but no background thread writes it: that thread
# would write on a connection of its own, outside the test's transaction. Tests that count Scan
# rows call gi_registry.trace.scans.flush_scans(); conftest.py empties the buffer between tests.
TRACE_SCAN_FLUSH_INTERVAL = 0
# Journal files in a folder of the test run's own (a live-server test passes its folder on).
TRACE_SCAN_JOURNAL_DIR = env("TRACE_SCAN_JOURNAL_DIR", default=tempfile.mkdtemp(prefix="lp-test-scan-journal-"))
# Tasks run at once, inside the request that enqueues them (django-tasks' own immediate backend);
# the tests that prove work leaves the request use the database backend and run a real db_worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}

# Anonymous EPCIS queries are rate-limited per address in production; the tests that test the limit
# set it themselves (the locmem cache lives as long as the test run).
EPCIS_PUBLIC_RATE_LIMIT = 0
