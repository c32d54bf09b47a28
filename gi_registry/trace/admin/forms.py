"""The admin's forms: a batch (its authorisation chosen among the user's own, with the quota left),
a trace event (no duplicate of an event already recorded), and the codes-and-labels page's forms
(issue codes, label options, withdraw or recall)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from gi_registry.permissions import is_officer

from .. import labels
from ..issuance import MAX_CODES_PER_CALL, remaining_quota
from ..models import Batch, TraceEvent
from ..permissions import authorisations_for, batches_for


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
            if not is_officer(self.for_user) or self.instance.pk is None:
                choices = choices.valid_on()  # the registry's one rule: what issuance will accept today
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
