"""The contact page's form: what staff configure plus three guards against spam.

- A honeypot: a field people never see (hidden by CSS and from screen readers) that form-filling
  bots do fill. Such a submission is answered as if it had been sent, and is not stored.
- A signed start time: the form carries the moment it was shown, signed with the site's key. A
  submission sent less than ``CONTACT_MIN_SECONDS`` after that, or with a missing, forged or
  day-old time, is refused with a message; the visitor's text stays in the form.
- A signed start time is good for one message: a replay of the same token is refused (the used
  tokens are kept in the cache for the token's lifetime).
- A rate limit per client address (``CONTACT_RATE_LIMIT`` attempts per ``CONTACT_RATE_WINDOW``
  seconds); every attempt counts, refused ones too (honeypot, too fast, replayed, too large);
  over it the form comes back with status 429 and the text kept.

Messages with more than ``MAX_LINKS`` web links are refused as well, every text field is capped at
``CONTACT_MAX_FIELD_CHARS`` characters and the whole request at ``CONTACT_MAX_BODY_BYTES``.

The copy mailed to staff is sent after the response by a background task (``send_contact_copy``),
so a slow or broken mail relay never costs the visitor their message.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

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
        self.fields[STARTED] = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
        cap = settings.CONTACT_MAX_FIELD_CHARS
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and (field.max_length is None or field.max_length > cap):
                field.max_length = cap
                field.validators.append(MaxLengthValidator(cap))
                field.widget.attrs["maxlength"] = str(cap)
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
        token = self.data.get(STARTED, "")
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
        if not self._errors and not _use_once(token):
            self._restart()
            raise forms.ValidationError(
                _("This message has already been sent. To send another, check your text and send it again."),
                code="replayed",
            )
        return cleaned

    def _restart(self) -> None:
        """The form shown again gets a fresh start time, so sending it once more can succeed."""
        self.data = self.data.copy()
        self.data[STARTED] = sign_start()

    def submission_data(self) -> dict:
        """What is stored: the staff-defined fields only."""
        return {k: v for k, v in self.cleaned_data.items() if k not in (HONEYPOT, STARTED)}


def _use_once(token: str) -> bool:
    """Mark a signed start time used; False if it already was (a replay). The mark lives as long
    as the token is accepted at all. A cache outage lets the message through, like the rate limit."""
    key = "contact-started:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    try:
        return bool(cache.add(key, 1, timeout=MAX_AGE + 60))
    except Exception:
        logger.warning("contact form: cache unavailable, replay check skipped", exc_info=True)
        return True


@task(backend="background")
def send_contact_copy(submission_id: int, attempt: int = 1) -> None:
    """Mail staff the copy of a stored contact message (run by ``manage.py db_worker``). A
    failure is logged and leaves this result failed (visible in the task results); on a backend
    that can defer, it is tried again later, up to ``CONTACT_MAIL_ATTEMPTS`` times in all."""
    from wagtail.admin.mail import send_mail
    from wagtail.contrib.forms.models import FormSubmission

    submission = FormSubmission.objects.filter(pk=submission_id).select_related("page").first()
    if submission is None:  # deleted by staff before it was mailed
        return
    page = submission.page.specific
    addresses = [a.strip() for a in page.to_address.split(",") if a.strip()]
    if not addresses:
        return
    try:
        send_mail(page.subject, page.render_submission_email(submission), addresses, page.from_address)
    except Exception:
        attempts = settings.CONTACT_MAIL_ATTEMPTS
        retry = attempt < attempts and send_contact_copy.get_backend().supports_defer
        logger.exception(
            "contact form: mailing the copy of submission %s to %s failed (attempt %d of %d)%s",
            submission_id,
            ", ".join(addresses),
            attempt,
            attempts,
            "; trying again later" if retry else "",
        )
        if retry:
            send_contact_copy.using(run_after=timezone.now() + timedelta(minutes=5 * attempt)).enqueue(
                submission_id, attempt=attempt + 1
            )
        raise
