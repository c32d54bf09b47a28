"""Scans of a code: who is asking (client class, coarse origin), what counts, and the rate limit.

* Client class from the User-Agent: WeChat (``MicroMessenger``), Alipay (``AlipayClient``), a
  browser, a crawler or link-preview fetcher, or other. Crawlers and previews (a link pasted into a
  chat is fetched by the chat's server to draw its card), HEAD requests and requests without a
  User-Agent (every phone browser sends one) are logged as not counted.
* Coarse origin: a keyed hash of the client's /24 (IPv4) or /48 (IPv6) network, 16 hex digits.
  Enough to tell "scanned from many places" from "scanned many times in one place"; the address
  itself is never stored.
* Rate limit: a fixed window per client address in the cache (``TRACE_RATE_LIMIT`` requests per
  ``TRACE_RATE_WINDOW`` seconds). A client over the limit gets 429 with Retry-After and adds
  nothing to the scan log. With a shared cache (``CACHE_URL``) the limit holds across processes.

Settings (all optional; the first four also from environment variables of the same name):
``TRACE_RATE_LIMIT`` (default 60, 0 = off), ``TRACE_RATE_WINDOW`` (60 s),
``TRACE_SUSPICIOUS_SCANS`` (20), ``TRACE_SUSPICIOUS_ORIGINS`` (5), ``TRACE_TRUSTED_PROXY_HEADER``
(e.g. ``HTTP_X_REAL_IP`` when a proxy sets it; default: ``REMOTE_ADDR`` only),
``TRACE_EXTRA_CRAWLER_PATTERNS`` (more User-Agent substrings to treat as crawlers).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Scan, TraceCode

# Link-preview fetchers and crawlers. WeChat's own preview fetcher does not publish its
# User-Agent; the generic words below and the "no User-Agent" rule cover the ones seen in logs.
CRAWLER_WORDS = (
    "bot",
    "spider",
    "crawl",
    "slurp",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "embedly",
    "whatsapp",
    "skypeuripreview",
    "qq-url-manager",
    "mediapartners",
    "headlesschrome",
    "python-requests",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
)


def _setting(name: str, default: int) -> int:
    """A Django setting, else the environment variable of the same name, else ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def rate_limit() -> int:
    """Requests per client per window; 0 turns the limit off."""
    return _setting("TRACE_RATE_LIMIT", 60)


def rate_window() -> int:
    return max(1, _setting("TRACE_RATE_WINDOW", 60))


def suspicious_scans() -> int:
    return _setting("TRACE_SUSPICIOUS_SCANS", 20)


def suspicious_origins() -> int:
    return _setting("TRACE_SUSPICIOUS_ORIGINS", 5)


@lru_cache(maxsize=4)
def _crawler_re(extra: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w.lower()) for w in CRAWLER_WORDS + extra))


def client_class(user_agent: str) -> str:
    """``wechat``, ``alipay``, ``browser``, ``crawler`` or ``other`` for a User-Agent string."""
    ua = (user_agent or "").lower()[:512]
    if not ua.strip():
        return Scan.Client.CRAWLER
    if _crawler_re(tuple(getattr(settings, "TRACE_EXTRA_CRAWLER_PATTERNS", ()))).search(ua):
        return Scan.Client.CRAWLER
    if "micromessenger" in ua:
        return Scan.Client.WECHAT
    if "alipay" in ua:
        return Scan.Client.ALIPAY
    if ua.startswith("mozilla/") or "applewebkit" in ua or "gecko" in ua:
        return Scan.Client.BROWSER
    return Scan.Client.OTHER


def client_address(request) -> str:
    header = getattr(settings, "TRACE_TRUSTED_PROXY_HEADER", "")
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() if value else request.META.get("REMOTE_ADDR", "")
    return value[:64]


def coarse_origin(address: str) -> str:
    """A keyed hash of the /24 or /48 network of ``address`` (16 hex digits), '' if unparsable."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    key = (settings.SECRET_KEY or "trace-origin").encode()
    return hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def check_rate_limit(request) -> RateDecision:
    """Count this request against its client's window; refuse past ``TRACE_RATE_LIMIT``."""
    limit, window = rate_limit(), rate_window()
    if limit <= 0:
        return RateDecision(True)
    now = time.time()
    bucket = int(now // window)
    who = hashlib.sha256(client_address(request).encode()).hexdigest()[:20]
    key = f"trace-rl:{who}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 1)
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        used = 1
    except Exception:
        return RateDecision(True)
    if used > limit:
        return RateDecision(False, max(1, int((bucket + 1) * window - now + 0.999)))
    return RateDecision(True)


# SQLite takes one writer at a time and a waiting writer backs off in sleeps of up to 100 ms;
# threads of one process queue here instead, so they wait only as long as the writes take.
_SQLITE_WRITE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ScanStats:
    count: int
    first_at: object
    origins: int

    @property
    def suspicious(self) -> bool:
        return self.count > suspicious_scans() or self.origins > suspicious_origins()

    @classmethod
    def of(cls, code: TraceCode) -> ScanStats:
        return cls(code.scan_count, code.first_scanned_at, code.origin_count)


def log_scan(code: TraceCode, request) -> ScanStats:
    """Record one resolution of ``code`` and return its counts including this one.

    Crawlers, link previews and HEAD requests are logged but not counted. A counted scan adds one
    to the code's ``scan_count`` and, when its coarse origin is new for the code, to
    ``origin_count`` (one indexed lookup, an insert and an update in one short transaction).
    """
    client = client_class(request.META.get("HTTP_USER_AGENT", ""))
    counted = request.method == "GET" and client != Scan.Client.CRAWLER
    origin = coarse_origin(client_address(request))
    now = timezone.now()
    lock = _SQLITE_WRITE_LOCK if connection.vendor == "sqlite" else contextlib.nullcontext()
    with lock, transaction.atomic():
        new_origin = (
            counted and bool(origin) and not Scan.objects.filter(code=code, origin=origin, counted=True).exists()
        )
        Scan.objects.create(code=code, scanned_at=now, origin=origin, client=client, counted=counted)
        if counted:
            TraceCode.objects.filter(pk=code.pk).update(
                scan_count=F("scan_count") + 1,
                origin_count=F("origin_count") + int(new_origin),
                first_scanned_at=Coalesce(F("first_scanned_at"), Value(now, output_field=DateTimeField())),
            )
    if not counted:
        return ScanStats.of(code)
    return ScanStats(code.scan_count + 1, code.first_scanned_at or now, code.origin_count + int(new_origin))


def scan_stats(code: TraceCode) -> ScanStats:
    """Counted scans of ``code``, the first one's time and how many distinct origins."""
    return ScanStats.of(code)
