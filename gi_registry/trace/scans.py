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

Settings (in ``website/settings/base.py``; the first four also from environment variables):
``TRACE_RATE_LIMIT`` (default 60, 0 = off), ``TRACE_RATE_WINDOW`` (60 s),
``TRACE_SUSPICIOUS_SCANS`` (20), ``TRACE_SUSPICIOUS_ORIGINS`` (5), ``TRACE_TRUSTED_PROXY_HEADER``
(e.g. ``HTTP_X_REAL_IP`` when a proxy sets it; default: ``REMOTE_ADDR`` only),
``TRACE_EXTRA_CRAWLER_PATTERNS`` (more User-Agent substrings to treat as crawlers),
``TRACE_SCAN_LOG_ASYNC`` (True), ``TRACE_SCAN_FLUSH_INTERVAL`` (0.5 s), ``TRACE_SCAN_BUFFER_MAX`` (5,000),
``TRACE_SCAN_JOURNAL_DIR`` (``BASE_DIR/var/scan-journal``; empty turns the journal off).

The scan log is written off the request path (``TRACE_SCAN_LOG_ASYNC``, the default): a scan is
appended to this process's buffer (``ScanLog``), and a background thread writes the buffered rows
and the codes' counters in one transaction every ``TRACE_SCAN_FLUSH_INTERVAL`` seconds, at exit
(``atexit``; a gunicorn worker exits normally on a graceful stop or restart), and at once when
``TRACE_SCAN_BUFFER_MAX`` rows wait. A failed write puts its rows back for the next flush.

A process killed outright (SIGKILL, out of memory) runs no exit hook, so each buffered scan is
also appended, as one short line, to this process's journal file (``ScanJournal``) with one
``os.write`` on an ``O_APPEND`` descriptor before the page is answered: the data is in the
kernel's page cache at once and stays there when the process dies (no fsync on the request
path, so a power cut can still lose the last seconds). A flush starts a new journal file for
the scans after it, and writes the names of the files it empties into ``ScanJournalSegment`` in
the same transaction as their scans; it then deletes the files. Every journal file is held
with ``flock`` by the process that writes it, so the replay (``replay_scan_journals()``: at
the background writer's start and every ``JOURNAL_REPLAY_SECONDS``, and from ``manage.py
replay_scan_journals``) takes only the files of dead processes, never a live one's, and never
a file another replaying process holds; a file whose name is already in ``ScanJournalSegment``
(a crash between the commit and the deletion) is deleted without being written again. Journals
live in a subfolder per database, so a benchmark's database never receives the site's scans.

What a page shows is the stored counters plus this process's unwritten scans of the code, so a scan
counts on its own page at once; another worker's scans show once that worker has flushed (within
the interval). ``flush_scans()`` writes everything now (tests, management commands). With
``TRACE_SCAN_LOG_ASYNC = False`` each scan is written in its own transaction before the page is
rendered. Both paths write through ``ScanLog.write``: the same rows, the same counters. A write
locks its codes' rows first (PostgreSQL; SQLite serialises writers anyway), so two processes
writing a first scan from one network count that origin once.

The rules hold as before: every scan is logged (time, coarse origin, client class), crawlers are
not counted, a client over the rate limit is refused before anything is buffered, and the count,
first scan and verdict a page shows include the scan it answers.

Modules: ``clients`` (client class, coarse origin), ``rate_limits`` (the rate-limit decision),
``scan_log`` (buffer, journal, background writer, counters). Every name is importable from here.
"""

from core.ratelimit import RateDecision, client_address

from .clients import CRAWLER_WORDS, client_class, coarse_origin
from .rate_limits import check_rate_limit, rate_limit, rate_window
from .scan_log import (
    JOURNAL_REPLAY_SECONDS,
    JOURNAL_SUFFIX,
    ScanJournal,
    ScanLog,
    ScanRecord,
    ScanStats,
    counters_mark,
    discard_pending_scans,
    flush_scans,
    journal_directory,
    journal_line,
    log_scan,
    mark_loaded,
    parse_journal,
    pending_scans,
    replay_scan_journals,
    scan_record,
    scan_stats,
    stop_scan_thread,
    suspicious_origins,
    suspicious_scans,
)

__all__ = [
    "CRAWLER_WORDS",
    "JOURNAL_REPLAY_SECONDS",
    "JOURNAL_SUFFIX",
    "RateDecision",
    "ScanJournal",
    "ScanLog",
    "ScanRecord",
    "ScanStats",
    "check_rate_limit",
    "client_address",
    "client_class",
    "coarse_origin",
    "counters_mark",
    "discard_pending_scans",
    "flush_scans",
    "journal_directory",
    "journal_line",
    "log_scan",
    "mark_loaded",
    "parse_journal",
    "pending_scans",
    "rate_limit",
    "rate_window",
    "replay_scan_journals",
    "scan_record",
    "scan_stats",
    "stop_scan_thread",
    "suspicious_origins",
    "suspicious_scans",
]
