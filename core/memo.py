"""What every public page reads but only an editor changes, computed once per content version.

The navigation, the footer, the site settings, the pages' view restrictions and the locales are
the same on every page until someone publishes or edits something, and every such change bumps
the content version (``core.cache.bump_version``, wired from ``PAGE_CACHE_MODELS``). So they are
kept in this process, keyed on that version, instead of being read on every request: with the
page cache off (or missed) a page no longer pays five to fifteen queries for its frame.

The version itself is read at most once per request (and at most every
``PAGE_CACHE_VERSION_TTL`` seconds per thread, as the page cache reads it), so a change made in
another process shows within that time, and one made in this process at once. Only the entries
of the current version are kept: a new version drops the old ones.

Values must be plain data (or objects nobody mutates): they are shared between threads.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

from django.core.signals import request_finished, request_started

T = TypeVar("T")

#: at most this many entries per version (every address a crawler tries gets a route entry)
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_entries: dict[Hashable, object] = {}
_version: list[int | None] = [None]
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.version = None
    _request.active = True


def _request_finished(**kwargs) -> None:
    _request.active = False
    _request.version = None


request_started.connect(_request_started, dispatch_uid="core-memo-request-started")
request_finished.connect(_request_finished, dispatch_uid="core-memo-request-finished")


def content_version() -> int:
    """The content version, read once per request (``core.cache.current_version`` outside one)."""
    from core.cache import current_version

    if not getattr(_request, "active", False):
        return current_version()
    if _request.version is None:
        _request.version = current_version()
    return _request.version


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key`` under the current content version, computed once."""
    if getattr(_request, "disabled", False):
        return compute()
    version = content_version()
    with _lock:
        if _version[0] != version:
            _entries.clear()
            _version[0] = version
        if key in _entries:
            return _entries[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if _version[0] == version and len(_entries) < MAX_ENTRIES:
            _entries[key] = value
    return value


def forget() -> None:
    """Drop every entry (``bump_version`` does, and tests whose rolled-back database repeats a
    version number with other content)."""
    with _lock:
        _entries.clear()
        _version[0] = None
    _request.version = None


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Within, on this thread, every ``memoized`` value is computed afresh and not kept: the plain
    render that tests compare the memoised pages with (website/tests/test_render_memo.py)."""
    _request.disabled = True
    try:
        yield
    finally:
        _request.disabled = False
