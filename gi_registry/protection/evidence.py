"""The evidence attached to a report by itself, at sending (``Report.evidence``, a JSON snapshot).

What the registry knew about the box when the consumer reported it, so staff do not have to look
it up (and cannot lose it when a batch changes later):

* the code as typed and as normalised, and the signature check: ``invalid`` (forged or mistyped:
  the signature does not verify), ``not_issued`` (signed with our key but no such code was
  issued), ``valid``; and the verdict the trace page gives (``unknown``, ``withdrawn``,
  ``suspicious``, ``genuine``; ``trace.verdicts``), found WITHOUT logging a scan;
* for an issued code: its batch, producer, authorisation (and whether it was in force that day)
  and GI;
* the code's scan history from the scan log (``trace.Scan``): count, counted, first and last
  scan, distinct coarse origins, client classes, and a timeline by day;
* other cases about the same code, batch or shop (their numbers).

Never the consumer's address or IP: nothing here receives the request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from gi_registry.trace import signing
from gi_registry.trace.models import Scan, TraceCode
from gi_registry.trace.verdicts import UNKNOWN, Resolution, find_code, resolve_code

from .models import Case, Report

#: The most days the scan timeline lists (the newest ones); the totals count every scan.
TIMELINE_DAYS = 90
#: The most case numbers listed per kind of relation.
RELATED_MAX = 20

INVALID, NOT_ISSUED, VALID, NONE = "invalid", "not_issued", "valid", "none"

_SHOP_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class CodeCheck:
    """What a typed code is: its normalised form, the signature check and the verdict."""

    typed: str
    normalised: str
    signature: str
    resolution: Resolution

    @property
    def code(self) -> TraceCode | None:
        return self.resolution.code

    @property
    def verdict(self) -> str:
        return self.resolution.verdict

    @property
    def printed(self) -> str:
        return signing.display(self.normalised) if self.normalised else ""


def check_code(typed: str) -> CodeCheck:
    """The verdict of ``typed`` as the trace page gives it, without logging a scan."""
    typed = (typed or "").strip()[:300]
    normalised = signing.normalise(typed) or ""
    if not normalised:
        return CodeCheck(typed, "", NONE if not typed else INVALID, Resolution(UNKNOWN))
    if signing.verify(normalised) is None:
        return CodeCheck(typed, normalised, INVALID, Resolution(UNKNOWN))
    code, printed = find_code(normalised)
    if code is None:
        return CodeCheck(typed, normalised, NOT_ISSUED, Resolution(UNKNOWN))
    return CodeCheck(typed, normalised, VALID, resolve_code(code, printed, None, log=False))


def shop_key(where_bought: str, shop_name: str = "", place: str = "", online_url: str = "", platform: str = "") -> str:
    """The shop a report is about, normalised so that two reports about one shop match: an online
    shop by its link's host and path (no scheme, query or ``www.``), else the place and the shop's
    name without spaces or punctuation, full-width folded, lower case. Empty without a shop."""
    if online_url:
        parts = urlsplit(online_url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        path = parts.path.rstrip("/").lower()
        if host:
            return f"online:{host}{path}"[:200]

    def fold(text: str) -> str:
        return _SHOP_DROP.sub("", unicodedata.normalize("NFKC", text or "")).lower()

    name = fold(shop_name)
    if not name:
        return ""
    if where_bought == Report.WhereBought.ONLINE:
        return f"online:{fold(platform)}|{name}"[:200]
    return f"shop:{fold(place)}|{name}"[:200]


def scan_history(code: TraceCode) -> dict:
    """The code's scans from the scan log: totals, client classes and a timeline by day."""
    scans = Scan.objects.filter(code=code)
    totals = scans.aggregate(
        count=Count("id"),
        counted=Count("id", filter=Q(counted=True)),
        first=Min("scanned_at"),
        last=Max("scanned_at"),
        origins=Count("origin", distinct=True, filter=~Q(origin="")),
    )
    clients = {row["client"]: row["n"] for row in scans.values("client").annotate(n=Count("id")).order_by("client")}
    days = list(
        scans.annotate(day=TruncDate("scanned_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(scans=Count("id"), origins=Count("origin", distinct=True, filter=~Q(origin="")))
        .order_by("-day")[:TIMELINE_DAYS]
    )
    return {
        "count": totals["count"],
        "counted": totals["counted"],
        "first_at": _iso(totals["first"]),
        "last_at": _iso(totals["last"]),
        "distinct_origins": totals["origins"],
        "clients": clients,
        "timeline": [
            {"day": row["day"].isoformat(), "scans": row["scans"], "origins": row["origins"]} for row in reversed(days)
        ],
    }


def related_cases(*, code: TraceCode | None, code_text: str, batch_id: int | None, key: str) -> dict:
    """Numbers of the cases (not merged away) already about the same code, batch or shop."""

    def numbers(condition: Q) -> list[str]:
        return list(
            Case.objects.filter(condition).order_by("received_at").values_list("number", flat=True)[:RELATED_MAX]
        )

    same_code = Q(trace_code=code) if code is not None else Q(code_text=code_text) if code_text else None
    return {
        "same_code": numbers(same_code) if same_code is not None else [],
        "same_batch": numbers(Q(batch_id=batch_id)) if batch_id else [],
        "same_shop": numbers(Q(shop_key=key)) if key else [],
    }


def snapshot(check: CodeCheck, *, key: str = "", today=None) -> dict:
    """The evidence for a report about ``check``'s code bought at the shop ``key`` (JSON-ready)."""
    today = today or timezone.localdate()
    evidence: dict = {
        "taken_at": _iso(timezone.now()),
        "code": {"typed": check.typed, "normalised": check.normalised, "printed": check.printed},
        "signature": check.signature,
        "verdict": check.verdict,
    }
    code = check.code
    batch_id = None
    if code is not None:
        batch = code.batch
        batch_id = batch.pk
        authorisation = batch.authorisation
        gi = authorisation.geographical_indication
        producer = batch.producer
        evidence.update(
            {
                "code_status": code.status,
                "code_issued_at": _iso(code.issued_at),
                "batch": {
                    "id": batch.pk,
                    "lot_number": batch.lot_number,
                    "product": batch.display_name,
                    "production_date": batch.production_date.isoformat(),
                    "status": batch.status,
                    "status_reason": batch.status_reason,
                },
                "producer": {"id": producer.pk, "name": producer.name, "credit_code": producer.credit_code},
                "authorisation": {
                    "id": authorisation.pk,
                    "number": authorisation.number,
                    "status": authorisation.status,
                    "valid_from": authorisation.valid_from.isoformat(),
                    "valid_until": authorisation.valid_until.isoformat(),
                    "in_force": authorisation.valid_from <= today <= authorisation.valid_until
                    and authorisation.status == authorisation.Status.ACTIVE,
                },
                "gi": {
                    "id": gi.pk,
                    "name": gi.name,
                    "product_family": gi.product_family.name if gi.product_family_id else "",
                },
                "scans": scan_history(code),
            }
        )
    evidence["related_cases"] = related_cases(code=code, code_text=check.normalised, batch_id=batch_id, key=key)
    return evidence


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
