"""Withdraw or recall several batches at once (a recall after a failed inspection covers every lot
of a harvest). The confirmation page names each batch and how many live codes it holds; only the
batches the user may change are acted on; ``Batch.withdraw`` does the work, as on a batch's page."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from gi_registry.admin_bulk_actions import ScopedSelectionMixin

from ..models import Batch, TraceCode
from .forms import WithdrawForm
from .policies import batch_policy


class WithdrawBatchesBulkAction(ScopedSelectionMixin, SnippetBulkAction):
    display_name = _("Withdraw or recall")
    action_type = "withdraw"
    aria_label = _("Withdraw or recall the selected batches")
    template_name = "gi_registry/trace/admin/confirm_bulk_withdraw.html"
    action_priority = 40
    classes = {"serious"}
    form_class = WithdrawForm
    models = [Batch]

    def get_queryset(self, model, object_ids):
        batches = super().get_queryset(model, object_ids)
        live = dict(
            Batch.objects.filter(pk__in=[b.pk for b in batches])
            .annotate(live=Count("codes", filter=Q(codes__status=TraceCode.Status.ACTIVE)))
            .values_list("pk", "live")
        )
        for batch in batches:
            batch.live_codes = live.get(batch.pk, 0)
        return batches

    def check_perm(self, obj):
        return batch_policy.user_has_permission_for_instance(self.request.user, "change", obj)

    def object_context(self, obj):
        return {**super().object_context(obj), "live_codes": obj.live_codes, "active": obj.is_active}

    def get_execution_context(self):
        data = self.cleaned_form.cleaned_data
        return {**super().get_execution_context(), "status": data["status"], "reason": data["reason"]}

    @classmethod
    def execute_action(cls, objects, status="", reason="", **kwargs):
        self = kwargs["self"]
        self.skipped = [batch for batch in objects if not batch.is_active]
        codes = sum(batch.withdraw(status, reason) for batch in objects if batch.is_active)
        return len(objects) - len(self.skipped), codes

    def form_valid(self, form):
        response = super().form_valid(form)
        for batch in getattr(self, "skipped", []):
            messages.warning(
                self.request,
                _("Lot %(lot)s was already %(status)s and is unchanged.")
                % {"lot": batch.lot_number, "status": batch.get_status_display()},
            )
        return response

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d batch withdrawn; %(codes)d codes answer “withdrawn” from now on.",
            "%(count)d batches withdrawn; %(codes)d codes answer “withdrawn” from now on.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "codes": num_child_objects}
