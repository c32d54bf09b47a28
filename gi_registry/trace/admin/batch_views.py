"""A batch's "codes and labels" page: issue codes, download labels (PDF sheets, CSV, ZIP, or a
background label job for large sheets), one code's QR symbol, withdraw or recall the batch."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import label_jobs, labels
from ..issuance import MAX_CODES_PER_CALL, IssuanceError, issue_codes, remaining_quota
from ..models import Batch, LabelJob, TraceCode
from .forms import IssueForm, LabelOptionsForm, WithdrawForm
from .policies import batch_policy


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


class BatchSubpageMixin(BatchAccessMixin, WagtailAdminTemplateMixin):
    """An admin page about one batch: the batch as subtitle, and breadcrumbs Batches › the batch ›
    this page (its title)."""

    def get_page_subtitle(self):
        return str(self.batch)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_gi_registry_batch:list"), "label": _("Batches")},
            {"url": reverse("trace_admin:batch", args=[self.batch.pk]), "label": str(self.batch)},
            {"url": "", "label": self.get_page_title()},
        ]


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
            runs=code_runs(self.batch),
            layouts=list(labels.LAYOUTS),
            alignment_sheets=[{"layout": key, "name": key.replace("x", "×")} for key in labels.LAYOUTS],
            label_options=LabelOptionsForm(),
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


class WithdrawBatchView(BatchSubpageMixin, TemplateView):
    """Withdraw or recall: irreversible, so the batch's page links here, and this page names the
    batch, its live codes and what consumers will see before the user confirms with a reason."""

    template_name = "gi_registry/trace/admin/confirm_withdraw.html"
    header_icon = "warning"

    def get_page_title(self):
        return _("Withdraw or recall")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            batch=self.batch,
            form=kwargs.get("form") or WithdrawForm(),
            live_codes=self.batch.codes.filter(status=TraceCode.Status.ACTIVE).count(),
            back_url=reverse("trace_admin:batch", args=[self.batch.pk]),
        )
        return context

    def post(self, request, pk):
        if not self.batch.is_active:
            messages.warning(
                request,
                _("Lot %(lot)s is already %(status)s; nothing was changed.")
                % {"lot": self.batch.lot_number, "status": self.batch.get_status_display()},
            )
            return redirect("trace_admin:batch", pk=pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
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
        if fmt in label_jobs.JOB_FORMATS and not self.batch.is_active:
            # A withdrawn or recalled lot's codes answer "withdrawn": printing them again helps no one.
            messages.error(
                request,
                _("Lot %(lot)s is %(status)s: its codes are not printed any more, so there are no labels to download.")
                % {"lot": self.batch.lot_number, "status": self.batch.get_status_display()},
            )
            return redirect("trace_admin:batch", pk=pk)
        codes = label_jobs.label_codes(self.batch, fmt, issued_at)
        if fmt == "pdf" and not codes.exists():
            messages.error(
                request,
                _("Lot %(lot)s has no active codes to print in this issuance. Issue codes first.")
                % {"lot": self.batch.lot_number},
            )
            return redirect("trace_admin:batch", pk=pk)
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


class AlignmentSheetView(View):
    """A layout's alignment test sheet (cell outlines, crosshairs, cell numbers): printed on plain
    paper and held against the label stock before printing labels. For whoever may see batches."""

    def get(self, request, layout):
        if not batch_policy.user_has_any_permission(request.user, ["view", "change"]):
            raise PermissionDenied
        if layout not in labels.LAYOUTS:
            raise Http404
        response = HttpResponse(labels.alignment_sheet_pdf(layout), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="label-alignment-{layout}.pdf"'
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
