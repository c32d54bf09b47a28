"""The yearly usage report (地理标志专用标志使用情况) in the admin.

* the listing (Traceability → 使用情况报告): a producer account sees its own authorisations with
  the report for each year in force, due dates and what is overdue; an officer sees the reports
  waiting for review, the overdue reports and the dormant authorisations (``gi_registry.trace.usage``);
* the report form, one address per authorisation and year: the producer fills it in (labels used
  prefilled from issuance), saves a draft or submits; an officer reads it and accepts it or
  returns it with a reason (written to the admin history, Wagtail's log).

Only the accounts of the authorisation's producer file; only officers review; brand editors have
no access (403). Another producer's authorisation or report id answers 403, an unknown one 404.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from gi_registry.models import Authorisation
from gi_registry.permissions import is_officer

from .. import usage
from ..models import UsageReport

VIEW_PERMISSION = "trace.view_usagereport"
FILE_PERMISSION = "trace.change_usagereport"


def may_see_reports(user) -> bool:
    return user.is_active and (is_officer(user) or user.has_perm(VIEW_PERMISSION))


def is_owner(user, authorisation) -> bool:
    """An account of the authorisation's producer, holding the producers' report permission."""
    return user.has_perm(FILE_PERMISSION) and authorisation.producer.accounts.filter(pk=user.pk).exists()


def years_of(authorisation, today=None) -> list[int]:
    """The years a report may be filed for: those the authorisation was in force, up to this one."""
    today = today or timezone.localdate()
    last = min(authorisation.valid_until.year, today.year)
    return list(range(last, authorisation.valid_from.year - 1, -1))


class UsageReportForm(forms.ModelForm):
    class Meta:
        model = UsageReport
        fields = ["quantity_sold", "unit", "sales_regions", "labels_used", "notes"]
        widgets = {
            "sales_regions": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "quantity_sold": forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
            "labels_used": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["quantity_sold"].error_messages["invalid"] = _("Enter the quantity as a number, e.g. 1200.5.")
        self.fields["labels_used"].error_messages["invalid"] = _("Enter the number of labels as a whole number.")

    def clean(self):
        data = super().clean()
        quantity = data.get("quantity_sold")
        if quantity is not None and quantity < 0:
            self.add_error("quantity_sold", _("The quantity cannot be negative."))
        if self.submitting:
            required = {
                "quantity_sold": _("Enter the quantity sold under the GI before submitting (0 if none)."),
                "sales_regions": _("Enter where the products were sold before submitting."),
                "labels_used": _("Enter the number of labels used before submitting (0 if none)."),
            }
            for field, message in required.items():
                if field not in self.errors and data.get(field) in (None, ""):
                    self.add_error(field, message)
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("accept", gettext_lazy("Accept")), ("return", gettext_lazy("Return to the producer"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose to accept or return the report.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the report is returned: the producer reads it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the report is returned, so the producer can correct it."))
        return data


class UsageAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_see_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UsageReportIndexView(UsageAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "gi_registry/trace/admin/usage_reports.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return _("Usage reports")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        officer = is_officer(user)
        context.update(officer=officer, today=today, last_year=today.year - 1, due=usage.due_date(today.year - 1))
        if officer:
            context.update(
                waiting=UsageReport.objects.filter(status=UsageReport.Status.SUBMITTED)
                .select_related("authorisation__producer", "submitted_by")
                .order_by("submitted_at"),
                overdue=usage.overdue_authorisations(today),
                dormant=usage.dormant_authorisations(today),
                dormant_months=usage.dormant_months(),
                recent=UsageReport.objects.exclude(status=UsageReport.Status.DRAFT)
                .select_related("authorisation__producer", "reviewed_by")
                .order_by("-year", "-submitted_at")[:100],
            )
        else:
            own = (
                Authorisation.objects.filter(producer__accounts=user)
                .select_related("producer", "geographical_indication")
                .order_by("number")
                .distinct()
            )
            reports = {(r.authorisation_id, r.year): r for r in UsageReport.objects.filter(authorisation__in=own)}
            rows = []
            for authorisation in own:
                for year in years_of(authorisation, today):
                    report = reports.get((authorisation.pk, year))
                    rows.append(
                        {
                            "authorisation": authorisation,
                            "year": year,
                            "report": report,
                            "due": usage.due_date(year),
                            "overdue": usage.is_overdue(report, authorisation, year, today),
                        }
                    )
            context["rows"] = rows
        return context


class UsageReportView(UsageAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the report of one authorisation and year (the form for its producer while a draft or
    returned; the review form for officers once submitted). POST: save or submit."""

    template_name = "gi_registry/trace/admin/usage_report.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_reports(request.user):
            raise PermissionDenied
        self.authorisation = get_object_or_404(Authorisation.objects.select_related("producer"), pk=kwargs["pk"])
        self.owner = is_owner(request.user, self.authorisation)
        if not (self.owner or is_officer(request.user)):
            raise PermissionDenied
        self.year = kwargs["year"]
        if self.year not in years_of(self.authorisation):
            raise Http404
        self.report = UsageReport.objects.filter(authorisation=self.authorisation, year=self.year).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Usage report %(year)s") % {"year": self.year}

    def get_page_subtitle(self):
        return f"{self.authorisation.number} · {self.authorisation.producer.name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("usage_reports:index"), "label": _("Usage reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    @property
    def can_file(self) -> bool:
        return self.owner and (self.report is None or self.report.is_editable)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prefilled = usage.prefill(self.authorisation, self.year)
        form = kwargs.get("form")
        if form is None and self.can_file:
            if self.report is not None:
                form = UsageReportForm(instance=self.report)
            else:
                form = UsageReportForm(initial=prefilled)
            if form.initial.get("quantity_sold") is not None:  # 1200, not 1200.00
                form.initial["quantity_sold"] = format(Decimal(str(form.initial["quantity_sold"])).normalize(), "f")
        review_form = kwargs.get("review_form")
        if (
            review_form is None
            and is_officer(self.request.user)
            and self.report is not None
            and self.report.status == UsageReport.Status.SUBMITTED
        ):
            review_form = ReviewForm()
        history = []
        if self.report is not None:
            history = (
                ModelLogEntry.objects.filter(
                    content_type__app_label="trace", content_type__model="usagereport", object_id=str(self.report.pk)
                )
                .select_related("user")
                .order_by("-timestamp")
            )
        context.update(
            authorisation=self.authorisation,
            year=self.year,
            report=self.report,
            form=form if self.can_file else None,
            review_form=review_form,
            prefilled=prefilled,
            due=usage.due_date(self.year),
            overdue=usage.is_overdue(self.report, self.authorisation, self.year),
            history=history,
        )
        return context

    def post(self, request, pk, year):
        if not self.can_file:
            raise PermissionDenied
        submitting = "submit" in request.POST
        form = UsageReportForm(request.POST, instance=self.report, submitting=submitting)
        if not form.is_valid():
            messages.error(request, _("The report was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            with transaction.atomic():
                report = form.save(commit=False)
                creating = report.pk is None
                report.authorisation, report.year = self.authorisation, self.year
                if submitting:
                    report.status = UsageReport.Status.SUBMITTED
                    report.submitted_at, report.submitted_by = timezone.now(), request.user
                report.save()
                log(instance=report, action="wagtail.create" if creating else "wagtail.edit", user=request.user)
                if submitting:
                    log(instance=report, action="trace.usage_report.submit", user=request.user)
        except IntegrityError:  # the same year's report created at the same moment in another session
            messages.error(request, _("This report was just filed from another session; check it and save again."))
            return redirect("usage_reports:report", pk=self.authorisation.pk, year=self.year)
        if submitting:
            messages.success(request, _("Usage report %(year)s submitted to the registry.") % {"year": self.year})
        else:
            messages.success(request, _("Draft saved. Submit it when it is complete."))
        return redirect("usage_reports:report", pk=self.authorisation.pk, year=self.year)


class UsageReviewView(View):
    """POST from an officer: accept the submitted report, or return it with a reason."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not is_officer(request.user):
            raise PermissionDenied
        report = get_object_or_404(UsageReport.objects.select_related("authorisation"), pk=pk)
        target = reverse("usage_reports:report", args=[report.authorisation_id, report.year])
        form = ReviewForm(request.POST)
        if report.status != UsageReport.Status.SUBMITTED:
            messages.error(request, _("Only a submitted report can be reviewed."))
            return redirect(target)
        if report.submitted_by_id == request.user.pk:
            messages.error(request, _("You submitted this report; another officer reviews it."))
            return redirect(target)
        if not form.is_valid():
            view = UsageReportView()
            view.setup(request, pk=report.authorisation_id, year=report.year)
            view.authorisation, view.year, view.report = report.authorisation, report.year, report
            view.owner = False
            messages.error(request, _("The review was not saved: correct the fields marked below."))
            return view.render_to_response(view.get_context_data(review_form=form), status=400)
        accepted = form.cleaned_data["decision"] == "accept"
        with transaction.atomic():
            report.status = UsageReport.Status.ACCEPTED if accepted else UsageReport.Status.RETURNED
            report.return_reason = "" if accepted else form.cleaned_data["reason"].strip()
            report.reviewed_at, report.reviewed_by = timezone.now(), request.user
            report.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
            log(
                instance=report,
                action="trace.usage_report.accept" if accepted else "trace.usage_report.return",
                user=request.user,
                data={"reason": report.return_reason},
            )
        if accepted:
            messages.success(request, _("Usage report accepted."))
        else:
            messages.success(request, _("Usage report returned to the producer with your reason."))
        return redirect(target)


class UsageReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_see_reports(request.user)


class UsageReportPanel(Component):
    """The officers' dashboard panel: reports waiting for review, overdue reports, dormant authorisations."""

    name = "usage_reports"
    order = 150
    template_name = "gi_registry/trace/admin/usage_panel.html"

    def __init__(self, today=None):
        self.today = today or timezone.localdate()

    def get_context_data(self, parent_context=None):
        return {
            "waiting": UsageReport.objects.filter(status=UsageReport.Status.SUBMITTED).count(),
            "overdue": len(usage.overdue_authorisations(self.today)),
            "dormant": len(usage.dormant_authorisations(self.today)),
            "last_year": self.today.year - 1,
            "due": usage.due_date(self.today.year - 1),
            "dormant_months": usage.dormant_months(),
        }


class UsageReportViewSet(ViewSet):
    """Traceability → 使用情况报告: the listing, the report of an authorisation and year, the review."""

    name = "usage_reports"
    url_prefix = "trace/usage"
    icon = "doc-full"
    menu_label = gettext_lazy("Usage reports")
    menu_item_class = UsageReportMenuItem

    @property
    def menu_url(self):
        return reverse("usage_reports:index")

    def get_urlpatterns(self):
        return [
            path("", UsageReportIndexView.as_view(), name="index"),
            path("<int:pk>/<int:year>/", UsageReportView.as_view(), name="report"),
            path("review/<int:pk>/", UsageReviewView.as_view(), name="review"),
        ]
