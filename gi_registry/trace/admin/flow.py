"""The guided flow (登记新批次): one stepper from a new batch to its printed labels and certificate.

A producer, often on a phone, goes through five steps instead of four admin screens:

1. **batch** — the batch add form (``BatchCreateView``, with ``?copy=last``) or, for a batch that
   exists, its edit form, both with ``?flow=1``: saving goes on to step 2;
2. **events** — the batch's trace events (harvest, inspection with its results, packing, shipping)
   added on one page (``TraceEventForm``'s validation; an inspection's results are the batch's);
   each recorded event can be corrected or deleted from there (``FlowEventEditView``,
   ``FlowEventDeleteView``, back to step 2; an active batch's own events only);
3. **codes** — issue codes through ``issuance.issue_codes`` (validity, yearly quota, all or nothing);
4. **labels** — a print preview (the first sheet of the label PDF, rendered on the server) and the
   PDF download (``LabelDownloadView``);
5. **certificate** — whether the batch needs a compliance certificate and why
   (``certificates.certificate_requirement``), and the link to issue it.

Every step can be returned to; ``/admin/trace/flow/<pk>/`` sends a batch left half-way to its next
step (``next_step``), which the workspace links as "continue". Who may act: ``BatchAccessMixin``
(a producer account its own producers' batches only, officers all; brand editors none).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView, View
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import EditView as SnippetEditView

from .. import label_jobs, labels
from ..certificates import certificate_requirement, current_certificate
from ..issuance import MAX_CODES_PER_CALL, IssuanceError, issue_codes, remaining_quota
from ..models import Batch, TraceCode, TraceEvent
from .batch_views import BatchAccessMixin, BatchSubpageMixin
from .copy_batch import BatchCreateView
from .forms import LabelOptionsForm, TraceEventForm, known_items
from .inspection import InspectionResultsField, InspectionResultsWidget
from .policies import event_policy

FLOW_PARAM = "flow"


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    label: str


STEPS = (
    Step(1, "batch", gettext_lazy("Batch")),
    Step(2, "events", gettext_lazy("Trace events")),
    Step(3, "codes", gettext_lazy("Issue codes")),
    Step(4, "labels", gettext_lazy("Print labels")),
    Step(5, "certificate", pgettext_lazy("flow step", "Certificate")),
)
STEP_KEYS = [step.key for step in STEPS]
#: the business steps a batch's record is expected to have, in the order they happen
KEY_EVENTS = (
    TraceEvent.BusinessStep.COMMISSIONING,
    TraceEvent.BusinessStep.INSPECTING,
    TraceEvent.BusinessStep.PACKING,
    TraceEvent.BusinessStep.SHIPPING,
)


def step_url(batch_id: int | None, key: str) -> str:
    if key == "batch":
        if batch_id is None:
            return reverse("wagtailsnippets_gi_registry_batch:add") + "?flow=1"
        return reverse("wagtailsnippets_gi_registry_batch:edit", args=[batch_id]) + "?flow=1"
    return reverse(f"trace_admin:flow_{key}", args=[batch_id])


def next_step(
    *, event_count: int, code_count: int, has_certificate: bool, needs_certificate: bool, active: bool = True
) -> str | None:
    """The step a batch left half-way goes on with, or ``None`` when nothing is left to do: no
    event yet → events; no code yet → codes; a certificate needed and not issued → certificate.
    (Printing labels leaves no record; the labels step follows issuing codes in the flow.) A
    withdrawn or recalled batch has nothing left to do."""
    if not active:
        return None
    if event_count == 0:
        return "events"
    if code_count == 0:
        return "codes"
    if needs_certificate and not has_certificate:
        return "certificate"
    return None


def batch_next_step(batch: Batch) -> str | None:
    return next_step(
        event_count=batch.events.count(),
        code_count=batch.codes.count(),
        has_certificate=current_certificate(batch) is not None,
        needs_certificate=certificate_requirement(batch).needed,
        active=batch.is_active,
    )


def unfinished_batches(batches, limit: int = 5, scan: int = 50) -> list[Batch]:
    """The latest active batches of ``batches`` left half-way, each with ``flow_next`` (the step
    key) and ``flow_next_url``: one query for up to ``scan`` recent batches (counts annotated),
    whatever their number of events and codes."""
    rows = (
        batches.filter(status=Batch.Status.ACTIVE)
        .select_related("authorisation__geographical_indication__product_family")
        .annotate(
            flow_events=Count("events", distinct=True),
            flow_codes=Count("codes", distinct=True),
            flow_certificates=Count("certificates", filter=Q(certificates__superseded_by__isnull=True), distinct=True),
        )
        .order_by("-created_at", "-pk")[:scan]
    )
    found = []
    for batch in rows:
        key = next_step(
            event_count=batch.flow_events,
            code_count=batch.flow_codes,
            has_certificate=bool(batch.flow_certificates),
            needs_certificate=certificate_requirement(batch).needed,
        )
        if key:
            batch.flow_next = key
            batch.flow_next_label = STEPS[STEP_KEYS.index(key)].label
            batch.flow_next_url = step_url(batch.pk, key)
            found.append(batch)
            if len(found) == limit:
                break
    return found


def stepper(batch: Batch | None, current: str) -> list[dict]:
    """The progress indicator's steps: number, label, link (none before the batch exists), and
    whether each is the current one or done."""
    done: set[str] = set()
    if batch is not None and batch.pk:
        done.add("batch")
        if batch.events.exists():
            done.add("events")
        if batch.codes.exists():
            done.update({"codes", "labels"})  # labels can be printed (printing leaves no record)
        if current_certificate(batch) is not None:
            done.add("certificate")
    items = []
    for step in STEPS:
        has_batch = batch is not None and batch.pk is not None
        items.append(
            {
                "number": step.number,
                "key": step.key,
                "label": step.label,
                "url": step_url(batch.pk if has_batch else None, step.key) if has_batch or step.key == "batch" else "",
                "current": step.key == current,
                "done": step.key in done,
            }
        )
    return items


# -- step 1: the batch add and edit forms, in the flow ------------------------------------------


class InFlowMixin:
    """A snippet create or edit view of a batch that, with ``?flow=1``, shows the stepper and goes
    on to the events step when saved."""

    flow_template = "gi_registry/trace/admin/flow/batch_form.html"

    @cached_property
    def in_flow(self) -> bool:
        return self.request.GET.get(FLOW_PARAM) == "1"

    def get_template_names(self):
        if self.in_flow and not getattr(self, "expects_json_response", False):
            return [self.flow_template]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.in_flow:
            instance = getattr(self, "object", None)
            context["flow_steps"] = stepper(instance if instance is not None and instance.pk else None, "batch")
        return context

    def get_success_url(self):
        if self.in_flow:
            return step_url(self.object.pk, "events")
        return super().get_success_url()

    def get_success_buttons(self):
        return [] if self.in_flow else super().get_success_buttons()


class FlowBatchCreateView(InFlowMixin, BatchCreateView):
    def get_page_subtitle(self):
        return _("Register a new batch") if self.in_flow else super().get_page_subtitle()

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.in_flow and items:  # not Wagtail's "New: batch"
            items = [*items[:-1], {"url": "", "label": _("Register a new batch")}]
        return items

    def get_add_url(self):
        url = super().get_add_url()
        if self.in_flow:
            url += ("&" if "?" in url else "?") + "flow=1"
        return url

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.in_flow:
            for button in buttons:  # "copy from my last batch" stays in the flow
                if getattr(button, "url", "").endswith("?copy=last"):
                    button.url += "&flow=1"
        return buttons


class FlowBatchEditView(InFlowMixin, SnippetEditView):
    flow_template = "gi_registry/trace/admin/flow/batch_edit.html"

    def get_edit_url(self):
        url = super().get_edit_url()
        if self.in_flow:
            url += ("&" if "?" in url else "?") + "flow=1"
        return url


# -- steps 2 to 5 ---------------------------------------------------------------------------------


class FlowStepMixin(BatchSubpageMixin):
    """A step of the flow about the batch in the URL (``BatchAccessMixin``: 403 for another
    producer's batch, 404 for none; breadcrumbs Batches › the batch › 登记新批次)."""

    step = ""
    header_icon = "tag"

    def get_page_title(self):
        return _("Register a new batch")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index = STEP_KEYS.index(self.step)
        context.update(
            batch=self.batch,
            flow_steps=stepper(self.batch, self.step),
            step=STEPS[index],
            step_count=len(STEPS),
            previous_url=step_url(self.batch.pk, STEP_KEYS[index - 1]),
            next_url=step_url(self.batch.pk, STEP_KEYS[index + 1]) if index + 1 < len(STEPS) else "",
        )
        return context


class FlowContinueView(BatchAccessMixin, View):
    """``/admin/trace/flow/<pk>/``: the batch's next step (its labels step when nothing is left)."""

    def get(self, request, pk):
        return redirect(step_url(pk, batch_next_step(self.batch) or "labels"))


class FlowEventForm(TraceEventForm):
    """An event of the batch in the URL, and for an inspection the batch's inspection results."""

    results = InspectionResultsField(
        label=gettext_lazy("Inspection results"),
        required=False,
        widget=InspectionResultsWidget(),
        help_text=gettext_lazy("For an inspection: one row per item tested (item, value, unit, limit, pass)."),
    )

    class Meta(TraceEventForm.Meta):
        fields = ["business_step", "event_time", "read_point", "disposition", "note"]
        widgets = {"event_time": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, batch: Batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.instance.batch = batch
        self.fields["event_time"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        self.fields["business_step"].error_messages["required"] = _("Choose what happened.")
        self.fields["event_time"].error_messages["required"] = _("Give the date and time of the event.")
        user = self.for_user if self.for_user is not None and self.for_user.is_authenticated else None
        self.fields["results"].widget = InspectionResultsWidget(
            items=known_items(user, batch.standard_id) if user else []
        )
        if not self.is_bound:
            self.initial.setdefault("results", batch.inspection_results or [])
            self.initial.setdefault("event_time", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self):
        self.cleaned_data["batch"] = self.batch
        cleaned = super().clean()
        results = cleaned.get("results") or []
        step = cleaned.get("business_step")
        if step == TraceEvent.BusinessStep.INSPECTING:
            # rows carried over from the last batch (item, unit, limit) and left without a measured
            # value or verdict were not tested this time: not saved as results
            results = [row for row in results if row.get("value") not in (None, "") or "pass" in row]
            cleaned["results"] = results
            if not results:
                self.add_error("results", _("An inspection needs its results: enter at least one item tested."))
        elif step and results and results != (self.batch.inspection_results or []):
            self.add_error(
                "results",
                _(
                    "Inspection results are saved with an inspection event: choose “Inspection” as what happened, "
                    "or clear the rows you changed."
                ),
            )
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        event = super().save(commit)
        if self.cleaned_data.get("business_step") == TraceEvent.BusinessStep.INSPECTING:
            Batch.objects.filter(pk=self.batch.pk).update(
                inspection_results=self.cleaned_data["results"], updated_at=timezone.now()
            )
            self.batch.inspection_results = self.cleaned_data["results"]
        return event


class FlowEventsView(FlowStepMixin, TemplateView):
    step = "events"
    template_name = "gi_registry/trace/admin/flow/events.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(self.batch.events.order_by("event_time", "pk"))
        recorded = {event.business_step for event in events}
        context.update(
            form=kwargs.get("form") or FlowEventForm(batch=self.batch, for_user=self.request.user),
            events=events,
            checklist=[{"label": TraceEvent.BusinessStep(key).label, "done": key in recorded} for key in KEY_EVENTS],
        )
        return context

    def post(self, request, pk):
        if not self.batch.is_active:
            messages.error(
                request,
                _("Lot %(lot)s is %(status)s: no event is added to it here.")
                % {"lot": self.batch.lot_number, "status": self.batch.get_status_display()},
            )
            return self.render_to_response(self.get_context_data(), status=400)
        form = FlowEventForm(request.POST, batch=self.batch, for_user=request.user)
        if not form.is_valid():
            messages.error(request, _("The event was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        event = form.save()
        messages.success(
            request,
            _("Event “%(event)s” added to lot %(lot)s.") % {"event": event, "lot": self.batch.lot_number},
        )
        return redirect(step_url(pk, "events"))


class FlowEventMixin:
    """An event of the batch in the URL (``event_pk``), if this user may ``event_action`` it: 404 for
    an event of another batch (a guessed id), 403 without the permission; the batch must be active
    (a withdrawn or recalled batch's record stays as it was)."""

    event_action = "change"

    @cached_property
    def event(self) -> TraceEvent:
        event = get_object_or_404(
            TraceEvent.objects.select_related("batch"), pk=self.kwargs["event_pk"], batch=self.batch
        )
        if not event_policy.user_has_permission_for_instance(self.request.user, self.event_action, event):
            raise PermissionDenied
        return event

    def refused(self, request):
        """``None`` if the event may be changed now, else the redirect back to step 2 with why not."""
        self.event  # noqa: B018  (404 or 403 before anything else)
        if self.batch.is_active:
            return None
        messages.error(
            request,
            _("Lot %(lot)s is %(status)s: its events are kept as they were.")
            % {"lot": self.batch.lot_number, "status": self.batch.get_status_display()},
        )
        return redirect(step_url(self.batch.pk, "events"))


class FlowEventEditView(FlowEventMixin, FlowEventsView):
    """Step 2 with one recorded event in the form, to correct it; saving returns to step 2."""

    def get(self, request, *args, **kwargs):
        return self.refused(request) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", FlowEventForm(instance=self.event, batch=self.batch, for_user=self.request.user))
        context = super().get_context_data(**kwargs)
        context.update(editing=self.event, cancel_url=step_url(self.batch.pk, "events"))
        return context

    def post(self, request, pk, event_pk):
        if refused := self.refused(request):
            return refused
        form = FlowEventForm(request.POST, instance=self.event, batch=self.batch, for_user=request.user)
        if not form.is_valid():
            messages.error(request, _("The event was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        event = form.save()
        log(instance=event, action="wagtail.edit", user=request.user)
        messages.success(
            request, _("Event “%(event)s” of lot %(lot)s changed.") % {"event": event, "lot": self.batch.lot_number}
        )
        return redirect(step_url(pk, "events"))


class FlowEventDeleteView(FlowEventMixin, FlowStepMixin, TemplateView):
    """Asks, then deletes one recorded event of the batch and returns to step 2."""

    step = "events"
    event_action = "delete"
    template_name = "gi_registry/trace/admin/flow/event_delete.html"

    def get(self, request, *args, **kwargs):
        return self.refused(request) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(event=self.event, cancel_url=step_url(self.batch.pk, "events"))
        return context

    def post(self, request, pk, event_pk):
        if refused := self.refused(request):
            return refused
        event = self.event
        label = str(event)
        with transaction.atomic():
            log(instance=event, action="wagtail.delete", user=request.user)
            event.delete()
        messages.success(
            request, _("Event “%(event)s” deleted from lot %(lot)s.") % {"event": label, "lot": self.batch.lot_number}
        )
        return redirect(step_url(pk, "events"))


class FlowIssueForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("Number of codes"),
        min_value=1,
        max_value=MAX_CODES_PER_CALL,
        help_text=gettext_lazy("One code for each box or piece to be labelled."),
        error_messages={
            "required": gettext_lazy("Give the number of codes to issue."),
            "invalid": gettext_lazy("Give a whole number of codes."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class FlowCodesView(FlowStepMixin, TemplateView):
    step = "codes"
    template_name = "gi_registry/trace/admin/flow/codes.html"

    def initial_count(self) -> int | None:
        """The batch's quantity when it is counted in boxes or pieces (one label each)."""
        batch = self.batch
        if (
            batch.quantity
            and batch.unit in (Batch.Unit.BOX, Batch.Unit.PIECE)
            and batch.quantity == int(batch.quantity)
        ):
            return int(batch.quantity)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        auth = self.batch.authorisation
        valid_today = auth.is_valid_on()
        context.update(
            authorisation=auth,
            valid_today=valid_today,
            remaining=remaining_quota(auth),
            issued=self.batch.codes.count(),
            active_codes=self.batch.codes.filter(status=TraceCode.Status.ACTIVE).count(),
            form=kwargs.get("form") or FlowIssueForm(initial={"count": self.initial_count()}),
            can_issue=self.batch.is_active and valid_today,
        )
        return context

    def post(self, request, pk):
        form = FlowIssueForm(request.POST)
        if form.is_valid():
            try:
                codes = issue_codes(self.batch, form.cleaned_data["count"], request.user)
            except IssuanceError as exc:
                form.add_error("count", str(exc))
            else:
                messages.success(
                    request,
                    _("%(count)d codes issued for lot %(lot)s. Check the print preview, then download the labels.")
                    % {"count": len(codes), "lot": self.batch.lot_number},
                )
                return redirect(step_url(pk, "labels"))
        messages.error(request, _("No code was issued: correct the number below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def label_options(request) -> tuple[str, str]:
    options = LabelOptionsForm(request.GET or None)
    if options.is_bound and not options.is_valid():
        raise Http404
    data = options.cleaned_data if options.is_bound else {}
    return data.get("layout") or "3x8", data.get("ec") or "M"


class FlowLabelsView(FlowStepMixin, TemplateView):
    action = "view"
    step = "labels"
    template_name = "gi_registry/trace/admin/flow/labels.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        layout, ec = label_options(self.request)
        count = label_jobs.label_codes(self.batch, "pdf").count()
        spec = labels.LAYOUTS[layout]
        query = f"layout={layout}&ec={ec}"
        context.update(
            options=LabelOptionsForm(initial={"layout": layout, "ec": ec}),
            label_count=count,
            sheet_count=-(-count // spec.per_sheet),
            per_sheet=spec.per_sheet,
            layout_name=layout.replace("x", "×"),
            preview_url=reverse("trace_admin:flow_preview", args=[self.batch.pk]) + "?" + query,
            download_url=reverse("trace_admin:download", args=[self.batch.pk, "pdf"]) + "?" + query,
            alignment_url=reverse("trace_admin:alignment_sheet", args=[layout]),
            codes_page_url=reverse("trace_admin:batch", args=[self.batch.pk]),
        )
        return context


class FlowLabelPreviewView(BatchAccessMixin, View):
    """The first sheet of the batch's label PDF as a PNG: what the printer will print, drawn from
    the very PDF the download gives (``labels.label_sheet_pdf``), for any screen."""

    action = "view"

    def get(self, request, pk):
        layout, ec = label_options(request)
        if not self.batch.is_active:
            raise Http404
        spec = labels.LAYOUTS[layout]
        codes = list(label_jobs.label_codes(self.batch, "pdf").select_related("batch__producer")[: spec.per_sheet])
        if not codes:
            raise Http404
        pdf = labels.label_sheet_pdf(labels.label_data(codes), layout, ec)
        response = HttpResponse(labels.sheet_preview_png(pdf), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response


class FlowCertificateView(FlowStepMixin, TemplateView):
    action = "view"
    step = "certificate"
    template_name = "gi_registry/trace/admin/flow/certificate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = current_certificate(self.batch)
        context.update(
            requirement=certificate_requirement(self.batch),
            certificate=current,
            certificate_url=reverse("trace_admin:certificate", args=[self.batch.pk]),
            pdf_url=reverse("trace_admin:certificate_pdf", args=[current.pk, "a6"]) if current else "",
            finished=current is not None or not certificate_requirement(self.batch).needed,
        )
        return context


__all__ = [
    "FlowBatchCreateView",
    "FlowBatchEditView",
    "FlowCertificateView",
    "FlowCodesView",
    "FlowContinueView",
    "FlowEventDeleteView",
    "FlowEventEditView",
    "FlowEventsView",
    "FlowLabelPreviewView",
    "FlowLabelsView",
    "next_step",
    "unfinished_batches",
]
