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
