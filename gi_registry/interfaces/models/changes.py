import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryChange(models.Model):
    """One public change of the registry, as feeds and webhooks tell it: stored once, never edited.

    ``id`` is the change's stable id (feed entry id, webhook event id). ``dedupe_key`` keeps one
    happening from being recorded twice (e.g. ``authorisation.expired:<pk>:<valid_until>``).
    ``payload`` holds only what the public pages already show; never a draft.
    """

    class Kind(models.TextChoices):
        GI_REGISTERED = "gi.registered", _("GI registered")
        GI_CHANGED = "gi.changed", _("GI changed")
        GI_SUSPENDED = "gi.suspended", _("GI suspended")
        AUTHORISATION_GRANTED = "authorisation.granted", _("Authorisation granted")
        AUTHORISATION_EXPIRED = "authorisation.expired", _("Authorisation expired")
        AUTHORISATION_REVOKED = "authorisation.revoked", _("Authorisation revoked")
        STANDARD_ISSUED = "standard.issued", _("Standard issued")
        STANDARD_SUPERSEDED = "standard.superseded", _("Standard superseded")
        BATCH_WITHDRAWN = "batch.withdrawn", _("Batch withdrawn")
        BATCH_RECALLED = "batch.recalled", _("Batch recalled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    subject_type = models.CharField(_("subject type"), max_length=60)  # app_label.model
    subject_id = models.CharField(_("subject id"), max_length=64)
    title = models.CharField(_("title"), max_length=300)  # Chinese, as the public pages
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    url = models.CharField(_("public URL path"), max_length=300, blank=True)
    geographical_indication = models.ForeignKey(
        "gi_registry.GeographicalIndication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registry_changes",
        verbose_name=_("geographical indication"),
    )
    product_family = models.ForeignKey(
        "gi_registry.ProductFamily",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registry_changes",
        verbose_name=_("product family"),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("registry change")
        verbose_name_plural = _("registry changes")
        ordering = ["-occurred_at", "-recorded_at"]
        indexes = [models.Index(fields=["kind", "-occurred_at"], name="change_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"
