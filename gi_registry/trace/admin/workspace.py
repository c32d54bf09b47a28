"""The producer's workspace: the Wagtail admin home of a producer account (生产主体).

A panel on the admin home (``construct_homepage_panels``, registered in ``wagtail_hooks``) shown
only to accounts linked to producers (``Producer.accounts``) that are not registry officers; the
officers' and editors' dashboards are unchanged. Everything on it is scoped to the account's own
producers:

* its authorisations with their validity and the codes left this year (``issuance.remaining_quota``,
  the one home of the quota rule);
* renewals due: authorisations expiring within ``reminders.RENEWAL_DAYS`` (90) days, those
  within ``URGENT_DAYS`` (30) highlighted (the same thresholds the ``send_renewal_reminders`` e-mails use);
* its latest batches and their status, with links to "Codes and labels";
* batches left half-way through the guided flow (``flow.unfinished_batches``), each with
  "continue" to its next step;
* codes issued and counted scans per month over the last 12 months, drawn on the server with the
  scan dashboard's chart (``scan_figures.day_chart``, ``per="month"``);
* certificates issued (count and the latest, linking to each batch's certificate page);
* the yearly usage report due (last year's, per authorisation in force then): its due date
  (``USAGE_REPORT_DUE``), its state, overdue highlighted, a link to file, continue or view it;
* "my public profile" (the producer record's edit page, whose 公开介绍 tab is the profile) and where
  it stands in moderation (``profile_state``);
* quick actions.

The number of queries does not grow with batches, codes or scans (aggregates in the database):
one per authorisation for its quota, and a fixed handful besides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from core.admin_workflow import with_workflow_states
from gi_registry.models import Authorisation, Producer
from gi_registry.permissions import is_officer

from .. import usage
from ..issuance import remaining_quota
from ..models import Batch, ComplianceCertificate, Scan, TraceCode, UsageReport
from ..reminders import RENEWAL_DAYS, URGENT_DAYS, threshold_for
from .flow import unfinished_batches
from .scan_figures import NARROW, WIDE, day_chart

LATEST_BATCHES = 10
LATEST_CERTIFICATES = 5
MONTHS = 12


def own_producers(user):
    """The producers an account acts for (none for officers, who act for the registry)."""
    if not user.is_authenticated or is_officer(user):
        return Producer.objects.none()
    return Producer.objects.filter(accounts=user)


def has_workspace(user) -> bool:
    return own_producers(user).exists()


def profile_state(producer: Producer) -> tuple[str, str]:
    """Where the producer's public profile (its record's edit) stands: ``(key, label)``, from its
    active workflow state (prefetched by ``with_workflow_states``) and its unpublished changes."""
    state = producer.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "changes", gettext("Changes requested")
    if state is not None:
        return "moderation", gettext("In moderation")
    if producer.has_unpublished_changes:
        return "draft", gettext("Draft, not submitted")
    if not (producer.description or producer.genuine_box):
        return "empty", gettext("Not written yet")
    return "live", gettext("Published")


def last_months(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first days of the last ``count`` months, oldest first, ending with ``today``'s month."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


@dataclass
class Renewal:
    authorisation: Authorisation
    days_left: int

    @property
    def urgent(self) -> bool:
        return self.days_left <= URGENT_DAYS


def renewals_due(authorisations, today: datetime.date) -> list[Renewal]:
    """Active authorisations that expire within ``RENEWAL_DAYS`` of ``today`` (not yet expired)."""
    due = []
    for auth in authorisations:
        days_left = (auth.valid_until - today).days
        if auth.status == Authorisation.Status.ACTIVE and threshold_for(days_left) is not None:
            due.append(Renewal(auth, days_left))
    return sorted(due, key=lambda r: r.days_left)


@dataclass
class ReportDue:
    """The yearly usage report (地理标志专用标志使用情况) of one authorisation for ``year``: where
    it stands on the workspace's "due" line."""

    authorisation: Authorisation
    year: int
    due: datetime.date
    report: UsageReport | None
    overdue: bool

    @property
    def state(self) -> str:
        """``not_started``, or the report's status (draft, submitted, returned, accepted)."""
        return self.report.status if self.report is not None else "not_started"

    @property
    def state_label(self) -> str:
        return self.report.get_status_display() if self.report is not None else gettext("Not started")

    @property
    def to_file(self) -> bool:
        """The producer still has to file it (nothing yet, a draft, or returned for correction)."""
        return self.report is None or self.report.is_editable

    @property
    def action_label(self) -> str:
        if self.report is None:
            return gettext("File the report")
        return gettext("Continue the report") if self.report.is_editable else gettext("View the report")

    @property
    def url(self) -> str:
        return reverse("usage_reports:report", args=[self.authorisation.pk, self.year])


def usage_reports_due(authorisations, today: datetime.date) -> list[ReportDue]:
    """Last year's report of each authorisation in force during last year: its due date
    (``usage.due_date``), its state and whether it is overdue (``usage.is_overdue``), in one query."""
    year = today.year - 1
    candidates = [a for a in authorisations if usage.in_force_during(a, year)]
    if not candidates:
        return []
    reports = {
        r.authorisation_id: r
        for r in UsageReport.objects.filter(year=year, authorisation_id__in=[a.pk for a in candidates])
    }
    due = usage.due_date(year)
    return [
        ReportDue(a, year, due, reports.get(a.pk), usage.is_overdue(reports.get(a.pk), a, year, today))
        for a in sorted(candidates, key=lambda a: a.number)
    ]


def _per_month(queryset, field: str, months: list[datetime.date]) -> list[tuple[datetime.date, int]]:
    """Rows of ``queryset`` per month (local months, ``months`` their first days): one query over
    the indexed range, each row given its month's index by a ``CASE`` on the month boundaries and
    counted with ``GROUP BY`` (no per-row date function, which SQLite would run in Python, and one
    comparison chain per row rather than twelve filtered counts)."""
    tz = timezone.get_current_timezone()
    bounds = [datetime.datetime.combine(m, datetime.time.min, tzinfo=tz) for m in months]
    after = months[-1].replace(day=28) + datetime.timedelta(days=4)
    bounds.append(datetime.datetime.combine(after.replace(day=1), datetime.time.min, tzinfo=tz))
    month_index = Case(
        *[When(**{f"{field}__lt": bounds[i + 1]}, then=Value(i)) for i in range(len(months))],
        output_field=IntegerField(),
    )
    rows = (
        queryset.filter(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[-1]})
        .annotate(month_index=month_index)
        .values("month_index")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month_index", "n")
    )
    counts = dict(rows)
    return [(m, counts.get(i, 0)) for i, m in enumerate(months)]


def workspace_context(user, today: datetime.date | None = None) -> dict:
    """Everything the workspace shows for ``user``'s own producers."""
    today = today or timezone.localdate()
    producers = list(with_workflow_states(own_producers(user)).order_by("name"))
    producer_ids = [p.pk for p in producers]
    for producer in producers:
        producer.profile_url = reverse("wagtailsnippets_gi_registry_producer:edit", args=[producer.pk])
        producer.profile_state, producer.profile_state_label = profile_state(producer)
    authorisations = list(
        Authorisation.objects.filter(producer_id__in=producer_ids)
        .select_related("producer", "geographical_indication")
        .order_by("valid_until", "number")
    )
    for auth in authorisations:
        auth.days_left = (auth.valid_until - today).days
        auth.in_force = auth.is_valid_on(today)
        auth.remaining = remaining_quota(auth, today.year) if auth.in_force else None
    batches_qs = Batch.objects.filter(producer_id__in=producer_ids)
    batch_counts = batches_qs.aggregate(total=Count("id"), active=Count("id", filter=Q(status=Batch.Status.ACTIVE)))
    latest_batches = list(
        batches_qs.select_related("authorisation__geographical_indication")
        .annotate(
            code_count=Count("codes", distinct=True),
            certificate_count=Count("certificates", filter=Q(certificates__superseded_by__isnull=True), distinct=True),
        )
        .order_by("-created_at", "-pk")[:LATEST_BATCHES]
    )
    months = last_months(today)
    issued = _per_month(TraceCode.objects.filter(batch__producer_id__in=producer_ids), "issued_at", months)
    scanned = _per_month(
        Scan.objects.filter(code__batch__producer_id__in=producer_ids, counted=True), "scanned_at", months
    )
    certificates = ComplianceCertificate.objects.current().filter(batch__producer_id__in=producer_ids)
    return {
        "producers": producers,
        "authorisations": authorisations,
        "renewals": renewals_due(authorisations, today),
        "renewal_days": RENEWAL_DAYS,
        "urgent_days": URGENT_DAYS,
        "batch_counts": batch_counts,
        "latest_batches": latest_batches,
        "unfinished_batches": unfinished_batches(batches_qs),  # the guided flow's "continue" (one query)
        "issued_total": sum(n for _, n in issued),
        "scanned_total": sum(n for _, n in scanned),
        "issued_charts": [
            ("wide", day_chart(issued, WIDE, per="month")),
            ("narrow", day_chart(issued, NARROW, per="month")),
        ],
        "scanned_charts": [
            ("wide", day_chart(scanned, WIDE, per="month")),
            ("narrow", day_chart(scanned, NARROW, per="month")),
        ],
        "certificate_count": certificates.count(),
        "latest_certificates": list(
            certificates.select_related("batch").order_by("-issued_at", "-pk")[:LATEST_CERTIFICATES]
        ),
        "today": today,
        "usage_reports_due": usage_reports_due(authorisations, today),
    }


class ProducerWorkspacePanel(Component):
    """The workspace on the admin home of a producer account."""

    name = "producer_workspace"
    order = 10  # above Wagtail's own panels
    template_name = "gi_registry/trace/admin/workspace_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context.update(workspace_context(self.user))
        return context
