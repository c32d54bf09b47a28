"""Suspected copies: genuine codes whose scans say one printed code is on many boxes.

A code is a suspected copy when, among its counted scans of the last ``PROTECTION_COPY_WINDOW_DAYS``
days (90), any of these holds, with the thresholds of its product family (``CopyThreshold``; the
row without a family is the default, and without any row the model's defaults apply):

* networks: more distinct coarse origins (``Scan.origin``, a hashed /24) than ``max_networks``;
* places: more distinct cities (``Scan.place``) than ``max_places``;
* far apart: two scans from two different cities within ``far_apart_hours`` of each other.

A household re-scanning its pomelo box from one network is none of these; a copied duck code
scanned in three cities is. The shortest interval between scans from different cities is found
with one window function (``LAG`` over each code's scans with a place, in time order): the closest
pair of scans from different cities is always two neighbours in that order, so only rows where the
city changes leave the database.

The ranking score is how far over the thresholds a code is (networks / max_networks and places /
max_places when over, far_apart_hours / shortest interval when far apart, capped at 10), raised by
a quarter per report about the code (up to four), and halved for every 14 days since its last scan.

A handful of queries whatever the number of codes: the per-code aggregate (with its product family,
filtered in SQL to the codes that can be over the lowest thresholds), the interval query for the
codes seen in two cities or more, the cities of the suspected codes, their codes/batches/producers,
and their reports and cases. ``suspected_batches`` groups the suspected codes by batch.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import Lag
from django.utils import timezone

from gi_registry.trace.models import Scan, TraceCode

from .models import Case, CopyThreshold, Report

FAMILY_PATH = "code__batch__authorisation__geographical_indication__product_family"
RECENCY_HALF_LIFE_DAYS = 14
FAR_APART_CAP = 10.0


@dataclass(frozen=True)
class Thresholds:
    max_networks: int
    max_places: int
    far_apart_hours: int

    @classmethod
    def of(cls, row: CopyThreshold) -> Thresholds:
        return cls(row.max_networks, row.max_places, row.far_apart_hours)


def thresholds() -> tuple[Thresholds, dict[int, Thresholds]]:
    """The default thresholds and those of each family that has its own row (one query)."""
    default = Thresholds.of(CopyThreshold())
    per_family: dict[int, Thresholds] = {}
    for row in CopyThreshold.objects.all():
        if row.product_family_id is None:
            default = Thresholds.of(row)
        else:
            per_family[row.product_family_id] = Thresholds.of(row)
    return default, per_family


def window_days() -> int:
    return int(getattr(settings, "PROTECTION_COPY_WINDOW_DAYS", 90))


@dataclass
class SuspectedCopy:
    """One suspected code: its figures over the window, which rules it breaks, and its reports."""

    code_id: int
    family_id: int | None
    scans: int
    networks: int
    places: int
    first_at: datetime.datetime
    last_at: datetime.datetime
    limits: Thresholds
    #: shortest interval between scans from two different cities, and those two cities
    far_apart: datetime.timedelta | None = None
    far_apart_places: tuple[str, str] = ("", "")
    place_names: list[str] = field(default_factory=list)
    reports: int = 0
    cases: int = 0
    code: TraceCode | None = None
    score: float = 0.0

    @property
    def too_many_networks(self) -> bool:
        return self.networks > self.limits.max_networks

    @property
    def too_many_places(self) -> bool:
        return self.places > self.limits.max_places

    @property
    def far_apart_within_window(self) -> bool:
        return self.far_apart is not None and self.far_apart <= datetime.timedelta(hours=self.limits.far_apart_hours)

    @property
    def is_suspected(self) -> bool:
        return self.too_many_networks or self.too_many_places or self.far_apart_within_window

    @property
    def far_apart_hours(self) -> float | None:
        return None if self.far_apart is None else round(self.far_apart.total_seconds() / 3600, 1)

    def severity(self) -> float:
        """How far over the thresholds (0 when under all of them)."""
        over = 0.0
        if self.too_many_networks:
            over += self.networks / max(1, self.limits.max_networks)
        if self.too_many_places:
            over += self.places / max(1, self.limits.max_places)
        if self.far_apart_within_window:
            hours = self.far_apart.total_seconds() / 3600
            over += min(FAR_APART_CAP, self.limits.far_apart_hours / max(hours, 0.1))
        return over

    def rank(self, now: datetime.datetime) -> float:
        age_days = max(0.0, (now - self.last_at).total_seconds() / 86400)
        recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        self.score = round(self.severity() * recency * (1 + 0.25 * min(self.reports, 4)), 2)
        return self.score


def _scans(since: datetime.datetime, until: datetime.datetime | None):
    scans = Scan.objects.filter(counted=True, scanned_at__gte=since)
    if until is not None:
        scans = scans.filter(scanned_at__lt=until)
    return scans.order_by()  # no default ordering in GROUP BY / DISTINCT


def _candidates(scans, default: Thresholds, per_family: dict[int, Thresholds], family_id=None):
    """Per code (one aggregate query): scans, networks, places, first and last scan, family; only
    codes that can break a rule (over the lowest network or place threshold, or two cities)."""
    lowest_networks = min([default.max_networks, *(t.max_networks for t in per_family.values())])
    lowest_places = min([default.max_places, *(t.max_places for t in per_family.values()), 1])
    if family_id is not None:
        scans = scans.filter(**{FAMILY_PATH: family_id})
    rows = (
        scans.values("code_id")
        .annotate(
            family_id=F(FAMILY_PATH),
            n_scans=Count("id"),
            networks=Count("origin", distinct=True, filter=~Q(origin="")),
            places=Count("place", distinct=True, filter=~Q(place="")),
            first_at=Min("scanned_at"),
            last_at=Max("scanned_at"),
        )
        .filter(Q(networks__gt=lowest_networks) | Q(places__gt=lowest_places))
    )
    return [
        SuspectedCopy(
            code_id=row["code_id"],
            family_id=row["family_id"],
            scans=row["n_scans"],
            networks=row["networks"],
            places=row["places"],
            first_at=row["first_at"],
            last_at=row["last_at"],
            limits=per_family.get(row["family_id"], default),
        )
        for row in rows
    ]


def _shortest_far_apart(scans, copies: list[SuspectedCopy]) -> None:
    """Set ``far_apart`` (and its two cities) on the copies seen in two cities or more: one query
    per 500 codes, returning only the scans whose city differs from the code's previous one."""
    by_id = {c.code_id: c for c in copies if c.places >= 2}
    ids = sorted(by_id)
    for start in range(0, len(ids), 500):
        changes = (
            scans.filter(code_id__in=ids[start : start + 500])
            .exclude(place="")
            .annotate(
                previous_place=Window(Lag("place"), partition_by=[F("code_id")], order_by=[F("scanned_at"), F("id")]),
                previous_at=Window(Lag("scanned_at"), partition_by=[F("code_id")], order_by=[F("scanned_at"), F("id")]),
            )
            .filter(previous_place__isnull=False)
            .exclude(previous_place=F("place"))
            .values_list("code_id", "scanned_at", "place", "previous_place", "previous_at")
        )
        for code_id, at, place, previous_place, previous_at in changes:
            copy = by_id[code_id]
            gap = at - previous_at
            if copy.far_apart is None or gap < copy.far_apart:
                copy.far_apart = gap
                copy.far_apart_places = (previous_place, place)


def suspected_copies(
    *,
    now: datetime.datetime | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    family_id: int | None = None,
    details: bool = True,
) -> list[SuspectedCopy]:
    """The suspected copies among the scans since ``since`` (default: the window before ``now``)
    and before ``until``, best-ranked first. ``details=False`` skips the cities, codes and reports
    (the dashboard's weekly counts)."""
    now = now or timezone.now()
    since = since or now - datetime.timedelta(days=window_days())
    default, per_family = thresholds()
    scans = _scans(since, until)
    copies = _candidates(scans, default, per_family, family_id)
    _shortest_far_apart(scans, copies)
    copies = [c for c in copies if c.is_suspected]
    if details and copies:
        _add_details(scans, copies)
    for copy in copies:
        copy.rank(now)
    copies.sort(key=lambda c: (-c.score, -c.last_at.timestamp(), c.code_id))
    return copies


def _add_details(scans, copies: list[SuspectedCopy]) -> None:
    by_id = {c.code_id: c for c in copies}
    ids = sorted(by_id)
    names: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for code_id, place in (
            scans.filter(code_id__in=chunk).exclude(place="").values_list("code_id", "place").distinct()
        ):
            names[code_id].add(place)
        codes = TraceCode.objects.filter(pk__in=chunk).select_related(
            "batch__producer", "batch__authorisation__geographical_indication__product_family"
        )
        for code in codes:
            by_id[code.pk].code = code
        reports = (
            Report.objects.filter(trace_code_id__in=chunk)
            .order_by()
            .values("trace_code_id")
            .annotate(n=Count("id"))
            .values_list("trace_code_id", "n")
        )
        for code_id, n in reports:
            by_id[code_id].reports = n
        cases = (
            Case.objects.filter(trace_code_id__in=chunk, merged_into__isnull=True)
            .order_by()
            .values("trace_code_id")
            .annotate(n=Count("id"))
            .values_list("trace_code_id", "n")
        )
        for code_id, n in cases:
            by_id[code_id].cases = n
    for copy in copies:
        copy.place_names = sorted(names[copy.code_id])


@dataclass
class SuspectedBatch:
    batch_id: int
    codes: list[SuspectedCopy]

    @property
    def batch(self):
        return self.codes[0].code.batch if self.codes and self.codes[0].code else None

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.codes), 2)

    @property
    def reports(self) -> int:
        return sum(c.reports for c in self.codes)

    @property
    def place_names(self) -> list[str]:
        return sorted({name for c in self.codes for name in c.place_names})


def suspected_batches(copies: list[SuspectedCopy]) -> list[SuspectedBatch]:
    """The suspected codes grouped by batch, the batch with the highest total score first."""
    groups: dict[int, list[SuspectedCopy]] = defaultdict(list)
    for copy in copies:
        if copy.code is not None:
            groups[copy.code.batch_id].append(copy)
    batches = [SuspectedBatch(batch_id, codes) for batch_id, codes in groups.items()]
    batches.sort(key=lambda b: (-b.score, b.batch_id))
    return batches
