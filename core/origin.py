"""The site's public origin, the one source of every absolute address the site writes.

Absolute URLs (``og:url``, canonical and ``hreflang`` links, JSON-LD, the open-data API's
``next``/``previous`` links, robots.txt's ``Sitemap`` line, feeds, trace pages and linksets) are
built from ``settings.SITE_ORIGIN``, never from the request's ``Host`` header: a forged
``Host: evil.example:6666`` would otherwise be written into a page that the whole-page cache then
serves to every visitor. ``SITE_ORIGIN`` defaults to
``WAGTAILADMIN_BASE_URL`` in development and is required (https) in production.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"})  # noqa: S104


def site_origin() -> str:
    """``scheme://host[:port]`` of the public site, without a trailing slash."""
    return (getattr(settings, "SITE_ORIGIN", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (an address on this site, or an already absolute URL) as an absolute URL on the
    site origin. An absolute URL (a media file on a CDN, say) is returned unchanged."""
    if not path:
        return site_origin() + "/"
    if urlsplit(path).scheme:
        return path
    if path.startswith("//"):
        # Scheme-relative: another host; keep it (it is not built from the request either).
        return "https:" + path
    return site_origin() + ("" if path.startswith("/") else "/") + path


def origin_fault(origin: str) -> str | None:
    """``"scheme"``, ``"host"`` or ``"loopback"`` when ``origin`` cannot go into something printed
    or published for good, else ``None``: it must be ``https://`` and name a host that is not a
    loopback or local address. Needs no translation machinery (production settings call it)."""
    parts = urlsplit(origin or "")
    if parts.scheme != "https":
        return "scheme"
    host = (parts.hostname or "").lower()
    if not host:
        return "host"
    if host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith((".localhost", ".local")):
        return "loopback"
    return None


def origin_problem(origin: str) -> str | None:
    """``origin_fault`` as a sentence for staff, or ``None``."""
    return {
        None: None,
        "scheme": _("it is not an https:// address"),
        "host": _("it names no host"),
        "loopback": _("it is a loopback or local address"),
    }[origin_fault(origin)]
