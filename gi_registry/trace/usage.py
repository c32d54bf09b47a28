"""The yearly usage report of the GI special mark (地理标志专用标志使用情况): its rules, in one place.

* ``due_date(year)`` — a year's report is due on ``settings.USAGE_REPORT_DUE`` ("MM-DD") of the next
  year (default 31 March);
* ``is_overdue(report, authorisation, year, today)`` — past that day and not submitted (a draft, a
  returned report or none at all), for an authorisation that was in force in that year;
* ``is_dormant(last_activity, today)`` — no code issued and no report submitted for
  ``settings.USAGE_DORMANT_MONTHS`` months (default 24: the GI rules let a mark unused for two
  years be cancelled);
* ``prefill(authorisation, year)`` — the labels used that year: the codes issued under the
  authorisation in the calendar year (Asia/Shanghai), withdrawn ones included (they were printed).

``overdue_authorisations`` and ``dormant_authorisations`` apply the rules to the registry for the
officers' report page and dashboard panel, in a fixed number of queries.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gi_registry.models import Authorisation

from .issuance import issued_in_year
from .models import TraceCode, UsageReport, add_months

#: a report in these states counts as filed
FILED = frozenset({UsageReport.Status.SUBMITTED, UsageReport.Status.ACCEPTED})


def due_date(year: int) -> datetime.date:
    """The last day to submit the report for ``year``: ``USAGE_REPORT_DUE`` ("MM-DD") in ``year + 1``.

    29 February in a common year is read as 28 February.
    """
    text = str(getattr(settings, "USAGE_REPORT_DUE", "03-31"))
    try:
        month, day = (int(part) for part in text.split("-"))
        datetime.date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError as error:
        raise ImproperlyConfigured(f'USAGE_REPORT_DUE must be "MM-DD", not {text!r}') from error
    return datetime.date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))


def dormant_months() -> int:
    return int(getattr(settings, "USAGE_DORMANT_MONTHS", 24))


def in_force_during(authorisation, year: int) -> bool:
    """Whether the authorisation was valid on some day of ``year`` and is not revoked."""
    return (
        authorisation.status != Authorisation.Status.REVOKED
        and authorisation.valid_from.year <= year <= authorisation.valid_until.year
    )


def is_overdue(report: UsageReport | None, authorisation, year: int, today: datetime.date | None = None) -> bool:
    """Whether the report for ``year`` is overdue on ``today``: the due day has passed (on the due
    day itself it is not overdue yet), the authorisation was in force that year, and the report is
    missing, a draft or returned."""
    today = today or timezone.localdate()
    if today <= due_date(year) or not in_force_during(authorisation, year):
        return False
    return report is None or report.status not in FILED


def is_dormant(last_activity: datetime.datetime, today: datetime.date | None = None) -> bool:
    """Whether an authorisation whose last activity (a code issued or a report submitted; its
    ``valid_from`` when it has none) was at ``last_activity`` is dormant on ``today``: that moment is
    ``USAGE_DORMANT_MONTHS`` months or more before the start of ``today`` (Asia/Shanghai)."""
    today = today or timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return add_months(last_activity, dormant_months()) <= start_of_today


def prefill(authorisation, year: int) -> dict:
    """The report's fields filled from issuance: the codes issued under the authorisation in ``year``."""
    return {"labels_used": issued_in_year(authorisation, year)}


@dataclass
class Standout:
    authorisation: Authorisation
    year: int | None = None
    report: UsageReport | None = None
    last_activity: datetime.datetime | None = None


def _with_producer(queryset):
    return queryset.select_related("producer", "geographical_indication").order_by("producer__name", "number")


def overdue_authorisations(today: datetime.date | None = None, authorisations=None) -> list[Standout]:
    """Authorisations whose report for last year is overdue on ``today`` (two queries)."""
    today = today or timezone.localdate()
    year = today.year - 1
    if today <= due_date(year):
        return []
    queryset = authorisations if authorisations is not None else Authorisation.objects.all()
    candidates = _with_producer(
        queryset.exclude(status=Authorisation.Status.REVOKED).filter(
            valid_from__year__lte=year, valid_until__year__gte=year
        )
    )
    reports = {r.authorisation_id: r for r in UsageReport.objects.filter(year=year, authorisation__in=candidates)}
    return [Standout(a, year, reports.get(a.pk)) for a in candidates if is_overdue(reports.get(a.pk), a, year, today)]


def dormant_authorisations(today: datetime.date | None = None, authorisations=None) -> list[Standout]:
    """Active authorisations with no code issued and no report submitted for ``USAGE_DORMANT_MONTHS``
    months on ``today`` (one query: the latest code and report are indexed subqueries)."""
    today = today or timezone.localdate()
    queryset = authorisations if authorisations is not None else Authorisation.objects.all()
    codes = TraceCode.objects.filter(batch__authorisation=OuterRef("pk")).order_by("-issued_at")
    reports = UsageReport.objects.filter(authorisation=OuterRef("pk"), submitted_at__isnull=False)
    candidates = _with_producer(queryset.filter(status=Authorisation.Status.ACTIVE)).annotate(
        last_code=Subquery(codes.values("issued_at")[:1]),
        last_report=Subquery(reports.order_by("-submitted_at").values("submitted_at")[:1]),
    )
    found = []
    for authorisation in candidates:
        since = timezone.make_aware(datetime.datetime.combine(authorisation.valid_from, datetime.time.min))
        moments = [m for m in (authorisation.last_code, authorisation.last_report) if m is not None]
        last = max(moments) if moments else since
        if is_dormant(last, today):
            found.append(Standout(authorisation, last_activity=last if moments else None))
    return found
