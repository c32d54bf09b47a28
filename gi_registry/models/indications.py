"""Geographical indications (地理标志): the protected names of the registry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.search import index

from . import validity
from .base import RegistryRecord, revisions_relation, workflow_states_relation


def validate_protected_area_geojson(value) -> None:
    """A protected area is a GeoJSON Polygon or MultiPolygon (or a Feature holding one).

    Coordinates are [longitude, latitude] in WGS 84, and each ring is closed.
    """
    if value in (None, "", {}):
        return
    geometry = value.get("geometry", value) if isinstance(value, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("The protected area must be a GeoJSON Polygon or MultiPolygon."))
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    raise ValidationError(_("Each ring of the polygon must be closed (4+ points)."))
                for lon, lat in ring:
                    if not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
                        raise ValidationError(_("A coordinate is outside longitude/latitude range."))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The polygon's coordinates are not [longitude, latitude] pairs.")) from exc


class GeographicalIndication(RegistryRecord):
    """A protected name (地理标志) of one of the four kinds China recognises."""

    class Kind(models.TextChoices):
        PROTECTED_PRODUCT = "protected_product", _("GI-protected product (地理标志保护产品)")
        AGRICULTURAL = "agricultural", _("Agricultural-product GI (农产品地理标志)")
        CERTIFICATION_MARK = "certification_mark", _("GI certification mark (地理标志证明商标)")
        COLLECTIVE_MARK = "collective_mark", _("GI collective mark (地理标志集体商标)")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REGISTERED = "registered", _("Registered")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    MARK_KINDS = {Kind.CERTIFICATION_MARK, Kind.COLLECTIVE_MARK}
    DEFAULT_AUTHORITY = {
        Kind.PROTECTED_PRODUCT: "国家知识产权局",
        Kind.AGRICULTURAL: "农业农村部",
        Kind.CERTIFICATION_MARK: "国家知识产权局商标局",
        Kind.COLLECTIVE_MARK: "国家知识产权局商标局",
    }
    STATUS_TRANSITIONS = {
        Status.APPLIED: {Status.REGISTERED, Status.REVOKED},
        Status.REGISTERED: {Status.SUSPENDED, Status.REVOKED, Status.EXPIRED},
        Status.SUSPENDED: {Status.REGISTERED, Status.REVOKED, Status.EXPIRED},
        Status.EXPIRED: {Status.REGISTERED},  # a mark renewed after lapsing
        Status.REVOKED: set(),
    }

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("Certificate, announcement or trademark registration number."),
    )
    authority = models.CharField(_("authority"), max_length=100, blank=True)
    holder = models.CharField(_("holder"), max_length=150, blank=True, help_text=_("Usually an association."))
    product_family = models.ForeignKey(
        "gi_registry.ProductFamily",
        verbose_name=_("product family"),
        on_delete=models.PROTECT,
        related_name="geographical_indications",
    )
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    townships = ParentalManyToManyField(
        "gi_registry.Township",
        verbose_name=_("protected townships"),
        blank=True,
        related_name="geographical_indications",
    )
    protected_area = models.TextField(_("protected area"), blank=True, help_text=_("产地范围, as announced."))
    protected_area_geojson = models.JSONField(
        _("protected area polygon (GeoJSON)"),
        null=True,
        blank=True,
        validators=[validate_protected_area_geojson],
    )
    specification = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("quality and technical specification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    specification_number = models.CharField(_("specification number"), max_length=60, blank=True)
    nice_class = models.PositiveSmallIntegerField(_("Nice class"), null=True, blank=True)
    goods = models.TextField(_("goods"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    mark_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("mark image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)

    _revisions = revisions_relation("geographical_indication")
    workflow_states = workflow_states_relation("geographical_indication")

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("registration_number"),
        index.SearchField("holder"),
        index.SearchField("summary"),
        index.FilterField("kind"),
        index.FilterField("status"),
        index.FilterField("live"),
    ]

    search_names = ("name",)
    search_codes = ("registration_number", "specification_number")
    search_plain = ("name_en", "holder", "authority")
    admin_search_related = ("townships", "product_family")

    class Meta:
        ordering = ["name"]
        verbose_name = _("geographical indication")
        verbose_name_plural = _("geographical indications")

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    @property
    def is_mark(self) -> bool:
        return self.kind in self.MARK_KINDS

    def get_absolute_url(self) -> str:
        return reverse("gi_registry:gi_detail", kwargs={"slug": self.slug})

    def is_registered_on(self, day: datetime.date) -> bool:
        """Registered, and for a trademark inside its validity period, on ``day``
        (``validity.gi_registered_conditions``, part of the authorisation rule)."""
        return validity.holds(self, validity.gi_registered_conditions(day))

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.authority and self.kind:
            self.authority = self.DEFAULT_AUTHORITY.get(self.kind, "")
        if self.registration_date and self.registration_date > timezone.localdate():
            errors["registration_date"] = _("The registration date cannot be in the future.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity must come after its start.")
        if self.status == self.Status.REGISTERED:
            if not self.registration_number:
                errors["registration_number"] = _("A registered GI needs its registration number.")
            if not self.registration_date:
                errors["registration_date"] = _("A registered GI needs its registration date.")
        if self.kind in self.MARK_KINDS:
            if self.nice_class is None or not 1 <= self.nice_class <= 45:
                errors["nice_class"] = _("A GI trademark needs its Nice class (1–45).")
        elif self.nice_class is not None:
            errors["nice_class"] = _("Only trademarks (certification or collective marks) have a Nice class.")
        if errors:
            raise ValidationError(errors)
        self.check_status_transition()
