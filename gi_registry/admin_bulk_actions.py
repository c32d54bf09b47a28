"""Bulk actions on registry listings beyond Wagtail's delete: export the selected rows, and change
the status of the selected records (an officer suspending ten producers' authorisations at once).

Both act only on ``records_for`` (the rows the user may see: a producer exports its own batches,
never a guessed id), and both go through Wagtail's confirmation page: nothing happens on a GET.
A status change is the same change the edit form makes — ``STATUS_TRANSITIONS`` and ``clean()``
hold, a revision is saved and published with the audit log's entries — and it leaves alone a
record with an unpublished draft or in moderation, so nobody's pending work is published by it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.shortcuts import get_list_or_404
from django.urls import reverse
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.log_actions import LogFormatter, log
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import get_snippet_models

from .admin_scoping import records_for
from .models.base import RegistryRecord
from .permissions import is_officer

#: The audit-log action of a status change (registered in ``wagtail_hooks``, shown with its reason).
STATUS_CHANGE_ACTION = "gi_registry.status_change"


def _exportable(model: type[Model]) -> bool:
    viewset = getattr(model, "snippet_viewset", None)
    return bool(viewset and viewset.list_export)


class ScopedSelectionMixin:
    """The selected ids, narrowed to the records this user may see (404 for none of them); after
    the action, back to the listing when the request names no ``next``."""

    def __init__(self, request, model):
        super().__init__(request, model)
        if self.next_url == request.path and getattr(model, "snippet_viewset", None):
            self.next_url = reverse(model.snippet_viewset.get_url_name("list"))

    def get_queryset(self, model, object_ids):  # an instance method: it needs the request
        return get_list_or_404(records_for(self.request.user, model), pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        return records_for(self.request.user, self.model).values_list("pk", flat=True)


class ExportFormatForm(forms.Form):
    format = forms.ChoiceField(
        label=_("File format"),
        choices=[("xlsx", _("Excel workbook (XLSX)")), ("csv", _("CSV (UTF-8, opens in Excel)"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )


class ExportSelectedBulkAction(ScopedSelectionMixin, SnippetBulkAction):
    """Download the selected rows as the listing's own CSV/XLSX export (same columns, labels and
    formula-injection guard as the listing's "Download" buttons)."""

    display_name = _("Export")
    action_type = "export"
    aria_label = _("Export the selected rows")
    template_name = "gi_registry/admin/bulk_actions/confirm_export.html"
    action_priority = 20
    form_class = ExportFormatForm

    @classproperty
    def models(cls):
        return [model for model in get_snippet_models() if _exportable(model)]

    def check_perm(self, obj):
        return True  # ``get_queryset`` already holds only the records this user may see

    def form_valid(self, form):
        objects, _no_access = self.get_actionable_objects()
        viewset = self.model.snippet_viewset
        # The listing's own view, built as the viewset builds it (columns, headings, filename).
        view_function = viewset.construct_view(viewset.index_view_class, **viewset.get_index_view_kwargs())
        index_view = viewset.index_view_class(**view_function.view_initkwargs)
        index_view.setup(self.request)
        queryset = viewset.get_queryset(self.request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        queryset = queryset.filter(pk__in=[obj.pk for obj in objects])
        return index_view.as_spreadsheet(queryset, form.cleaned_data["format"])


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in each record's history (e.g. the decision's reference)."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "---------"), *choices]


class ChangeStatusBulkAction(ScopedSelectionMixin, SnippetBulkAction):
    """Move the selected records to one status, each by the rule its model states."""

    display_name = _("Change status")
    action_type = "change_status"
    aria_label = _("Change the status of the selected records")
    template_name = "gi_registry/admin/bulk_actions/confirm_change_status.html"
    action_priority = 25
    form_class = StatusChangeForm

    @classproperty
    def models(cls):
        return [
            model
            for model in get_snippet_models()
            if issubclass(model, RegistryRecord) and model.STATUS_TRANSITIONS and hasattr(model, "status")
        ]

    def dispatch(self, request, *args, **kwargs):
        # Officers decide a record's status; producers and editors never hold this action.
        if not is_officer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def status_labels(self) -> dict[str, str]:
        return {str(value): str(label) for value, label in self.model._meta.get_field("status").flatchoices}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": list(self.status_labels.items())}

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "publish", obj)

    @staticmethod
    def blocker(obj) -> str:
        """Why this record must not be changed in bulk now ('' when it may)."""
        if obj.has_unpublished_changes:
            return str(_("it has an unpublished draft; publish or discard it first"))
        if obj.workflow_in_progress:
            return str(_("it is in moderation"))
        if obj.locked:
            return str(_("it is locked"))
        return ""

    def annotate_items(self, items):
        for obj in items:
            obj.bulk_blocker = self.blocker(obj)
        return items

    def object_context(self, obj):
        return {
            **super().object_context(obj),
            "status": self.status_labels.get(obj.status, obj.status),
            "blocker": getattr(obj, "bulk_blocker", ""),
        }

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "user": self.request.user,
            "status": self.cleaned_form.cleaned_data["status"],
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, status="", reason="", **kwargs):
        self = kwargs["self"]
        self.changed, self.refused = [], []
        for obj in objects:
            why = cls.blocker(obj)
            if not why and obj.status == status:
                why = str(_("it already has this status"))
            if not why:
                previous = obj.status
                obj.status = status
                try:
                    obj.full_clean()
                except ValidationError as exc:
                    obj.status = previous
                    why = " ".join(exc.messages)
            if why:
                self.refused.append((obj, why))
                continue
            revision = obj.save_revision(user=user, changed=True)
            revision.publish(user=user, log_action=True)
            log(
                obj,
                STATUS_CHANGE_ACTION,
                user=user,
                revision=revision,
                data={"from": previous, "to": status, "reason": reason},
            )
            self.changed.append(obj)
        return len(self.changed), 0

    def form_valid(self, form):
        response = super().form_valid(form)
        for obj, why in getattr(self, "refused", []):
            messages.warning(self.request, _("“%(record)s” was not changed: %(why)s.") % {"record": obj, "why": why})
        return response

    def get_success_message(self, num_parent_objects, num_child_objects):
        label = self.status_labels.get(self.cleaned_form.cleaned_data["status"], "")
        return ngettext(
            "%(count)d record is now “%(status)s”.",
            "%(count)d records are now “%(status)s”.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "status": label}


class StatusChangeLogFormatter(LogFormatter):
    """The history line of a bulk status change: from, to and the reason given."""

    label = _("Change status")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        labels = {}
        model = log_entry.content_type.model_class() if log_entry.content_type_id else None
        if model is not None and hasattr(model, "status"):
            labels = {str(v): str(label) for v, label in model._meta.get_field("status").flatchoices}
        return _("Status changed from “%(old)s” to “%(new)s”: %(reason)s") % {
            "old": labels.get(data.get("from"), data.get("from", "")),
            "new": labels.get(data.get("to"), data.get("to", "")),
            "reason": data.get("reason", ""),
        }


def register_log_action(actions) -> None:
    actions.register_action(STATUS_CHANGE_ACTION)(StatusChangeLogFormatter)
