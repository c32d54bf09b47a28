from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A packing house, logistics firm, e-commerce platform or other registry that talks to the
    registry by machine: it holds API tokens and webhook subscriptions.

    ``producers`` are the producers that let it record events on their batches (a packing house
    packs for several cooperatives); an organisation's capture token may write to those batches only.
    """

    class Kind(models.TextChoices):
        PACKING_HOUSE = "packing", _("Packing house")
        LOGISTICS = "logistics", _("Logistics firm")
        PLATFORM = "platform", _("E-commerce platform")
        REGISTRY = "registry", _("Other registry")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    producers = models.ManyToManyField(
        "gi_registry.Producer",
        blank=True,
        related_name="interface_organisations",
        verbose_name=_("producers it records for"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
