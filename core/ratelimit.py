"""A fixed-window rate limit per client address (or any key), kept in the cache (one ``incr`` per request)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``. Behind reverse proxies a middleware placed first sets it
    (django-xff for ``TRUSTED_PROXY_DEPTH``, ``ProxyHeaderMiddleware`` for ``TRACE_TRUSTED_PROXY_HEADER``);
    without them no header is trusted."""
    return request.META.get("REMOTE_ADDR", "")[:64]


class ProxyHeaderMiddleware:
    """``REMOTE_ADDR`` from the header one trusted proxy sets to the client's address alone
    (``TRACE_TRUSTED_PROXY_HEADER``, e.g. ``HTTP_X_REAL_IP``); X-Forwarded-For is django-xff's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = settings.TRACE_TRUSTED_PROXY_HEADER

    def __call__(self, request):
        value = request.META.get(self.header, "").split(",")[0].strip()
        if value:
            request.META["REMOTE_ADDR"] = value
        return self.get_response(request)


def hit(request, scope: str, limit: int, window: int) -> RateDecision:
    """Count this request in its client's current window of ``window`` seconds for ``scope``;
    refuse past ``limit`` (0 = no limit). A cache outage lets requests through."""
    if limit <= 0:
        return RateDecision(True)
    return hit_key(scope, _client_key(client_address(request)), limit, window)


def hit_key(scope: str, who: str, limit: int, window: int) -> RateDecision:
    """The same fixed window, counted for any key ``who`` (an API token's public key, a client's
    hashed address): refuse past ``limit`` requests (0 = no limit) in the current window."""
    if limit <= 0:
        return RateDecision(True)
    window = max(1, window)
    now = time.time()
    bucket = int(now // window)
    key = f"{scope}-rl:{who}:{bucket}"
    try:
        try:
            used = cache.incr(key)
        except ValueError:  # the window's first request (or the key expired)
            used = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
    except Exception:
        return RateDecision(True)
    if used > limit:
        return RateDecision(False, max(1, int((bucket + 1) * window - now + 0.999)))
    return RateDecision(True)


@lru_cache(maxsize=4096)  # recent clients, in memory only
def _client_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:20]
