"""Traceability in the Wagtail admin: batches, trace events, code issuance, labels, withdrawal, scans.

Registry officers see every batch; a producer account sees and registers only the batches of its
own producers, under their own authorisations, with the remaining yearly quota shown. The batch's
"codes and labels" page issues codes, downloads labels (PDF sheets, CSV, ZIP) and withdraws or
recalls the batch. The scan dashboard (officers) charts scans per day and lists suspicious codes.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from . import label_jobs, labels, scans
from .issuance import MAX_CODES_PER_CALL, IssuanceError, issue_codes, remaining_quota
from .models import Batch, LabelJob, Scan, TraceCode, TraceEvent
from .permissions import OFFICER_PERMISSION, ProducerOwnedPolicy, authorisations_for, batches_for, sees_all_batches

batch_policy = ProducerOwnedPolicy(Batch, "producer")
event_policy = ProducerOwnedPolicy(TraceEvent, "batch__producer")
register_permission_policy(Batch, batch_policy)
register_permission_policy(TraceEvent, event_policy)


# -- forms -------------------------------------------------------------------------------------


class AuthorisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("%(number)s · %(producer)s · %(gi)s · %(remaining)d of %(quota)d codes left this year") % {
            "number": obj.number,
            "producer": obj.producer.name,
            "gi": obj.geographical_indication.name,
            "remaining": remaining_quota(obj),
            "quota": obj.yearly_quota,
        }


class BatchForm(WagtailAdminModelForm):
    """The producer follows from the authorisation; a producer account sees only its own."""

    class Meta:
        model = Batch
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("authorisation")
        if field is not None and self.for_user is not None:
            choices = authorisations_for(self.for_user)
            if not sees_all_batches(self.for_user) or self.instance.pk is None:
                choices = choices.filter(status="active")
            if self.instance.pk and self.instance.authorisation_id:
                choices = choices | authorisations_for(self.for_user).filter(pk=self.instance.authorisation_id)
            self.fields["authorisation"] = AuthorisationChoiceField(
                queryset=choices.distinct().order_by("number"),
                label=field.label,
                help_text=field.help_text,
                widget=forms.Select,
            )

    def clean(self):
        cleaned = super().clean()
        authorisation = cleaned.get("authorisation")
        if authorisation is not None:
            self.instance.producer = authorisation.producer
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None and self.for_user.is_authenticated:
            self.instance.created_by = self.for_user
        return super().save(commit)


class TraceEventForm(WagtailAdminModelForm):
    class Meta:
        model = TraceEvent
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "batch" in self.fields and self.for_user is not None:
            self.fields["batch"].queryset = batches_for(self.for_user).select_related(
                "authorisation__geographical_indication"
            )
            self.fields["batch"].widget = forms.Select(choices=self.fields["batch"].choices)

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("batch") or not cleaned.get("event_time"):
            return cleaned
        probe = TraceEvent(
            batch=cleaned["batch"],
            event_time=cleaned["event_time"],
            business_step=cleaned.get("business_step") or "",
            read_point=cleaned.get("read_point") or "",
            disposition=cleaned.get("disposition") or "",
            note=cleaned.get("note") or "",
        )
        digest = probe.compute_hash()
        clash = TraceEvent.objects.filter(event_hash=digest)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("This event is already recorded for the batch."))
        return cleaned


# -- viewsets ----------------------------------------------------------------------------------


class BatchIndexView(SnippetViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        return [
            ListingButton(
                _("Codes and labels"),
                url=reverse("trace_admin:batch", args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class RegistryPaths:
    """The admin addresses these records had while they lived in the registry app
    (``/admin/snippets/gi_registry/batch/`` …), kept so that bookmarks and printed instructions
    still work."""

    @cached_property
    def url_prefix(self) -> str:
        return f"snippets/gi_registry/{self.model_name}"

    @cached_property
    def url_namespace(self) -> str:
        return f"wagtailsnippets_gi_registry_{self.model_name}"

    def get_chooser_admin_base_path(self) -> str:
        return f"snippets/choose/gi_registry/{self.model_name}"

    def get_chooser_admin_url_namespace(self) -> str:
        return f"wagtailsnippetchoosers_gi_registry_{self.model_name}"


def registry_bulk_action(request, model_name: str, action: str):
    """``/admin/bulk/gi_registry/batch/…``: bulk actions are addressed by app label, which changed
    to ``trace``; the old address redirects with its query (the selected ids) kept."""
    target = reverse("wagtail_bulk_action", args=["trace", model_name, action])
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)


class BatchViewSet(RegistryPaths, SnippetViewSet):
    model = Batch
    icon = "tag"
    menu_label = gettext_lazy("Batches")
    search_backend_name = None
    search_fields = ["lot_number", "product_name", "producer__name"]
    index_view_class = BatchIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "lot_number",
        "product_name",
        "producer",
        "authorisation",
        "production_date",
        "status",
        Column("code_count", label=gettext_lazy("Codes")),
    ]
    list_filter = ["status", "authorisation__geographical_indication", "is_demo"]
    list_export = [
        "lot_number",
        "product_name",
        "producer",
        "authorisation",
        "production_date",
        "quantity",
        "unit",
        "grade",
        "gtin",
        "status",
    ]
    export_filename = "batches"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("authorisation"),
                    FieldRowPanel([FieldPanel("lot_number"), FieldPanel("product_name")]),
                    FieldRowPanel([FieldPanel("production_date"), FieldPanel("plot")]),
                    FieldRowPanel([FieldPanel("quantity"), FieldPanel("unit"), FieldPanel("grade")]),
                    FieldPanel("gtin"),
                    FieldPanel("photo"),
                ],
                heading=gettext_lazy("Batch"),
            ),
            MultiFieldPanel(
                [FieldPanel("standard"), FieldPanel("inspection_results"), FieldPanel("inspection_report")],
                heading=gettext_lazy("Inspection"),
            ),
            FieldPanel("is_demo", permission=OFFICER_PERMISSION),
        ],
        base_form_class=BatchForm,
    )

    def get_queryset(self, request):
        return (
            batch_policy.instances_user_has_any_permission_for(request.user, ["change", "view"])
            .select_related("producer", "authorisation")
            .annotate(code_count=Count("codes"))
        )


class TraceEventViewSet(RegistryPaths, SnippetViewSet):
    model = TraceEvent
    icon = "history"
    menu_label = gettext_lazy("Trace events")
    search_backend_name = None
    search_fields = ["read_point", "note", "batch__lot_number"]
    copy_view_enabled = False
    list_display = ["batch", "business_step", "event_time", "read_point", "disposition"]
    list_filter = ["business_step"]
    edit_handler = ObjectList(
        [
            FieldPanel("batch"),
            FieldRowPanel([FieldPanel("business_step"), FieldPanel("event_time")]),
            FieldRowPanel([FieldPanel("read_point"), FieldPanel("disposition")]),
            FieldPanel("note"),
        ],
        base_form_class=TraceEventForm,
    )

    def get_queryset(self, request):
        return event_policy.instances_user_has_any_permission_for(request.user, ["change", "view"]).select_related(
            "batch"
        )


# -- the batch's codes-and-labels page ---------------------------------------------------------


class IssueForm(forms.Form):
    count = forms.IntegerField(label=gettext_lazy("Number of codes"), min_value=1, max_value=MAX_CODES_PER_CALL)


class LabelOptionsForm(forms.Form):
    layout = forms.ChoiceField(choices=[(k, k) for k in labels.LAYOUTS], required=False)
    ec = forms.ChoiceField(choices=[("M", "M"), ("Q", "Q"), ("H", "H")], required=False)
    run = forms.CharField(required=False)


class WithdrawForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[(Batch.Status.WITHDRAWN, gettext_lazy("Withdraw")), (Batch.Status.RECALLED, gettext_lazy("Recall"))],
    )
    reason = forms.CharField(label=gettext_lazy("Reason (shown to consumers)"), max_length=200)


class BatchAccessMixin:
    """The batch in the URL, if this user may act on it (else 403)."""

    action = "change"

    def dispatch(self, request, *args, **kwargs):
        self.batch = get_object_or_404(
            Batch.objects.select_related("producer", "authorisation__geographical_indication"), pk=kwargs["pk"]
        )
        if not batch_policy.user_has_permission_for_instance(request.user, self.action, self.batch):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def code_runs(batch: Batch) -> list[dict]:
    """Each issuance of codes for the batch (codes issued in one call share ``issued_at``)."""
    rows = (
        TraceCode.objects.filter(batch=batch)
        .values("issued_at")
        .annotate(total=Count("id"), active=Count("id", filter=Q(status=TraceCode.Status.ACTIVE)))
        .order_by("-issued_at")
    )
    return [{**row, "run": row["issued_at"].isoformat()} for row in rows]


class BatchCodesView(BatchAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    action = "view"
    template_name = "gi_registry/trace/admin/batch_codes.html"
    header_icon = "tag"

    def get_page_title(self):
        return _("Codes and labels")

    def get_page_subtitle(self):
        return str(self.batch)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_gi_registry_batch:list"), "label": _("Batches")},
            {"url": "", "label": str(self.batch)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        auth = self.batch.authorisation
        can_change = batch_policy.user_has_permission_for_instance(self.request.user, "change", self.batch)
        context.update(
            batch=self.batch,
            authorisation=auth,
            valid_today=auth.is_valid_on(),
            remaining=remaining_quota(auth),
            issue_form=kwargs.get("issue_form") or IssueForm(),
            withdraw_form=WithdrawForm(),
            runs=code_runs(self.batch),
            layouts=list(labels.LAYOUTS),
            can_change=can_change,
            edit_url=reverse("wagtailsnippets_gi_registry_batch:edit", args=[self.batch.pk]) if can_change else "",
        )
        return context


class IssueCodesView(BatchAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = IssueForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a number of codes between 1 and %(max)d.") % {"max": MAX_CODES_PER_CALL})
            return redirect("trace_admin:batch", pk=pk)
        try:
            codes = issue_codes(self.batch, form.cleaned_data["count"], request.user)
        except IssuanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(count)d codes issued for lot %(lot)s. Download their labels below.")
                % {"count": len(codes), "lot": self.batch.lot_number},
            )
        return redirect("trace_admin:batch", pk=pk)


class WithdrawBatchView(BatchAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose withdraw or recall and give the reason."))
            return redirect("trace_admin:batch", pk=pk)
        changed = self.batch.withdraw(form.cleaned_data["status"], form.cleaned_data["reason"])
        messages.success(
            request,
            _("Lot %(lot)s is now %(status)s; %(count)d codes answer “withdrawn” from now on.")
            % {"lot": self.batch.lot_number, "status": self.batch.get_status_display(), "count": changed},
        )
        return redirect("trace_admin:batch", pk=pk)


class LabelDownloadView(BatchAccessMixin, View):
    """``pdf`` label sheets, ``csv`` or ``zip`` of the batch's codes (one issuance with ``?run=``)."""

    action = "view"

    def get(self, request, pk, fmt):
        if fmt not in ("pdf", "csv", "zip"):
            raise Http404
        options = LabelOptionsForm(request.GET)
        if not options.is_valid():
            raise Http404
        layout = options.cleaned_data["layout"] or "3x8"
        ec = options.cleaned_data["ec"] or "M"
        run, issued_at = options.cleaned_data["run"], None
        if run:
            try:
                issued_at = datetime.datetime.fromisoformat(run)
            except ValueError as exc:
                raise Http404 from exc
        codes = label_jobs.label_codes(self.batch, fmt, issued_at)
        if fmt in label_jobs.JOB_FORMATS:
            # Large sheets are built by a background task; the user waits on the job's page.
            code_ids = list(codes.values_list("pk", flat=True))
            if len(code_ids) > label_jobs.sync_max_codes():
                job = label_jobs.request_job(request.user, self.batch, fmt, layout, ec, run, code_ids)
                return redirect("trace_admin:label_job", token=job.token)
        codes = list(codes)
        for code in codes:
            code.batch = self.batch
        name = f"{self.batch.lot_number}-codes"
        if fmt == "pdf":
            body, content_type = labels.label_sheet_pdf(labels.label_data(codes), layout, ec), "application/pdf"
            name = f"{self.batch.lot_number}-labels-{layout}.pdf"
        elif fmt == "csv":
            body, content_type = labels.codes_csv(labels.code_rows(codes)).encode(), "text/csv; charset=utf-8"
            name += ".csv"
        else:
            body, content_type = labels.codes_zip(labels.code_rows(codes), ec), "application/zip"
            name += ".zip"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class LabelJobMixin:
    """The label job in the URL, if this user may view its batch (else 404: no hint that it exists)."""

    def dispatch(self, request, *args, **kwargs):
        self.job = get_object_or_404(label_jobs.jobs_for(request.user), token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)


class LabelJobView(LabelJobMixin, WagtailAdminTemplateMixin, TemplateView):
    """A large label job's status; the page reloads itself every few seconds until it is finished."""

    template_name = "gi_registry/trace/admin/label_job.html"
    header_icon = "doc-full"
    refresh_seconds = 3

    def get_page_title(self):
        return _("Labels being prepared")

    def get_page_subtitle(self):
        return str(self.job.batch)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_gi_registry_batch:list"), "label": _("Batches")},
            {"url": reverse("trace_admin:batch", args=[self.job.batch_id]), "label": str(self.job.batch)},
            {"url": "", "label": _("Labels being prepared")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        percent = round(100 * job.progress / job.code_count) if job.code_count else 0
        context.update(
            job=job,
            percent=min(percent, 100),
            refresh_seconds=0 if job.is_finished else self.refresh_seconds,
            download_url=reverse("trace_admin:label_job_file", args=[job.token])
            if job.status == job.Status.DONE
            else "",
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["refresh_seconds"]:
            response["Refresh"] = str(context["refresh_seconds"])
        response["Cache-Control"] = "no-store"
        return response


class LabelJobFileView(LabelJobMixin, View):
    """The finished file of a label job, as an attachment (never a public media address)."""

    def get(self, request, token):
        if self.job.status != LabelJob.Status.DONE or not self.job.file:
            raise Http404
        name = self.job.file.name.rsplit("/", 1)[-1]
        content_type = "application/pdf" if self.job.fmt == LabelJob.Format.PDF else "application/zip"
        return FileResponse(self.job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


class CodeImageView(View):
    """One code's QR symbol as PNG or SVG (``?ec=Q`` for another error-correction level)."""

    def get(self, request, pk, fmt):
        code = get_object_or_404(TraceCode.objects.select_related("batch"), pk=pk)
        if not batch_policy.user_has_permission_for_instance(request.user, "view", code.batch):
            raise PermissionDenied
        printed = code.printed_code
        ec = request.GET.get("ec", "M")
        if not printed or ec not in labels.ERROR_CORRECTION or fmt not in ("png", "svg"):
            raise Http404
        if fmt == "png":
            response = HttpResponse(labels.qr_png(printed, ec), content_type="image/png")
        else:
            response = HttpResponse(labels.qr_svg(printed, ec), content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="{printed}.{fmt}"'
        return response


# -- the scan dashboard ------------------------------------------------------------------------


def scans_per_day(days: int = 30) -> list[dict]:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    tz = timezone.get_default_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    counts = dict.fromkeys((start + datetime.timedelta(days=i) for i in range(days)), 0)
    for scanned_at in Scan.objects.filter(scanned_at__gte=since, counted=True).values_list("scanned_at", flat=True):
        day = timezone.localtime(scanned_at).date()
        if day in counts:
            counts[day] += 1
    peak = max(counts.values()) or 1
    bars = []
    for i, (day, n) in enumerate(counts.items()):
        height = round(100 * n / peak)
        bars.append({"day": day, "count": n, "x": i * 12, "y": 110 - height, "height": height})
    return bars


def suspicious_codes(limit: int = 50):
    """Codes past the scan or origin threshold (the counters ``scans.log_scan`` keeps), most scanned first."""
    return (
        TraceCode.objects.filter(
            Q(scan_count__gt=scans.suspicious_scans()) | Q(origin_count__gt=scans.suspicious_origins())
        )
        .annotate(last_scan=Max("scans__scanned_at"))
        .select_related("batch__producer")
        .order_by("-scan_count")[:limit]
    )


class ScanDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "gi_registry/trace/admin/scan_dashboard.html"
    page_title = gettext_lazy("Scan dashboard")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("trace.view_scan"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = scans_per_day()
        context.update(
            days=days,
            total=sum(d["count"] for d in days),
            peak=max(d["count"] for d in days),
            suspicious=suspicious_codes(),
            threshold_scans=scans.suspicious_scans(),
            threshold_origins=scans.suspicious_origins(),
            by_client=Scan.objects.filter(counted=True).values("client").annotate(n=Count("id")).order_by("-n"),
        )
        return context


class ScanDashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("trace.view_scan")


class TraceAdminViewSet(ViewSet):
    """The batch pages and downloads (reached from the batch listing) and the scan dashboard."""

    name = "trace_admin"
    url_prefix = "trace"
    icon = "view"
    menu_label = gettext_lazy("Scan dashboard")
    menu_item_class = ScanDashboardMenuItem

    @property
    def menu_url(self):
        return reverse("trace_admin:scans")

    def get_urlpatterns(self):
        return [
            path("scans/", ScanDashboardView.as_view(), name="scans"),
            path("batch/<int:pk>/", BatchCodesView.as_view(), name="batch"),
            path("batch/<int:pk>/issue/", IssueCodesView.as_view(), name="issue"),
            path("batch/<int:pk>/withdraw/", WithdrawBatchView.as_view(), name="withdraw"),
            path("batch/<int:pk>/codes.<str:fmt>", LabelDownloadView.as_view(), name="download"),
            path("code/<int:pk>/qr.<str:fmt>", CodeImageView.as_view(), name="code_image"),
            path("labels/<uuid:token>/", LabelJobView.as_view(), name="label_job"),
            path("labels/<uuid:token>/file", LabelJobFileView.as_view(), name="label_job_file"),
        ]
