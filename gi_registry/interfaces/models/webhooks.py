"""Webhook subscriptions (网络钩子订阅) of organisations, and the log of their deliveries.

A subscription names the kinds of registry change an organisation wants POSTed to its URL
(optionally only for one GI or one product family). Each change that matches becomes one
``Delivery``; each HTTP request for it is one ``DeliveryAttempt`` row, kept with the response.
The rules (signing, retries, pausing, the address guard) are in ``interfaces/webhooks.py``.
"""

import ipaddress
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .changes import RegistryChange

SECRET_PREFIX = "whsec_"  # noqa: S105 (the secret's visible prefix, not a secret)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def loopback_allowed() -> bool:
    """Requests to this machine or private networks: only in development or when a test allows it."""
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False) or settings.DEBUG)


def check_target_url(url: str) -> None:
    """The rule for a subscription's URL: https with a host name, or http/https to 127.0.0.1 where
    loopback is allowed (development, tests). A literal private or loopback address is refused
    otherwise; names are checked again when resolved, at each delivery (``webhooks.resolve``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(_("Enter a full web address beginning with https://."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(_("The address must not contain a user name or password."), code="userinfo")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    is_loopback = host in LOOPBACK_HOSTS or (address is not None and not address.is_global)
    if is_loopback and not loopback_allowed():
        raise ValidationError(
            _("Deliveries may not go to this machine or to a private network address."), code="private"
        )
    if parts.scheme != "https" and not (is_loopback and loopback_allowed()):
        raise ValidationError(_("Webhook addresses must use https://."), code="https")


class Subscription(models.Model):
    """An organisation's webhook: the registry POSTs the changes it chose to ``target_url``, signed
    with ``secret`` (shown to staff once when created, again only on an explicit reveal or rotate).
    After ``WEBHOOK_PAUSE_AFTER`` failed requests in a row it is paused; staff see why and resume it."""

    organisation = models.ForeignKey(
        "interfaces.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("organisation"),
    )
    target_url = models.URLField(
        _("target URL"),
        max_length=500,
        validators=[check_target_url],
        help_text=_("The https address the registry POSTs each change to."),
    )
    kinds = models.JSONField(_("kinds of change"), default=list)
    geographical_indication = models.ForeignKey(
        "gi_registry.GeographicalIndication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only this geographical indication"),
    )
    product_family = models.ForeignKey(
        "gi_registry.ProductFamily",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only this product family"),
    )
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True, editable=False)
    pause_reason = models.TextField(_("why it was paused"), blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["organisation__name", "target_url"]

    def __str__(self) -> str:
        return f"{self.organisation} → {urlsplit(self.target_url).hostname or self.target_url}"

    def clean(self):
        valid = set(RegistryChange.Kind.values)
        if not self.kinds or not set(self.kinds) <= valid:
            raise ValidationError({"kinds": _("Choose at least one kind of change.")})

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def matches(self, change: RegistryChange) -> bool:
        if change.kind not in self.kinds:
            return False
        if self.geographical_indication_id and change.geographical_indication_id != self.geographical_indication_id:
            return False
        return not (self.product_family_id and change.product_family_id != self.product_family_id)

    def kind_labels(self) -> str:
        labels = dict(RegistryChange.Kind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in self.kinds)

    kind_labels.short_description = _("Kinds of change")

    def state(self) -> str:
        if self.is_paused:
            return str(_("Paused"))
        return str(_("Active") if self.is_active else _("Off"))

    state.short_description = _("State")

    def rotate_secret(self) -> str:
        self.secret = new_secret()
        self.save(update_fields=["secret"])
        return self.secret

    def pause(self, reason: str) -> None:
        self.paused_at = timezone.now()
        self.pause_reason = reason
        self.save(update_fields=["paused_at", "pause_reason"])

    def resume(self) -> None:
        self.paused_at = None
        self.pause_reason = ""
        self.consecutive_failures = 0
        self.save(update_fields=["paused_at", "pause_reason", "consecutive_failures"])


class Delivery(models.Model):
    """One change sent (or to be sent) to one subscription. ``id`` is the ``Webhook-Id`` header:
    the same on every retry and replay, so a receiver can drop a delivery it already handled."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # waiting for its first attempt (or a replay)
        FAILED = "failed", _("Failed, will retry")  # the last attempt failed; next_attempt_at is set
        SUCCEEDED = "succeeded", _("Delivered")
        ABANDONED = "abandoned", _("Abandoned")  # no more attempts: retries used up or subscription paused

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    change = models.ForeignKey(
        RegistryChange, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("change")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_response = models.TextField(_("last response (start)"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "change"], name="webhook_delivery_once_per_change")
        ]

    def __str__(self) -> str:
        return f"{self.change.get_kind_display()} → {self.subscription.organisation}"

    def change_label(self) -> str:
        return f"{self.change.get_kind_display()}：{self.change.title}"

    change_label.short_description = _("change")


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery, with what came back (or why nothing did)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    number = models.PositiveIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("sent at"))
    timestamp = models.PositiveBigIntegerField(_("Webhook-Timestamp"))
    replay = models.BooleanField(_("replayed by staff"), default=False)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response (start)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
