"""The trace endpoints' rate limit: a fixed window per client address in the cache
(``TRACE_RATE_LIMIT`` requests per ``TRACE_RATE_WINDOW`` seconds). A client over the limit gets
429 with Retry-After and adds nothing to the scan log. With a shared cache (``CACHE_URL``) the
limit holds across processes."""

from __future__ import annotations

from django.conf import settings

from core import ratelimit
from core.ratelimit import RateDecision


def rate_limit() -> int:
    """Requests per client per window; 0 turns the limit off."""
    return settings.TRACE_RATE_LIMIT


def rate_window() -> int:
    return max(1, settings.TRACE_RATE_WINDOW)


def check_rate_limit(request) -> RateDecision:
    """Count this request against its client's window; refuse past ``TRACE_RATE_LIMIT``
    (``core.ratelimit``: one cache operation per request, a cache outage lets it through)."""
    return ratelimit.hit(request, "trace", rate_limit(), rate_window())
