"""Producers (生产主体): the businesses that grow, make or sell GI products."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.models import Orderable
from wagtail.search import index

from ..validators import normalise_credit_code, validate_credit_code
from .base import RegistryRecord, revisions_relation, workflow_states_relation


class Producer(RegistryRecord):
    """An enterprise, cooperative, family farm or individual business, keyed by its credit code."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise (企业)")
        COOPERATIVE = "cooperative", _("Cooperative (专业合作社)")
        FAMILY_FARM = "family_farm", _("Family farm (家庭农场)")
        INDIVIDUAL = "individual", _("Individual business (个体工商户)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    STATUS_TRANSITIONS = {
        Status.ACTIVE: {Status.SUSPENDED, Status.CLOSED},
        Status.SUSPENDED: {Status.ACTIVE, Status.CLOSED},
        Status.CLOSED: set(),
    }

    name = models.CharField(_("name"), max_length=150)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("统一社会信用代码, 18 characters (GB 32100-2015)."),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    township = models.ForeignKey(
        "gi_registry.Township", verbose_name=_("township"), on_delete=models.PROTECT, related_name="producers"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    product_families = ParentalManyToManyField(
        "gi_registry.ProductFamily", verbose_name=_("product families"), blank=True, related_name="producers"
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_public = models.BooleanField(
        _("publish contact"), default=False, help_text=_("Show the contact person and phone on the public site.")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    genuine_box = models.TextField(
        _("how to recognise the genuine box"),
        blank=True,
        help_text=_(
            "What a buyer can check on your package and label: the mark, the printed code, the seal, "
            "the box's colours and print. Shown on your public page and on the pages of your GIs."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    accounts = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("producer accounts"),
        blank=True,
        related_name="producers",
        help_text=_("Users who may edit this producer's record and, later, its batches."),
    )

    _revisions = revisions_relation("producer")
    workflow_states = workflow_states_relation("producer")

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("credit_code"),
        index.SearchField("address"),
        index.FilterField("kind"),
        index.FilterField("status"),
        index.FilterField("township_id"),
        index.FilterField("live"),
    ]

    search_names = ("name",)
    search_codes = ("credit_code",)
    search_plain = ("address", "contact_person")
    admin_search_related = ("township",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("producer")
        indexes = [models.Index(fields=["live", "name"], name="producer_live_name")]
        verbose_name_plural = _("producers")

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def get_absolute_url(self) -> str:
        return reverse("gi_registry:producer_detail", kwargs={"credit_code": self.credit_code})

    def clean(self) -> None:
        self.credit_code = normalise_credit_code(self.credit_code)
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
        self.check_status_transition()


class ProducerPhoto(Orderable):
    """A photo on a producer's public profile (公开介绍): its genuine package or the mark as printed
    on it, to show buyers how to recognise the genuine box.

    A child of the producer record (``ParentalKey``), so it is kept in the producer's revisions and
    goes live only when the producer's edit is published (through the registry's moderation); the
    public pages read the rows, which hold the live version only. The image must be in the
    producer's own collection (``ProducerForm`` refuses any other).
    """

    class Kind(models.TextChoices):
        PACKAGE = "package", _("Genuine package")
        MARK = "mark", _("Mark on the package")

    producer = ParentalKey(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="profile_photos"
    )
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("shows"), max_length=10, choices=Kind.choices, default=Kind.PACKAGE)
    caption = models.CharField(_("caption"), max_length=120, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("profile photo")
        verbose_name_plural = _("profile photos")

    def __str__(self) -> str:
        return self.caption or str(self.image)


class ProducerCollection(models.Model):
    """A producer's own collection of images and documents (package photos, inspection reports)
    and the group whose members (the producer's accounts) may add, change, delete and choose in it.

    Kept apart from ``Producer`` so that publishing an old revision of a producer never unlinks
    them; made and kept in step by ``gi_registry.media_collections`` when accounts are linked.
    """

    producer = models.OneToOneField(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="media_collection"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", verbose_name=_("collection"), on_delete=models.CASCADE, related_name="+"
    )
    group = models.OneToOneField("auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("producer's media collection")
        verbose_name_plural = _("producers' media collections")

    def __str__(self) -> str:
        return str(self.collection)
