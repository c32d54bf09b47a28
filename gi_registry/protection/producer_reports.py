"""What a producer may know about reports on its own codes (no admin import; the producer's admin
listing and home panel are in ``admin/producer_home.py``).

The reporter is anonymous to the producer: never a phone number, a photo, the consent text, the
description the consumer typed, the shop's name or link, or staff's internal notes — only when,
roughly where (township or city), what kind of place, what is wrong (the fixed choices), the case's
status and its public outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gi_registry.models import Producer

from .merging import resolve_follow_case
from .models import Case, Report


def reports_about_producer(producer: Producer | QuerySet) -> QuerySet[Report]:
    """Reports whose code belongs to ``producer`` (a producer or a queryset of them), and reports
    without a genuine code (a forged or unknown one) in a case about ``producer``. A report about
    another producer's code that joined the case (same shop, or merged by staff) stays that other
    producer's: it is not shown here."""
    producers = producer if isinstance(producer, QuerySet) else Producer.objects.filter(pk=producer.pk)
    ids = list(producers.values_list("pk", flat=True))
    return (
        Report.objects.filter(
            Q(trace_code__batch__producer__in=ids)
            | Q(trace_code__isnull=True) & (Q(case__producer__in=ids) | Q(case__batch__producer__in=ids))
        )
        .distinct()
        .select_related("case", "case__product_family", "case__batch")
        .order_by("-submitted_at")
    )


@dataclass(frozen=True)
class ProducerReportRow:
    """One report as a producer sees it."""

    submitted_on: object
    case_number: str
    status: str
    outcome: str
    public_outcome: str
    product: str
    code: str
    place: str
    where_bought: str
    problems: list[str]

    @classmethod
    def from_report(cls, report: Report) -> ProducerReportRow:
        case = resolve_follow_case(report.case)
        return cls(
            submitted_on=report.submitted_at.date(),
            case_number=case.number,
            status=case.get_status_display(),
            outcome=case.get_outcome_display() if case.outcome else "",
            public_outcome=case.public_outcome if case.status == Case.Status.CLOSED else "",
            product=str(case.batch or case.product_family or ""),
            code=report.code_normalised or case.code_text,
            place=report.place,
            where_bought=report.get_where_bought_display(),
            problems=[str(Report.Problem(p).label) for p in report.problems if p in Report.Problem.values],
        )
