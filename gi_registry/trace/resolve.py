"""What a printed code says: its verdict and everything the trace page and JSON show.

* ``verdicts`` — the rules: ``resolve``, ``find_code``, ``Resolution`` and the four verdicts;
* ``fastpath`` — the scan's one query (``load_code``), hand-written for speed;
* ``payload`` — what the page and the JSON show of the batch, and its cache.

Every name is importable from here, as the views and tests do.
"""

from .fastpath import CODE_QUERY, CodeQuery, load_code
from .payload import (
    DETAILS_CACHE_SECONDS,
    batch_payload,
    cached_batch_payload,
    details_cache_key,
    event_payload,
    full_batch,
    payload,
)
from .verdicts import (
    GENUINE,
    HTTP_STATUS,
    SUSPICIOUS,
    UNKNOWN,
    VERDICTS,
    WITHDRAWN,
    Resolution,
    find_code,
    resolve,
    resolve_code,
)

__all__ = [
    "CODE_QUERY",
    "DETAILS_CACHE_SECONDS",
    "GENUINE",
    "HTTP_STATUS",
    "SUSPICIOUS",
    "UNKNOWN",
    "VERDICTS",
    "WITHDRAWN",
    "CodeQuery",
    "Resolution",
    "batch_payload",
    "cached_batch_payload",
    "details_cache_key",
    "event_payload",
    "find_code",
    "full_batch",
    "load_code",
    "payload",
    "resolve",
    "resolve_code",
]
