"""What enforcement staff must look at: new cases, overdue cases, cases due within the week — for
the dashboard panel (``admin/staff_home.py``) and the e-mail digest (``send_case_digest``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Case
from .setup import ENFORCEMENT_STAFF

DUE_SOON_DAYS = 7


@dataclass
class QueueSummary:
    today: datetime.date
    new: list[Case] = field(default_factory=list)
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.overdue or self.due_soon)


def queue_summary(today: datetime.date | None = None) -> QueueSummary:
    """New (not yet decided) cases, overdue ones, and open ones whose next deadline falls within
    the coming week (today included) and that are not overdue yet."""
    today = today or timezone.localdate()
    week_end = today + datetime.timedelta(days=DUE_SOON_DAYS - 1)
    queue = Case.objects.in_queue().select_related("product_family").order_by("received_at")
    overdue = list(queue.overdue(today))
    overdue_ids = {case.pk for case in overdue}
    due_accept = Q(status=Case.Status.NEW, accept_due__range=(today, week_end))
    due_verify = Q(
        kind=Case.Kind.TIP,
        status__in=[Case.Status.NEW, Case.Status.ACCEPTED, Case.Status.INVESTIGATING],
        verify_due__range=(today, week_end),
    )
    return QueueSummary(
        today=today,
        new=list(queue.filter(status=Case.Status.NEW)),
        overdue=overdue,
        due_soon=[case for case in queue.filter(due_accept | due_verify) if case.pk not in overdue_ids],
    )


def digest_recipients() -> list[str]:
    users = get_user_model().objects.filter(groups__name=ENFORCEMENT_STAFF, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _case_line(case: Case) -> str:
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("protection_cases:inspect", args=[case.pk])
    due = case.accept_due if case.status == Case.Status.NEW else case.verify_due
    return f"  {case.number}  {case.get_status_display()}  {due or ''}  {case.place}  {url}"


def digest_message(summary: QueueSummary) -> tuple[str, str]:
    """The subject and the plain-text body, in Chinese (the staff's language)."""
    with override(settings.LANGUAGE_CODE):
        subject = _("Protection cases: %(new)d new, %(overdue)d overdue") % {
            "new": len(summary.new),
            "overdue": len(summary.overdue),
        }
        lines = [_("Cases on %(date)s") % {"date": summary.today.isoformat()}, ""]
        for heading, cases in (
            (_("Overdue"), summary.overdue),
            (_("New, not yet decided"), summary.new),
            (_("Due within a week"), summary.due_soon),
        ):
            lines.append(f"{heading} ({len(cases)})")
            lines.extend(_case_line(case) for case in cases)
            lines.append("")
        queue = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("protection_cases:index")
        lines.append(_("The case queue: %(url)s") % {"url": queue})
    return subject, "\n".join(lines)


def send_case_digest(today: datetime.date | None = None, *, send_empty: bool = False) -> tuple[int, QueueSummary]:
    """Mail the digest to every enforcement staff member with an address (Django's mail, so
    ``EMAIL_URL`` applies). Returns how many addresses were mailed (0 when there was nothing to
    report, unless ``send_empty``)."""
    summary = queue_summary(today)
    recipients = digest_recipients()
    if not recipients or (summary.is_empty and not send_empty):
        return 0, summary
    subject, body = digest_message(summary)
    # one message per person: no one sees the others' addresses
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(recipients), summary
