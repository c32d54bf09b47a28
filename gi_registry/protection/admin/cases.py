"""The case queue for enforcement staff (执法人员): a listing with filters and the overdue cases first,
a case page (reports, photos, evidence, notes, attachments, merge, status), the holiday list.

Who sees what (``setup.py``): enforcement staff handle cases; registry officers see them read-only
(no actions, no phone numbers); producers and brand editors see no case (producers see the reports
about their own codes in ``producer_reports``). Photos and attachments live in the private storage
and are served only by the permission-checked views here. Every change is in Wagtail's audit log.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Q, When
from django.db.models import Case as CaseWhen
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.coreutils import multigetattr
from wagtail.log_actions import log

from core.admin_display import choice_accessor
from gi_registry.models import ProductFamily

from ..announcements import AnnouncementError, can_announce, draft_announcement
from ..merging import MergeError, merge_candidates, merge_case, resolve_follow_case
from ..models import Case, CaseAttachment, CaseNote, Holiday, Report, ReportPhoto, private_storage
from ..permissions import can_handle_cases, can_view_cases
from ..setup import ENFORCEMENT_STAFF

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# extension → how the file must start (magic bytes); Office files are ZIP packages
ATTACHMENT_TYPES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def overdue_q(today=None) -> Q:
    """The rule of ``CaseQuerySet.overdue`` as a condition (for annotating the listing)."""
    today = today or timezone.localdate()
    undecided = Q(status=Case.Status.NEW, accept_due__lt=today)
    unverified = Q(
        kind=Case.Kind.TIP,
        status__in=[Case.Status.NEW, Case.Status.ACCEPTED, Case.Status.INVESTIGATING],
        verify_due__lt=today,
    )
    return Q(merged_into__isnull=True) & (undecided | unverified)


def with_overdue(queryset):
    return queryset.annotate(overdue=CaseWhen(When(overdue_q(), then=True), default=False, output_field=BooleanField()))


def enforcement_staff():
    return get_user_model().objects.filter(groups__name=ENFORCEMENT_STAFF, is_active=True).order_by("username")


# --- the listing ------------------------------------------------------------------------------


def _place_choices():
    places = Case.objects.in_queue().exclude(place="").values_list("place", flat=True).distinct().order_by("place")
    return [(p, p) for p in places]


class CaseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("status"), choices=Case.Status.choices)
    product_family = django_filters.ModelChoiceFilter(
        label=gettext_lazy("product family"), queryset=ProductFamily.objects.all()
    )
    place = django_filters.ChoiceFilter(label=gettext_lazy("township or city"), choices=_place_choices)
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue"), method="filter_overdue")
    assignee = django_filters.ModelChoiceFilter(
        label=gettext_lazy("assignee"), queryset=lambda request: enforcement_staff()
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=Case.Kind.choices)

    class Meta:
        model = Case
        fields = ["status", "product_family", "place", "overdue", "assignee", "kind"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue=value)


class OverdueColumn(TitleColumn):
    """The case number, linked to the case page, with a 逾期 (overdue) marker on an overdue case."""

    cell_template_name = "protection/admin/overdue_cell.html"


class CaseIndexView(ModelViewSet.index_view_class):
    default_ordering = None  # the queryset's: overdue first, then newest

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not can_handle_cases(request.user):
            # the reporters' phone numbers go only to enforcement staff
            self.list_export = [f for f in self.list_export if f != "contact_phone"]

    def get_base_queryset(self):
        queryset = with_overdue(Case.objects.in_queue())
        code = self.request.GET.get("trace_code", "")
        if code.isdigit():  # the cases about one code, linked from the suspected copies
            queryset = queryset.filter(trace_code_id=int(code))
        return queryset.select_related("product_family", "assignee", "producer").order_by("-overdue", "-received_at")

    # the fields of a 12315 transfer that are not plain attributes of the case
    def to_row_dict(self, item):
        reports = list(item.reports.all())
        values = {
            "product": ", ".join(filter(None, [str(item.product_family or ""), str(item.batch or "")])),
            "shop": "; ".join(sorted({r.shop_name or r.online_url for r in reports if r.shop_name or r.online_url})),
            "online": "; ".join(
                sorted(
                    {" ".join(filter(None, [r.platform, r.online_url])) for r in reports if r.platform or r.online_url}
                )
            ),
            "bought_on": "; ".join(sorted({r.bought_on.isoformat() for r in reports if r.bought_on})),
            "price_paid": "; ".join(sorted({f"{r.price_paid:.2f}" for r in reports if r.price_paid is not None})),
            "producer_name": str(item.producer or ""),
            "problems": "; ".join(
                sorted(
                    {str(Report.Problem(p).label) for r in reports for p in r.problems if p in Report.Problem.values}
                )
            ),
            "description": "\n".join(r.description for r in reports if r.description),
            "contact_phone": "; ".join(r.phone for r in reports if r.phone and r.contact_consent),
            "overdue_text": _("yes") if item.is_overdue() else "",
        }
        # choice fields by their label (举报, 待受理), as every other export (core.admin_display)
        return {
            field: values[field] if field in values else multigetattr(item, choice_accessor(Case, field))
            for field in self.list_export
        }


EXPORT_FIELDS = [
    "number",
    "received_at",
    "kind",
    "product",
    "producer_name",
    "code_text",
    "shop",
    "online",
    "place",
    "bought_on",
    "price_paid",
    "problems",
    "description",
    "status",
    "outcome",
    "public_outcome",
    "rejection_reason",
    "accept_due",
    "verify_due",
    "decided_at",
    "closed_at",
    "overdue_text",
    "contact_phone",
]


# --- the case page ------------------------------------------------------------------------------

# the keys of the evidence snapshot (evidence.py), labelled for staff
EVIDENCE_LABELS = {
    "taken_at": pgettext_lazy("evidence", "evidence taken"),
    "code": pgettext_lazy("evidence", "code"),
    "typed": pgettext_lazy("evidence", "as typed"),
    "normalised": pgettext_lazy("evidence", "normalised"),
    "printed": pgettext_lazy("evidence", "as printed"),
    "signature": pgettext_lazy("evidence", "signature check"),
    "verdict": pgettext_lazy("evidence", "verdict"),
    "code_status": pgettext_lazy("evidence", "code status"),
    "code_issued_at": pgettext_lazy("evidence", "code issued"),
    "batch": pgettext_lazy("evidence", "batch"),
    "id": pgettext_lazy("evidence", "id"),
    "lot_number": pgettext_lazy("evidence", "lot number"),
    "product": pgettext_lazy("evidence", "product"),
    "production_date": pgettext_lazy("evidence", "production date"),
    "status": pgettext_lazy("evidence", "status"),
    "status_reason": pgettext_lazy("evidence", "reason"),
    "producer": pgettext_lazy("evidence", "producer"),
    "name": pgettext_lazy("evidence", "name"),
    "credit_code": pgettext_lazy("evidence", "credit code"),
    "authorisation": pgettext_lazy("evidence", "authorisation"),
    "number": pgettext_lazy("evidence", "number"),
    "valid_from": pgettext_lazy("evidence", "valid from"),
    "valid_until": pgettext_lazy("evidence", "valid until"),
    "in_force": pgettext_lazy("evidence", "in force"),
    "gi": pgettext_lazy("evidence", "geographical indication"),
    "product_family": pgettext_lazy("evidence", "product family"),
    "scans": pgettext_lazy("evidence", "scan history"),
    "count": pgettext_lazy("evidence", "scans"),
    "counted": pgettext_lazy("evidence", "counted scans"),
    "first_at": pgettext_lazy("evidence", "first scan"),
    "last_at": pgettext_lazy("evidence", "last scan"),
    "distinct_origins": pgettext_lazy("evidence", "distinct networks"),
    "clients": pgettext_lazy("evidence", "client classes"),
    "timeline": pgettext_lazy("evidence", "timeline"),
    "day": pgettext_lazy("evidence", "day"),
    "origins": pgettext_lazy("evidence", "networks"),
    "related_cases": pgettext_lazy("evidence", "other cases"),
    "same_code": pgettext_lazy("evidence", "same code"),
    "same_batch": pgettext_lazy("evidence", "same batch"),
    "same_shop": pgettext_lazy("evidence", "same shop"),
    "code_typed": pgettext_lazy("evidence", "code as typed"),
    "other_reports": pgettext_lazy("evidence", "other reports"),
}


# the verdicts of the trace page, as it words them for consumers
VERDICT_LABELS = {
    "genuine": pgettext_lazy("evidence verdict", "genuine"),
    "suspicious": pgettext_lazy("evidence verdict", "suspicious"),
    "withdrawn": pgettext_lazy("evidence verdict", "withdrawn"),
    "forged": pgettext_lazy("evidence verdict", "forged or not registered"),
    "unknown": pgettext_lazy("evidence verdict", "not registered"),
}
# in a table row (the scan timeline) "scans" is a count, not the history
EVIDENCE_COLUMN_LABELS = {"scans": EVIDENCE_LABELS["count"]}
MAX_EVIDENCE_ITEMS = 100


def _evidence_scalar(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and len(value) > 16 and value[10:11] == "T":
        moment = parse_datetime(value)  # an ISO timestamp of the snapshot: shown in Beijing time
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


def render_evidence(value, depth: int = 0):
    """The evidence JSON as nested definition lists; a list of rows (the scan timeline) as a table;
    timestamps in local time; everything escaped; unknown keys shown as they are."""
    if depth > 6:
        return format_html("<code>{}</code>", str(value)[:200])
    if isinstance(value, dict):
        if not value:
            return "—"
        items = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            (
                (
                    EVIDENCE_LABELS.get(k, k),
                    VERDICT_LABELS.get(v, v)
                    if k in ("verdict", "signature") and isinstance(v, str)
                    else render_evidence(v, depth + 1),
                )
                for k, v in value.items()
            ),
        )
        return format_html('<dl class="lp-evidence">{}</dl>', items)
    if isinstance(value, list):
        if not value:
            return "—"
        shown = value[:MAX_EVIDENCE_ITEMS]
        more = format_html("<p>… {}</p>", len(value) - len(shown)) if len(value) > len(shown) else ""
        keys = list(shown[0]) if isinstance(shown[0], dict) else None
        if keys and all(isinstance(row, dict) and list(row) == keys for row in shown):
            head = format_html_join(
                "",
                '<th scope="col">{}</th>',
                ((EVIDENCE_COLUMN_LABELS.get(k) or EVIDENCE_LABELS.get(k, k),) for k in keys),
            )
            rows = format_html_join(
                "",
                "<tr>{}</tr>",
                ((format_html_join("", "<td>{}</td>", ((_evidence_scalar(row[k]),) for k in keys)),) for row in shown),
            )
            return format_html(
                '<div class="lp-evidence-table"><table class="listing"><thead><tr>{}</tr></thead>'
                "<tbody>{}</tbody></table></div>{}",
                head,
                rows,
                more,
            )
        items = format_html_join("", "<li>{}</li>", ((render_evidence(v, depth + 1),) for v in shown))
        return format_html('<ul class="lp-evidence-list">{}</ul>{}', items, more)
    return _evidence_scalar(value)


class TransitionForm(forms.Form):
    """new → accepted or rejected (with a reason) → investigating → closed (with an outcome)."""

    ALLOWED = {
        Case.Status.NEW: [Case.Status.ACCEPTED, Case.Status.REJECTED],
        Case.Status.ACCEPTED: [Case.Status.INVESTIGATING, Case.Status.CLOSED],
        Case.Status.INVESTIGATING: [Case.Status.CLOSED],
    }

    status = forms.ChoiceField(label=gettext_lazy("New status"))
    rejection_reason = forms.CharField(
        label=gettext_lazy("reason for not accepting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(label=gettext_lazy("outcome"), required=False)
    public_outcome = forms.CharField(
        label=gettext_lazy("outcome shown to the consumer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the person who reported sees on their follow page. No personal data."),
    )

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["status"].choices = [(s.value, s.label) for s in self.ALLOWED.get(case.status, [])]
        self.fields["outcome"].choices = [("", "---------"), *Case.Outcome.choices]
        self.fields["public_outcome"].initial = case.public_outcome

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Case.Status.REJECTED and not data.get("rejection_reason", "").strip():
            self.add_error("rejection_reason", _("Say why the case is not accepted."))
        if status == Case.Status.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome of the case."))
        return data


LOG_ACTIONS = {
    Case.Status.ACCEPTED: "protection.case.accept",
    Case.Status.REJECTED: "protection.case.reject",
    Case.Status.INVESTIGATING: "protection.case.investigate",
    Case.Status.CLOSED: "protection.case.close",
}


@transaction.atomic
def apply_transition(case: Case, form: TransitionForm, user) -> None:
    status = form.cleaned_data["status"]
    now = timezone.now()
    case.status = status
    if status in (Case.Status.ACCEPTED, Case.Status.REJECTED):
        case.decided_at = now
    if status == Case.Status.REJECTED:
        case.rejection_reason = form.cleaned_data["rejection_reason"].strip()
        case.closed_at = now  # a refused case is finished: the retention period starts
    if status == Case.Status.CLOSED:
        case.outcome = form.cleaned_data["outcome"]
        case.closed_at = now
    if form.cleaned_data.get("public_outcome"):
        case.public_outcome = form.cleaned_data["public_outcome"].strip()
    case.save()
    log(case, LOG_ACTIONS[status], user=user, data={"status": status, "outcome": case.outcome})


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = CaseAttachment
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files can be attached."), code="type"
            )
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}, code="size"
            )
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(ATTACHMENT_TYPES[suffix]):
            raise forms.ValidationError(_("The file's content does not match its type."), code="content")
        return upload


class MergeForm(forms.Form):
    target = forms.CharField(label=gettext_lazy("Merge into case number"), max_length=20)

    def clean_target(self):
        number = self.cleaned_data["target"].strip().upper()
        target = Case.objects.filter(number=number).first()
        if target is None:
            raise forms.ValidationError(_("There is no case with this number."))
        return target


def shop_label(case: Case, reports: list[Report]) -> str:
    """The shop as the reporters wrote it (the first report naming one), not the internal matching
    key (``shop:place|name``, folded), which staff would otherwise read with its English prefix."""
    if not case.shop_key:
        return ""
    for report in reports:
        parts = [report.platform, report.online_url] if report.online_url else [report.place, report.shop_name]
        if report.where_bought == Report.WhereBought.ONLINE and not report.online_url:
            parts = [report.platform, report.shop_name]
        label = " · ".join(p.strip() for p in parts if p and p.strip())
        if label:
            return label
    return case.shop_key.split(":", 1)[-1].replace("|", " · ")


class CaseInspectView(ModelViewSet.inspect_view_class):
    template_name = "protection/admin/case_inspect.html"
    page_title = gettext_lazy("Case")

    def get_object(self, queryset=None):
        return get_object_or_404(
            Case.objects.select_related("product_family", "producer", "batch", "assignee", "merged_into"),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        handler = can_handle_cases(self.request.user)
        reports = list(case.reports.prefetch_related("photos"))
        for report in reports:
            report.evidence_html = render_evidence(report.evidence)
            report.problem_labels = [
                str(Report.Problem(p).label) for p in report.problems if p in Report.Problem.values
            ]
        context.update(
            case=case,
            shop=shop_label(case, reports),
            handler=handler,
            reports=reports,
            notes=case.notes.select_related("author"),
            attachments=case.attachments.all(),
            merged_cases=case.merged_cases.all(),
            merge_target=resolve_follow_case(case) if case.merged_into_id else None,
            overdue=case.is_overdue(),
            transition_form=kwargs.get("transition_form") or TransitionForm(case),
            note_form=kwargs.get("note_form") or NoteForm(),
            attachment_form=kwargs.get("attachment_form") or AttachmentForm(),
            merge_form=kwargs.get("merge_form") or MergeForm(),
            candidates=merge_candidates(case) if handler and not case.merged_into_id else [],
            history_url=reverse("protection_cases:history", args=[case.pk]),
            can_announce=handler and can_announce(case),
            announcement_edit_url=(
                reverse("wagtailadmin_pages:edit", args=[case.announcement_id]) if case.announcement_id else None
            ),
        )
        return context


# --- the actions (POST, enforcement staff only) ----------------------------------------------------


class CaseActionView(View):
    """A POST on one case by enforcement staff; a form error shows the case page again with what was
    typed and the message."""

    http_method_names = ["post"]
    form_name = ""
    inspect_view = None  # the viewset's case page, to show again with a form's errors

    def dispatch(self, request, pk):
        if not can_handle_cases(request.user):
            raise PermissionDenied
        self.case = get_object_or_404(Case, pk=pk)
        return super().dispatch(request, pk)

    def case_url(self):
        return reverse("protection_cases:inspect", args=[self.case.pk])

    def invalid(self, form):
        messages.error(self.request, _("The case was not changed: see the message below."))
        self.request.method = "GET"
        response = self.inspect_view(self.request, pk=self.case.pk)
        response.context_data[self.form_name] = form
        response.status_code = 400
        return response


class TransitionView(CaseActionView):
    form_name = "transition_form"

    def post(self, request, pk):
        if self.case.merged_into_id:
            messages.error(request, _("This case has been merged into another case."))
            return redirect(self.case_url())
        form = TransitionForm(self.case, request.POST)
        if not form.is_valid():
            return self.invalid(form)
        apply_transition(self.case, form, request.user)
        messages.success(
            request,
            _("Case %(number)s is now: %(status)s.")
            % {
                "number": self.case.number,
                "status": self.case.get_status_display(),
            },
        )
        return redirect(self.case_url())


class NoteView(CaseActionView):
    form_name = "note_form"

    def post(self, request, pk):
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        note = form.save(commit=False)
        note.case, note.author = self.case, request.user
        note.save()
        log(self.case, "protection.case.note", user=request.user, data={"note": note.pk})
        messages.success(request, _("Note added."))
        return redirect(self.case_url())


class AttachmentView(CaseActionView):
    form_name = "attachment_form"

    def post(self, request, pk):
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.invalid(form)
        attachment = form.save(commit=False)
        attachment.case, attachment.uploaded_by = self.case, request.user
        attachment.save()
        log(self.case, "protection.case.attach", user=request.user, data={"title": attachment.title})
        messages.success(request, _("File attached."))
        return redirect(self.case_url())


class MergeView(CaseActionView):
    form_name = "merge_form"

    def post(self, request, pk):
        form = MergeForm(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        try:
            moved = merge_case(self.case, form.cleaned_data["target"])
        except MergeError as error:
            form.add_error("target", str(error))
            return self.invalid(form)
        target = resolve_follow_case(self.case)
        log(self.case, "protection.case.merge", user=request.user, data={"into": target.number})
        log(target, "protection.case.merge_in", user=request.user, data={"from": self.case.number, "reports": moved})
        messages.success(
            request,
            _("Case %(source)s merged into %(target)s.")
            % {
                "source": self.case.number,
                "target": target.number,
            },
        )
        return redirect(reverse("protection_cases:inspect", args=[target.pk]))


class AnnounceView(CaseActionView):
    """A confirmed fake → a draft announcement (公告) without personal data, for page moderation."""

    def post(self, request, pk):
        try:
            with transaction.atomic():
                page = draft_announcement(self.case, request.user)
        except AnnouncementError as error:
            messages.error(request, str(error))
            return redirect(self.case_url())
        log(self.case, "protection.case.announce", user=request.user, data={"page": page.pk})
        messages.success(
            request,
            _("A draft announcement was created; it is published after review: %(title)s") % {"title": page.title},
        )
        return redirect(self.case_url())


# --- private files (view permission, checked per file) ---------------------------------------------


def _private_file(name: str, *, content_type: str | None, as_attachment: bool, filename: str = ""):
    if not name or not private_storage.exists(name):
        raise Http404
    response = FileResponse(
        private_storage.open(name, "rb"), content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PhotoView(View):
    def get(self, request, pk):
        if not can_view_cases(request.user):
            raise PermissionDenied
        photo = get_object_or_404(ReportPhoto, pk=pk)
        return _private_file(photo.image.name, content_type="image/jpeg", as_attachment=False)


class AttachmentFileView(View):
    def get(self, request, pk):
        if not can_view_cases(request.user):
            raise PermissionDenied
        attachment = get_object_or_404(CaseAttachment, pk=pk)
        suffix = attachment.file.name.rsplit(".", 1)[-1]
        return _private_file(
            attachment.file.name,
            content_type=None,
            as_attachment=True,
            filename=f"{attachment.case.number}-{attachment.pk}.{suffix}",
        )


# --- the viewsets ------------------------------------------------------------------------------------


class CaseForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = enforcement_staff()


class CaseEditView(ModelViewSet.edit_view_class):
    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        self._assignee_before = case.assignee_id
        return case

    def save_instance(self):
        case = super().save_instance()
        if case.assignee_id != self._assignee_before:
            log(case, "protection.case.assign", user=self.request.user, data={"assignee": str(case.assignee or "")})
        return case


class CaseHistoryView(ModelViewSet.history_view_class):
    """The audit log of a case: read-only, so whoever may see the case (officers too) sees it."""

    any_permission_required = ["change", "view"]

    def setup(self, request, *args, **kwargs):
        # Wagtail loads the object (404 for an unknown id) before checking permissions, which told
        # a producer or a brand editor whether a case number exists; refuse them before that.
        if not self.permission_policy.user_has_any_permission(request.user, self.any_permission_required):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)


class CaseViewSet(ModelViewSet):
    model = Case
    name = "protection_cases"
    url_prefix = "protection/cases"
    icon = "warning"
    menu_label = gettext_lazy("Case queue")
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CaseIndexView
    inspect_view_class = CaseInspectView
    edit_view_class = CaseEditView
    history_view_class = CaseHistoryView
    filterset_class = CaseFilterSet
    search_fields = ["number", "code_text", "shop_key", "place"]
    search_backend_name = None
    list_display = [
        OverdueColumn("number", label=gettext_lazy("case number"), url_name="protection_cases:inspect"),
        "kind",
        "status",
        "product_family",
        "place",
        "received_at",
        "accept_due",
        "assignee",
    ]
    list_export = EXPORT_FIELDS
    export_headings = {
        "product": gettext_lazy("product"),
        "shop": gettext_lazy("shop or market"),
        "online": gettext_lazy("platform"),
        "bought_on": gettext_lazy("bought on"),
        "price_paid": gettext_lazy("price paid (yuan)"),
        "producer_name": gettext_lazy("producer"),
        "problems": gettext_lazy("what is wrong"),
        "description": gettext_lazy("description"),
        "overdue_text": gettext_lazy("Overdue"),
        "contact_phone": gettext_lazy("phone (agreed to be contacted)"),
    }
    export_filename = "cases"
    form_class = CaseForm
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("assignee")]),
            FieldRowPanel([FieldPanel("product_family"), FieldPanel("place")]),
            FieldPanel("public_outcome"),
        ],
        base_form_class=CaseForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/status/", TransitionView.as_view(inspect_view=self.inspect_view), name="transition"),
            path("<int:pk>/note/", NoteView.as_view(inspect_view=self.inspect_view), name="note"),
            path("<int:pk>/attach/", AttachmentView.as_view(inspect_view=self.inspect_view), name="attach"),
            path("<int:pk>/merge/", MergeView.as_view(inspect_view=self.inspect_view), name="merge"),
            path("<int:pk>/announce/", AnnounceView.as_view(), name="announce"),
            path("photo/<int:pk>/", PhotoView.as_view(), name="photo"),
            path("attachment/<int:pk>/", AttachmentFileView.as_view(), name="attachment"),
        ]


class HolidayViewSet(ModelViewSet):
    model = Holiday
    name = "protection_holidays"
    url_prefix = "protection/holidays"
    icon = "date"
    menu_label = gettext_lazy("Holidays")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    form_fields = ["date", "name", "is_working_day"]


@hooks.register("insert_global_admin_css")
def case_queue_css():
    """The overdue marker in the queue and on the dashboard, the case page's layout."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/protection-admin.css"))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, label in (
        ("protection.case.accept", gettext_lazy("Case accepted")),
        ("protection.case.reject", gettext_lazy("Case not accepted")),
        ("protection.case.investigate", gettext_lazy("Case under investigation")),
        ("protection.case.close", gettext_lazy("Case closed")),
        ("protection.case.note", gettext_lazy("Internal note added")),
        ("protection.case.attach", gettext_lazy("File attached")),
        ("protection.case.merge", gettext_lazy("Merged into another case")),
        ("protection.case.merge_in", gettext_lazy("Another case merged in")),
        ("protection.case.assign", gettext_lazy("Assignee changed")),
        ("protection.case.announce", gettext_lazy("Draft announcement created")),
    ):
        actions.register_action(action, label, label)


# viewsets shown in the protection menu (wagtail_hooks.ProtectionViewSetGroup)
MENU_ITEMS: tuple = (CaseViewSet, HolidayViewSet)
