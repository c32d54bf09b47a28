"""A fixed-window rate limit per client address, kept in the cache (one ``incr`` per request)."""

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
    """The client's address: ``REMOTE_ADDR``, or the first address of the header a trusted proxy
    sets (``TRACE_TRUSTED_PROXY_HEADER``)."""
    header = settings.TRACE_TRUSTED_PROXY_HEADER
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() if value else request.META.get("REMOTE_ADDR", "")
    return value[:64]


def hit(request, scope: str, limit: int, window: int) -> RateDecision:
    """Count this request in its client's current window of ``window`` seconds for ``scope``;
    refuse past ``limit`` (0 = no limit). A cache outage lets requests through."""
    if limit <= 0:
        return RateDecision(True)
    window = max(1, window)
    now = time.time()
    bucket = int(now // window)
    who = _client_key(client_address(request))
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
