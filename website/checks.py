"""Deployment checks (``manage.py check --deploy``) for what production needs beyond Django's own.

Each names a mistake a security review found on a real deployment:

- ``website.W001`` the cache is per process (local memory): the trace and contact rate limits
  (core/ratelimit.py) then count per worker, so N workers allow N times the limit.
- ``website.W002`` no ``collectstatic`` manifest: with ``CompressedManifestStaticFilesStorage``
  every page answers 500.
- ``website.W003`` the default Site record still names localhost (or another host than
  ``SITE_ORIGIN``): Wagtail's sitemap and page URLs would point there.
- ``website.W004`` ``SITE_ORIGIN`` or ``TRACE_BASE_URL`` is http or a loopback address: printed QR
  codes and published links carry it for good.
- ``website.W005`` the database cache's table is missing (``manage.py createcachetable``).

``warn_at_start_up`` logs the W001 warning when a production process starts, since gunicorn runs
no checks.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connections

from core.origin import origin_fault, site_origin

logger = logging.getLogger(__name__)

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
PLACEHOLDER_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "example.com", "www.example.com", "testserver"}  # noqa: S104


def _local_cache_warning() -> Warning | None:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return Warning(
            f"The default cache is per process ({backend.rsplit('.', 1)[-1]}): the trace and contact rate "
            "limits count per worker, and each worker keeps its own page cache.",
            hint="Set CACHE_URL to a shared cache: redis://host:6379/1, or dbcache://lp_cache after "
            "`manage.py createcachetable`.",
            id="website.W001",
        )
    return None


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    warning = _local_cache_warning()
    return [warning] if warning else []


@register(Tags.caches, deploy=True)
def check_cache_table(app_configs=None, **kwargs):
    errors = []
    for alias, config in settings.CACHES.items():
        if config.get("BACKEND") != "django.core.cache.backends.db.DatabaseCache":
            continue
        try:
            with connections["default"].cursor() as cursor:
                tables = connections["default"].introspection.table_names(cursor)
        except DatabaseError:
            continue  # no database to look at yet
        if config.get("LOCATION") not in tables:
            errors.append(
                Warning(
                    f"The database cache {alias!r} has no table {config.get('LOCATION')!r}.",
                    hint="Run `manage.py createcachetable`.",
                    id="website.W005",
                )
            )
    return errors


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs=None, **kwargs):
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if "Manifest" not in backend:
        return []
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    try:
        paths = json.loads(manifest.read_text()).get("paths") if manifest.is_file() else None
    except (OSError, ValueError):
        paths = None
    if paths:
        return []
    return [
        Warning(
            f"No collectstatic manifest at {manifest} (or it is empty): with {backend.rsplit('.', 1)[-1]} "
            "every page answers 500.",
            hint="Run `manage.py collectstatic --noinput` (STATIC_ROOT is where it writes).",
            id="website.W002",
        )
    ]


@register(Tags.sites, deploy=True)
def check_default_site(app_configs=None, **kwargs):
    from wagtail.models import Site

    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:
        return []  # not migrated yet: `migrate` comes first in the deployment sequence
    if site is None:
        return []
    origin_host = (urlsplit(site_origin()).hostname or "").lower()
    hostname = (site.hostname or "").lower()
    if hostname in PLACEHOLDER_HOSTS or hostname.startswith("127.") or (origin_host and hostname != origin_host):
        return [
            Warning(
                f"The default Wagtail Site is {site.hostname}:{site.port}, not the public host "
                f"{origin_host or '(SITE_ORIGIN not set)'}: the sitemap and page URLs would point there.",
                hint="Settings › Sites in the admin: set the default site's hostname to the public host and "
                "its port to 443.",
                id="website.W003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_origins(app_configs=None, **kwargs):
    errors = []
    for name, origin in (("SITE_ORIGIN", site_origin()), ("TRACE_BASE_URL", settings.TRACE_BASE_URL or site_origin())):
        if origin_fault(origin):
            errors.append(
                Warning(
                    f"{name} is {origin or '(not set)'!r}, an http or loopback address: links and printed "
                    "QR codes would carry it.",
                    hint="Set SITE_ORIGIN (and TRACE_BASE_URL if codes print another host) to the public "
                    "https origin, e.g. https://gi.liangping.example.",
                    id="website.W004",
                )
            )
    return errors


def warn_at_start_up() -> None:
    """Log W001 when a production process starts (``REQUIRE_SHARED_CACHE``)."""
    if getattr(settings, "REQUIRE_SHARED_CACHE", False):
        warning = _local_cache_warning()
        if warning:
            logger.warning("%s %s", warning.msg, warning.hint)
