import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "lp"  # noqa: S105 (the secret's visible prefix, not a secret)


def digest(secret: str) -> str:
    """SHA-256 of a token's secret: a token is stored only as this digest (it is long and random,
    so no salt or slow hash is needed, and lookup stays one indexed read)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A machine's key to the EPCIS interface, held by one producer or one organisation.

    The secret (``lp_<key>_<secret>``) is shown once when the token is created and stored only as
    its SHA-256 digest; ``key`` (public, 8 characters) names the token in lists and logs. Scopes:
    ``can_capture`` (POST events for the holder's batches) and ``can_query`` (read the holder's
    events in full; without a token a query sees only what trace pages show).
    """

    class Scope(models.TextChoices):
        CAPTURE = "capture", _("Capture events")
        QUERY = "query", _("Query events")

    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, e.g. “packing line 2”."))
    organisation = models.ForeignKey(
        "interfaces.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("organisation"),
    )
    producer = models.ForeignKey(
        "gi_registry.Producer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("producer"),
    )
    can_capture = models.BooleanField(_("may capture events"), default=True)
    can_query = models.BooleanField(_("may query events"), default=True)
    key = models.CharField(_("key"), max_length=8, unique=True, editable=False)
    secret_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organisation__isnull=False, producer__isnull=True))
                | (models.Q(organisation__isnull=True, producer__isnull=False)),
                name="api_token_one_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def clean(self):
        if bool(self.organisation_id) == bool(self.producer_id):
            raise ValidationError(_("A token belongs to exactly one producer or one organisation."))

    @classmethod
    def issue(cls, **fields) -> tuple["ApiToken", str]:
        """Create a token; returns it and its full secret (``lp_<key>_<secret>``), shown only once."""
        key = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}_{key}_{secrets.token_urlsafe(32)}"
        token = cls(key=key, secret_digest=digest(secret), **fields)
        token.full_clean(exclude=["key", "secret_digest"])
        token.save()
        return token, secret

    @property
    def holder(self):
        return self.organisation or self.producer

    def has_scope(self, scope: str) -> bool:
        return {self.Scope.CAPTURE: self.can_capture, self.Scope.QUERY: self.can_query}.get(scope, False)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def producer_ids(self):
        """The producers whose batches this token speaks for: its producer, or the producers its
        organisation records for."""
        if self.producer_id:
            return [self.producer_id]
        if self.organisation_id and self.organisation.is_active:
            return list(self.organisation.producers.values_list("pk", flat=True))
        return []

    def batches(self):
        """The batches this token may capture events for and read in full."""
        from gi_registry.trace.models import Batch

        return Batch.objects.filter(producer_id__in=self.producer_ids())
