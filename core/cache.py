"""Whole-page cache for anonymous visitors, invalidated by a content version.

Public pages are read far more often than the registry changes, and the consumer on a weak
rural link should not wait for a query plan. Every cached page's key carries the current
``ContentVersion``; any save, publish or delete of a public record bumps it, so a change shows
at once on every page in every worker process, whatever the cache backend (the version lives
in the database, not in a per-process cache).

Only anonymous ``GET``/``HEAD`` requests without a session cookie are cached, and only ``200``
responses that set no cookie and are not marked private. Trace pages (which log scans), the
admin, search (whose answer depends on the index) and the APIs that write are never cached
(``PAGE_CACHE_EXCLUDE``).

The host is validated (``request.get_host()``, ``ALLOWED_HOSTS``) before anything is served from
the cache, so a disallowed ``Host`` gets 400 even for a cached path, and the key carries the
validated host with its port. ``ALLOWED_HOSTS`` ignores ports, so a request on a port other than
the site origin's (``Host: gi.example:6666``) is answered but neither cached nor served from the
cache. Pages build their absolute addresses from ``SITE_ORIGIN`` (core/origin.py), not from
the request, so no ``Host`` can put its name into a cached page.

What bumps the version is listed in one place, the ``PAGE_CACHE_MODELS`` setting (model labels):
``connect_signals`` (called from ``CoreConfig.ready``) connects ``bump_version`` to each listed
model's save, delete and many-to-many changes, and to Wagtail's publish and unpublish signals.
No app wires these signals itself.
"""

import hashlib
import threading
import time
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from wagtail.signals import page_published, page_unpublished, published, unpublished

from core.origin import site_origin

from . import memo
from .models import ContentVersion

HEADER = "X-Page-Cache"


_memo = threading.local()


def current_version() -> int:
    """The content version, read from the database at most every PAGE_CACHE_VERSION_TTL seconds
    per thread: a change made in another process shows within that time, one made in this
    process at once (``bump_version`` forgets the memo)."""
    now = time.monotonic()
    if getattr(_memo, "expires", 0) > now:
        return _memo.version
    _memo.version = ContentVersion.objects.filter(pk=1).values_list("counter", flat=True).first() or 0
    _memo.expires = now + settings.PAGE_CACHE_VERSION_TTL
    return _memo.version


def bump_version(**kwargs) -> None:
    """Signal receiver: something public changed, so every cached page is stale."""
    if not ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
    _memo.expires = 0
    memo.forget()  # the navigation, footer and the like (core/memo.py) are read afresh


def connect_signals() -> None:
    """Connect ``bump_version`` to every change of a model in ``PAGE_CACHE_MODELS`` (the one list of
    what a public page shows) and to Wagtail's publish and unpublish signals."""
    for label in settings.PAGE_CACHE_MODELS:
        model = apps.get_model(label)
        post_save.connect(bump_version, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"page-cache-delete-{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                bump_version, sender=field.remote_field.through, dispatch_uid=f"page-cache-m2m-{label}-{field.name}"
            )
    for signal in (page_published, page_unpublished, published, unpublished):
        signal.connect(bump_version, dispatch_uid=f"page-cache-{id(signal)}")


def _cacheable_request(request) -> bool:
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE))


def _default_port(scheme: str) -> str:
    return "443" if scheme == "https" else "80"


def _on_origin_port(host: str) -> bool:
    """Whether ``host`` (validated) is on the site origin's port, or names none: ``ALLOWED_HOSTS``
    lets any port through, and a page per port would let one visitor fill the cache."""
    _name, sep, port = host.rpartition(":")
    if not sep or "]" in port:  # no port (or an IPv6 address without one)
        return True
    origin = urlsplit(site_origin())
    return port == str(origin.port or _default_port(origin.scheme))


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Before the cache: DisallowedHost (400) for a Host not in ALLOWED_HOSTS, cached path or not.
        host = request.get_host()
        if not _on_origin_port(host):
            return self.get_response(request)
        digest = hashlib.sha256(f"{host}\n{request.get_full_path()}".encode()).hexdigest()
        key = f"page:{current_version()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", HEADER.lower())]
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response
