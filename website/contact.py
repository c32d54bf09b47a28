"""The contact page's form: what staff configure plus three guards against spam.

- A honeypot: a field people never see (hidden by CSS and from screen readers) that form-filling
  bots do fill. Such a submission is answered as if it had been sent, and is not stored.
- A signed start time: the form carries the moment it was shown, signed with the site's key. A
  submission sent less than ``CONTACT_MIN_SECONDS`` after that, or with a missing, forged or
  day-old time, is refused with a message; the visitor's text stays in the form.
- A rate limit per client address (``CONTACT_RATE_LIMIT`` submissions per ``CONTACT_RATE_WINDOW``
  seconds); over it the form comes back with status 429 and the text kept.

Messages with more than ``MAX_LINKS`` web links are refused as well.
"""

from __future__ import annotations

import logging
import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HONEYPOT = "homepage"
STARTED = "started"
MAX_LINKS = 2
MAX_AGE = 24 * 3600
_SALT = "website.contact.started"
_LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


def sign_start(now: float | None = None) -> str:
    return signing.dumps(round(now if now is not None else time.time(), 3), salt=_SALT, compress=False)


class SpamGuardForm(forms.Form):
    """Mixed into the form Wagtail builds from the page's fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STARTED] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial[STARTED] = sign_start()

    @property
    def is_honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def clean(self):
        cleaned = super().clean()
        try:
            age = time.time() - float(signing.loads(self.data.get(STARTED, ""), salt=_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            self._restart()
            raise forms.ValidationError(
                _("This form could not be checked. Please send it again."), code="bad_start"
            ) from None
        if age > MAX_AGE:
            self._restart()
            raise forms.ValidationError(
                _("This form was opened too long ago. Please check your message and send it again."), code="expired"
            )
        if age < settings.CONTACT_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please check your message and send it again."), code="too_fast"
            )
        links = sum(len(_LINK_RE.findall(str(value))) for value in cleaned.values() if isinstance(value, str))
        if links > MAX_LINKS:
            raise forms.ValidationError(_("Please include at most %(n)d web links.") % {"n": MAX_LINKS}, code="links")
        return cleaned

    def _restart(self) -> None:
        """The form shown again gets a fresh start time, so sending it once more can succeed."""
        self.data = self.data.copy()
        self.data[STARTED] = sign_start()

    def submission_data(self) -> dict:
        """What is stored: the staff-defined fields only."""
        return {k: v for k, v in self.cleaned_data.items() if k not in (HONEYPOT, STARTED)}
