"""The protection dashboard's figures: reports and suspected copies per week (the last 12 weeks,
Monday to Sunday, Beijing time), per product family and per place, and the open and overdue cases.

Reports are counted by the week they were sent, their case's product family (else that of the
reported code's GI) and the place the consumer gave. Suspected copies per week are the codes whose scans of that week alone break a rule
(``copies.suspected_copies`` over the week: three queries a week); per family and per place they
are the codes suspected now (over ``PROTECTION_COPY_WINDOW_DAYS``), each counted once in each city
its scans came from. Merged cases' reports count with the case they were merged into.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from gi_registry.models import ProductFamily

from .copies import suspected_copies
from .models import Case, Report

WEEKS = 12
TOP_PLACES = 10


@dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    reports_per_week: list[tuple[datetime.date, int]]
    copies_per_week: list[tuple[datetime.date, int]]
    by_family: list[dict]  # {"name", "reports", "copies"}
    by_place: list[dict]  # {"name", "reports", "copies"}
    reports_total: int
    copies_now: int
    open_cases: int
    overdue_cases: int


def week_starts(today: datetime.date, weeks: int = WEEKS) -> list[datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _with_share(rows: list[dict]) -> list[dict]:
    peak = max([r["reports"] for r in rows] + [r["copies"] for r in rows] + [1])
    for r in rows:
        r["reports_percent"] = round(100 * r["reports"] / peak, 1)
        r["copies_percent"] = round(100 * r["copies"] / peak, 1)
    return rows


def figures(today: datetime.date | None = None) -> Figures:
    today = today or timezone.localdate()
    weeks = week_starts(today)
    start, end = weeks[0], weeks[-1] + datetime.timedelta(days=6)
    since, until = _aware(start), _aware(end + datetime.timedelta(days=1))
    reports = Report.objects.filter(submitted_at__gte=since, submitted_at__lt=until).order_by()

    # per week: count per local day in SQL, folded into weeks here (TruncWeek's week start differs per backend)
    per_day = reports.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("id"))
    per_week: Counter = Counter()
    for row in per_day:
        day = row["day"]
        per_week[day - datetime.timedelta(days=day.weekday())] += row["n"]
    reports_per_week = [(week, per_week[week]) for week in weeks]

    copies_per_week = []
    for week in weeks:
        week_since, week_until = _aware(week), _aware(week + datetime.timedelta(days=7))
        found = suspected_copies(now=min(week_until, timezone.now()), since=week_since, until=week_until, details=False)
        copies_per_week.append((week, len(found)))

    copies_now = suspected_copies()
    families = {f.pk: f.name for f in ProductFamily.objects.all()}
    # the case's family, else the family of the reported code's GI
    report_family = Coalesce(
        "case__product_family", "trace_code__batch__authorisation__geographical_indication__product_family"
    )
    family_reports = Counter(
        dict(reports.annotate(family=report_family).values("family").annotate(n=Count("id")).values_list("family", "n"))
    )
    family_copies = Counter(c.family_id for c in copies_now)
    by_family = [
        {"name": families.get(pk) or _("No product family"), "reports": family_reports[pk], "copies": family_copies[pk]}
        for pk in sorted(set(family_reports) | set(family_copies), key=lambda pk: (pk is None, families.get(pk, "")))
    ]
    place_reports = Counter(
        {(name or ""): n for name, n in reports.values_list("place").annotate(n=Count("id")).values_list("place", "n")}
    )
    place_copies = Counter(name for c in copies_now for name in c.place_names)
    names = sorted(
        set(place_reports) | set(place_copies), key=lambda n: (-(place_reports[n] + place_copies[n]), n == "", n)
    )
    by_place = [
        {"name": name or _("Place not given"), "reports": place_reports[name], "copies": place_copies[name]}
        for name in names[:TOP_PLACES]
    ]
    queue = Case.objects.in_queue()
    return Figures(
        start=start,
        end=end,
        reports_per_week=reports_per_week,
        copies_per_week=copies_per_week,
        by_family=_with_share(by_family),
        by_place=_with_share(by_place),
        reports_total=sum(n for _week, n in reports_per_week),
        copies_now=len(copies_now),
        open_cases=queue.open().count(),
        overdue_cases=queue.overdue(today).count(),
    )
