"""The admin's forms: a batch (its authorisation chosen among the user's own, with the quota left),
a trace event (no duplicate of an event already recorded), and the codes-and-labels page's forms
(issue codes, label options, withdraw or recall)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.permissions import policy_registry

from gi_registry.permissions import is_officer

from .. import labels
from ..issuance import MAX_CODES_PER_CALL, remaining_quota
from ..models import Batch, TraceEvent
from ..permissions import authorisations_for, batches_for
from .inspection import InspectionResultsField, InspectionResultsWidget


def known_items(user, standard_id=None, limit: int = 300) -> list[str]:
    """Items already tested in the batches this user can see (the standard's own first): the
    choices offered while typing an item, so the same item is spelt the same way."""
    batches = batches_for(user).exclude(inspection_results=[]).order_by("-pk")
    rows = list(batches.values_list("standard_id", "inspection_results")[:limit])
    rows.sort(key=lambda row: row[0] != standard_id)
    items: list[str] = []
    for _standard, results in rows:
        for result in results or []:
            item = result.get("item") if isinstance(result, dict) else None
            if item and item not in items:
                items.append(item)
    return items


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
            queryset = choices.distinct().order_by("number").select_related("producer", "geographical_indication")
            self.fields["authorisation"] = AuthorisationChoiceField(
                queryset=queryset,
                label=field.label,
                help_text=_("Only your authorisations valid today are offered; codes count against the quota shown."),
                widget=forms.Select(
                    attrs={"class": "authorisation-select", "style": "width:100%;max-width:100%;min-width:0"}
                ),
                error_messages={
                    "invalid_choice": _(
                        "This authorisation is not one you may use: choose one of your own that is valid today."
                    )
                },
            )
            if self.instance.pk is None and not self.is_bound:
                only = list(queryset[:2])
                if len(only) == 1:
                    self.initial["authorisation"] = only[0].pk
        if "photo" in self.fields:
            self.fields["photo"].widget = AdminImageChooser()
        if "inspection_report" in self.fields:
            self.fields["inspection_report"].widget = AdminDocumentChooser()
        for name in ("photo", "inspection_report"):
            if name in self.fields and self.for_user is not None:
                self.fields[name].queryset = self._choosable(name)
        if "inspection_results" in self.fields:
            old = self.fields["inspection_results"]
            user = self.for_user if self.for_user is not None and self.for_user.is_authenticated else None
            items = known_items(user, self.instance.standard_id) if user is not None else []
            self.fields["inspection_results"] = InspectionResultsField(
                label=old.label,
                required=False,
                widget=InspectionResultsWidget(items=items),
                help_text=_("One row per item tested; empty rows are ignored. Save to get more empty rows."),
            )

    def _choosable(self, name: str):
        """The images or documents the user may choose (a producer: its own collection's), and
        the one already set: another producer's photo id typed into the post is refused."""
        field = self.fields[name]
        policy = policy_registry.get_by_type(field.queryset.model)
        choosable = policy.instances_user_has_any_permission_for(self.for_user, ["choose"])
        current = getattr(self.instance, f"{name}_id", None)
        return (choosable | field.queryset.model.objects.filter(pk=current)) if current else choosable

    def full_clean(self):
        super().full_clean()
        # A refused photo or report is not shown again: the chooser widget would look the posted
        # id up and print that (other producer's) image's title beside the error.
        refused = [name for name in ("photo", "inspection_report") if self.is_bound and name in self._errors]
        if refused:
            self.data = self.data.copy()
            for name in refused:
                self.data[self.add_prefix(name)] = ""

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


LAYOUT_LABELS = {
    "3x8": gettext_lazy("3×8, 70×37 mm, 24 a sheet"),
    "4x10": gettext_lazy("4×10, 52.5×29.7 mm, 40 a sheet"),
}


class LabelOptionsForm(forms.Form):
    """How the labels are printed; the same values as the download links' ``?layout=`` and ``?ec=``."""

    layout = forms.ChoiceField(
        label=gettext_lazy("Label layout"),
        choices=[(key, LAYOUT_LABELS.get(key, key)) for key in labels.LAYOUTS],
        required=False,
        initial="3x8",
        widget=forms.Select(attrs={"style": "width:100%;max-width:100%;min-width:0"}),
    )
    ec = forms.ChoiceField(
        label=gettext_lazy("QR error correction"),
        choices=[
            ("L", gettext_lazy("L (7%): smallest symbol")),
            ("M", gettext_lazy("M (15%): the usual choice")),
            ("Q", gettext_lazy("Q (25%): packaging that gets scuffed")),
            ("H", gettext_lazy("H (30%): rough handling, outdoor crates")),
        ],
        required=False,
        initial="M",
        widget=forms.Select(attrs={"style": "width:100%;max-width:100%;min-width:0"}),
        help_text=gettext_lazy("Q: choose it when the packaging wears easily. A higher level makes the symbol denser."),
    )
    run = forms.CharField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[(Batch.Status.WITHDRAWN, gettext_lazy("Withdraw")), (Batch.Status.RECALLED, gettext_lazy("Recall"))],
    )
    reason = forms.CharField(label=gettext_lazy("Reason (shown to consumers)"), max_length=200)
