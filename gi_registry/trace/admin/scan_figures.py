"""The scan dashboard's figures: counted scans in a date range, per day and broken down by GI,
producer, batch and client, for the scans a user may see; and the daily chart's geometry.

Each figure is one aggregate query (``GROUP BY`` in the database), so the dashboard makes the
same number of queries for ten scans as for ten million. Days are local days (``TIME_ZONE``,
Asia/Shanghai): a scan at 23:30 in Liangping counts on that day, not on the UTC one.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from gi_registry.permissions import is_officer

from .. import scans
from ..models import Scan, TraceCode
from ..permissions import batches_for

#: the batch breakdown lists the most scanned lots only
TOP_BATCHES = 20


def visible_scans(user) -> QuerySet:
    """The scans ``user`` may count: every scan for officers, else those of the codes of the user's
    own producers' batches (the same rule as the batch listing, ``batches_for``)."""
    if is_officer(user):
        return Scan.objects.all()
    return Scan.objects.filter(code__batch__in=batches_for(user).values("pk"))


@dataclass(frozen=True)
class Filters:
    """Narrow the dashboard to one GI, producer or batch (ids already checked against the user's scope)."""

    gi: int | None = None
    producer: int | None = None
    batch: int | None = None

    def q(self, batch_path: str = "code__batch") -> Q:
        """The condition on a model that reaches the batch by ``batch_path``."""
        q = Q()
        if self.gi:
            q &= Q(**{f"{batch_path}__authorisation__geographical_indication_id": self.gi})
        if self.producer:
            q &= Q(**{f"{batch_path}__producer_id": self.producer})
        if self.batch:
            q &= Q(**{f"{batch_path}_id": self.batch})
        return q

    def __bool__(self) -> bool:
        return bool(self.gi or self.producer or self.batch)


def local_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of ``start`` to the start of the day after ``end``, local time."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return since, until


@dataclass
class ScanFigures:
    start: datetime.date
    end: datetime.date
    days: list[tuple[datetime.date, int]]
    by_gi: list[dict] = field(default_factory=list)
    by_producer: list[dict] = field(default_factory=list)
    by_batch: list[dict] = field(default_factory=list)
    by_client: list[dict] = field(default_factory=list)
    codes_scanned: int = 0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.days)

    @property
    def peak(self) -> int:
        return max((n for _, n in self.days), default=0)


def _shares(rows: list[dict], total: int, id_key: str = "") -> list[dict]:
    """Each row's share of ``total`` in per cent, and its record's id as ``id`` (for links)."""
    for row in rows:
        row["percent"] = round(100 * row["scans"] / total, 1) if total else 0
        if id_key:
            row["id"] = row[id_key]
    return rows


def scan_figures(user, start: datetime.date, end: datetime.date, filters: Filters | None = None) -> ScanFigures:
    """The counted scans (crawlers and link previews left out) ``user`` may see between ``start``
    and ``end`` (local days, both included): six queries whatever the number of scans."""
    filters = filters or Filters()
    since, until = local_bounds(start, end)
    scans_qs = visible_scans(user).filter(filters.q(), counted=True, scanned_at__gte=since, scanned_at__lt=until)
    tz = timezone.get_current_timezone()
    per_day = dict(
        scans_qs.annotate(day=TruncDate("scanned_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    days = []
    day = start
    while day <= end:
        days.append((day, per_day.get(day, 0)))
        day += datetime.timedelta(days=1)
    total = sum(n for _, n in days)
    gi_key = "code__batch__authorisation__geographical_indication"
    by_gi = list(
        scans_qs.values(gi_id=F(f"{gi_key}_id"), name=F(f"{gi_key}__name"))
        .annotate(scans=Count("id"), codes=Count("code", distinct=True))
        .order_by("-scans", "name")
    )
    by_producer = list(
        scans_qs.values(producer_id=F("code__batch__producer_id"), name=F("code__batch__producer__name"))
        .annotate(scans=Count("id"), codes=Count("code", distinct=True))
        .order_by("-scans", "name")
    )
    by_batch = list(
        scans_qs.values(
            batch_id=F("code__batch_id"),
            lot=F("code__batch__lot_number"),
            product=F("code__batch__product_name"),
            gi=F(f"{gi_key}__name"),
            producer=F("code__batch__producer__name"),
        )
        .annotate(scans=Count("id"), codes=Count("code", distinct=True))
        .order_by("-scans", "lot")[:TOP_BATCHES]
    )
    labels = dict(Scan.Client.choices)
    by_client = [
        {"client": row["client"], "name": str(labels.get(row["client"], row["client"])), "scans": row["scans"]}
        for row in scans_qs.values("client").annotate(scans=Count("id")).order_by("-scans", "client")
    ]
    codes_scanned = scans_qs.values("code").distinct().count()
    return ScanFigures(
        start=start,
        end=end,
        days=days,
        by_gi=_shares(by_gi, total, "gi_id"),
        by_producer=_shares(by_producer, total, "producer_id"),
        by_batch=_shares(by_batch, total),
        by_client=_shares(by_client, total),
        codes_scanned=codes_scanned,
    )


def suspicious_codes(user, filters: Filters | None = None, limit: int = 50) -> QuerySet:
    """Codes past the scan or origin threshold (the counters ``scans.log_scan`` keeps) among those
    ``user`` may see, most scanned first."""
    filters = filters or Filters()
    codes = (
        TraceCode.objects.all()
        if is_officer(user)
        else TraceCode.objects.filter(batch__in=batches_for(user).values("pk"))
    )
    return (
        codes.filter(filters.q("batch"))
        .filter(Q(scan_count__gt=scans.suspicious_scans()) | Q(origin_count__gt=scans.suspicious_origins()))
        .select_related("batch__producer")
        .order_by("-scan_count")[:limit]
    )


# -- the daily chart --------------------------------------------------------------------------

#: the drawing for wide screens; phones get a narrower one (``day_chart(days, NARROW)``) so that
#: its 14-unit text stays readable when the browser scales it to the screen
WIDE, NARROW = (800, 8), (400, 5)  # viewBox width, most dated ticks
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 14, 44
PLOT_H = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    bars: list[dict]
    x_ticks: list[dict]  # {"x", "label"}: dates under the axis
    y_ticks: list[dict]  # {"y", "label"}: counts left of the axis, with a grid line
    axis_y: float
    left: int
    right: int


def _nice_step(peak: int, lines: int = 4) -> int:
    """A round step (1, 2, 5 × 10ⁿ) that gives about ``lines`` grid lines up to ``peak``."""
    if peak <= lines:
        return 1
    raw = peak / lines
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)


def _date_step(days: int, most: int = 8) -> int:
    """Days between two dated ticks: at most ``most`` labels under the axis."""
    for step in (1, 2, 3, 7, 14, 28, 56, 91, 182):
        if math.ceil(days / step) <= most:
            return step
    return 366


def day_chart(days: list[tuple[datetime.date, int]], size: tuple[int, int] = WIDE, per: str = "day") -> DayChart:
    """Bars per day (``size``: viewBox width, most dated ticks) with dates under the axis (``MM-DD``, the year where it starts or changes) and
    counts on a grid of round numbers: coordinates for the template's inline SVG
    (``_bar_chart.html``). With ``per="month"`` each bar is a month, labelled ``MM`` (``YYYY-MM``
    where the year starts or changes), as on the producer's workspace."""
    short, full = ("%m", "%Y-%m") if per == "month" else ("%m-%d", "%Y-%m-%d")
    width, most_ticks = size
    plot_w = width - LEFT - RIGHT
    n = max(len(days), 1)
    peak = max((c for _, c in days), default=0)
    step = _nice_step(peak)
    top_value = max(step * math.ceil(peak / step), step)
    slot = plot_w / n
    bar_w = max(slot * 0.72, 1)
    axis_y = TOP + PLOT_H
    bars = []
    for i, (day, count) in enumerate(days):
        height = PLOT_H * count / top_value
        bars.append(
            {
                "day": day,
                "count": count,
                "x": round(LEFT + i * slot + (slot - bar_w) / 2, 2),
                "y": round(axis_y - height, 2),
                "width": round(bar_w, 2),
                "height": round(height, 2),
            }
        )
    date_step = _date_step(n, most_ticks)
    x_ticks = []
    last_year = None
    for i in range(0, n, date_step):
        day = days[i][0]
        label = day.strftime(short) if day.year == last_year else day.strftime(full)
        last_year = day.year
        x_ticks.append({"x": round(LEFT + i * slot + slot / 2, 2), "label": label})
    y_ticks = [
        {"y": round(axis_y - PLOT_H * value / top_value, 2), "label": str(value)}
        for value in range(0, top_value + 1, step)
    ]
    return DayChart(width, HEIGHT, bars, x_ticks, y_ticks, axis_y, LEFT, width - RIGHT)
