"""Admin forms of registry records that need more than Wagtail's generated form."""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models.authorisations import predicted_authorisation_number


class AuthorisationForm(WagtailAdminModelForm):
    """On an add form the number may stay empty: the field shows the number the record would get
    if saved now (``predicted_authorisation_number``); the number itself is given on save, under
    the year's counter lock, so two officers adding at once never get the same one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("number")
        if field is None:
            return
        if self.instance.pk:
            field.required = True
            field.help_text = _("LPGI-<year>-<five digits>, e.g. LPGI-2026-00012.")
            return
        predicted = predicted_authorisation_number()
        field.widget.attrs["placeholder"] = predicted
        field.widget.attrs["data-predicted-number"] = predicted
        field.help_text = _(
            "Will be assigned the number %(number)s on save (the next free one if someone saves first). "
            "Leave it empty, or type a number of the form LPGI-<year>-<five digits>."
        ) % {"number": predicted}


class ProducerForm(WagtailAdminModelForm):
    """The producer record, with its public profile (公开介绍): the profile's photos must come from
    the producer's own collection (``media_collections``), whoever edits it, so a producer account
    cannot put another producer's photo (an id typed into the post) on its page, and an officer is
    told where the producer's photos are. A refused photo is not shown again: the chooser widget
    would look the posted id up and print that image's title beside the error."""

    PHOTOS = "profile_photos"

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get(self.PHOTOS) if hasattr(self, "formsets") else None
        if formset is None:
            return cleaned
        formset.is_valid()  # clean the photos first (the parent form is cleaned before its formsets)
        from .models import ProducerCollection

        collection_id = (
            ProducerCollection.objects.filter(producer_id=self.instance.pk)
            .values_list("collection_id", flat=True)
            .first()
            if self.instance.pk
            else None
        )
        for form in formset.forms:
            image = getattr(form, "cleaned_data", {}).get("image")
            if image is None or form.cleaned_data.get("DELETE"):
                continue
            if collection_id is None or image.collection_id != collection_id:
                form.add_error(
                    "image",
                    _(
                        "Choose a photo from this producer's own collection (生产主体照片 › %(name)s); "
                        "upload it there first."
                    )
                    % {"name": self.instance.name or "…"},
                )
                form.data = form.data.copy()
                form.data[form.add_prefix("image")] = ""
        return cleaned
