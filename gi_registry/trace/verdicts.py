"""What a printed code says: its verdict.

* ``unknown`` — the code does not verify (forged, mistyped) or no such code was issued;
* ``withdrawn`` — the code or its batch was withdrawn or recalled;
* ``suspicious`` — genuine, but scanned more than ``TRACE_SUSPICIOUS_SCANS`` times or from more
  than ``TRACE_SUSPICIOUS_ORIGINS`` distinct places: probably a copied label;
* ``genuine`` — otherwise.

The code's row comes from ``fastpath.load_code`` (the one query of a scan); what the page and the
JSON show of its batch is in ``payload``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import scans, signing
from .fastpath import load_code
from .models import Batch, TraceCode

GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN = "genuine", "suspicious", "withdrawn", "unknown"
VERDICTS = (GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN)
HTTP_STATUS = {GENUINE: 200, SUSPICIOUS: 200, WITHDRAWN: 410, UNKNOWN: 404}


@dataclass
class Resolution:
    verdict: str
    code: TraceCode | None = None
    printed: str | None = None
    stats: scans.ScanStats | None = None

    @property
    def batch(self) -> Batch | None:
        """The batch row (its own columns only; ``full_batch`` loads what it points at)."""
        return self.code.batch if self.code else None

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.verdict]


def find_code(text: object) -> tuple[TraceCode | None, str | None]:
    """The issued code that ``text`` stands for (and its canonical printed form), or (None, None).

    The signature is checked first, so forged or mistyped codes never reach the database. The code
    comes with its batch row (one query) and is marked for ``scans.log_scan`` (see ``ScanLog``).
    """
    verified = signing.verify(text)
    if verified is None:
        return None, None
    mark = scans.counters_mark()
    code = load_code(verified.serial_hex, verified.kid)
    if code is None:
        return None, None
    return scans.mark_loaded(code, mark), signing.normalise(text)


def resolve(text: object, request=None, *, log: bool = True) -> Resolution:
    """Verify ``text``, log the scan (if ``request`` and ``log``) and give the verdict."""
    code, printed = find_code(text)
    if code is None:
        return Resolution(UNKNOWN)
    return resolve_code(code, printed, request, log=log)


def resolve_code(code: TraceCode, printed: str, request=None, *, log: bool = True) -> Resolution:
    """The verdict for an issued code already found (``find_code``), logging the scan."""
    stats = scans.log_scan(code, request) if request is not None and log else scans.scan_stats(code)
    if code.status != TraceCode.Status.ACTIVE or code.batch.status != Batch.Status.ACTIVE:
        verdict = WITHDRAWN
    elif stats.suspicious:
        verdict = SUSPICIOUS
    else:
        verdict = GENUINE
    return Resolution(verdict, code, printed, stats)
