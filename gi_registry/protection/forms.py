"""The consumer's report form: a plain Django form (CSRF, multipart POST, no JavaScript needed).

Rules besides the fields' own: where it was bought must name a shop or market, a place or an
online shop; a phone number only with the consent to be contacted; the data-processing consent
is required and its text is stored with the report; the description is capped at
``PROTECTION_REPORT_MAX_TEXT_CHARS`` characters and ``PROTECTION_REPORT_MAX_LINKS`` web links;
at most three photos, each checked and cleaned by ``uploads.clean_photo`` (a refused photo is an
error on the photos field, and the message says the files must be chosen again).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .intake import ReportDetails
from .models import Report
from .uploads import MAX_PHOTOS, CleanPhoto, PhotoRefused, clean_photo

_LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)

CONSENT_TEXT = _(
    "I agree that the Liangping market-supervision administration stores this report, its photos and "
    "what the registry knows about the code to handle the case, and erases my phone number and photos "
    "after the case is closed."
)
CONTACT_TEXT = _("You may call me about this report.")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` image files, each cleaned (``uploads.clean_photo``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/*,.heic,.heif", "data-shrink": "1600"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            return []
        again = gettext("Please choose the photos again.")
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                gettext("Please send at most %(n)d photos.") % {"n": MAX_PHOTOS} + " " + again, code="too_many"
            )
        cleaned: list[CleanPhoto] = []
        for upload in files:
            try:
                cleaned.append(clean_photo(upload))
            except PhotoRefused as refusal:
                raise forms.ValidationError(f"{refusal} {again}", code="photo") from None
        return cleaned


class ReportForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed under the QR symbol"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    where_bought = forms.ChoiceField(
        label=_("Where did you buy it?"),
        choices=Report.WhereBought.choices,
        widget=forms.RadioSelect,
        initial=Report.WhereBought.SHOP,
    )
    shop_name = forms.CharField(label=_("Shop or market name"), required=False, max_length=100)
    place = forms.CharField(
        label=_("Township or city"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 梁平区双桂街道 or 重庆市")}),
    )
    online_url = forms.URLField(
        label=_("Online shop link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    platform = forms.CharField(
        label=_("Platform"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 淘宝, 拼多多, 抖音")}),
    )
    bought_on = forms.DateField(
        label=_("When did you buy it?"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    price_paid = forms.DecimalField(
        label=_("Price paid (yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    problems = forms.MultipleChoiceField(
        label=_("What is wrong?"),
        choices=Report.Problem.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please tick at least one thing that is wrong.")},
    )
    description = forms.CharField(label=_("Tell us more"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(
        label=_("Photos (up to 3)"),
        required=False,
        help_text=_("The label, the code and the box. Location data is removed from the photos."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=20,
        validators=[RegexValidator(r"^\+?[0-9][0-9 \-]{5,18}$", _("Enter a phone number of digits only."))],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_consent = forms.BooleanField(label=CONTACT_TEXT, required=False)
    data_consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Please agree to the processing of your report, or it cannot be sent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.PROTECTION_REPORT_MAX_TEXT_CHARS
        description = self.fields["description"]
        description.max_length = cap
        description.validators.append(MaxLengthValidator(cap))
        description.widget.attrs["maxlength"] = str(cap)

    def clean_bought_on(self):
        day = self.cleaned_data.get("bought_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The day you bought it cannot be in the future."), code="future")
        if day and day < timezone.localdate() - datetime.timedelta(days=3 * 365):
            raise forms.ValidationError(_("Please give a day within the last three years."), code="too_old")
        return day

    def clean_description(self):
        text = self.cleaned_data.get("description", "")
        cap = settings.PROTECTION_REPORT_MAX_LINKS
        if len(_LINK_RE.findall(text)) > cap:
            raise forms.ValidationError(
                gettext("Please include at most %(n)d web links in the text.") % {"n": cap}, code="links"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        where = cleaned.get("where_bought")
        if where == Report.WhereBought.ONLINE:
            if not cleaned.get("online_url") and not cleaned.get("shop_name"):
                self.add_error(
                    "online_url", _("Give the online shop's link, or its name and platform, so it can be found.")
                )
        elif where and not cleaned.get("shop_name") and not cleaned.get("place"):
            self.add_error("shop_name", _("Give the shop or market's name, or at least the township or city."))
        if cleaned.get("phone") and not cleaned.get("contact_consent"):
            self.add_error("contact_consent", _("Tick this box if we may call you, or leave the phone empty."))
        return cleaned

    def details(self) -> ReportDetails:
        data = self.cleaned_data
        return ReportDetails(
            code=data.get("code", ""),
            where_bought=data["where_bought"],
            shop_name=data.get("shop_name", ""),
            place=data.get("place", ""),
            online_url=data.get("online_url", ""),
            platform=data.get("platform", ""),
            bought_on=data.get("bought_on"),
            price_paid=data.get("price_paid"),
            problems=list(data.get("problems", [])),
            description=data.get("description", ""),
            phone=data.get("phone", ""),
            contact_consent=bool(data.get("contact_consent")),
            consent_text=str(CONSENT_TEXT) + ("\n" + str(CONTACT_TEXT) if data.get("contact_consent") else ""),
            language=get_language() or "",
        )
