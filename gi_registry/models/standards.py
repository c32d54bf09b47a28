"""Standards (标准): national, industry, local, group and enterprise standards producers follow."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.search import index

from ..validators import normalise_standard_code, validate_standard_code
from .base import RegistryRecord, revisions_relation, workflow_states_relation


def standard_slug(code: str) -> str:
    """``DB50/T 1000-2020`` → ``db50t-1000-2020``: stable, readable, URL-safe."""
    return slugify(code.replace("/", "").replace(".", "-"))


class Standard(RegistryRecord):
    """A standard: its code (e.g. DB50/T 1000-2020), level, status and what replaced it."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National (GB)")
        INDUSTRY = "industry", _("Industry (e.g. NY/T)")
        LOCAL = "local", _("Local (DB50/T)")
        GROUP = "group", _("Group (T/)")
        ENTERPRISE = "enterprise", _("Enterprise (Q/)")

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    STATUS_TRANSITIONS = {
        Status.CURRENT: {Status.SUPERSEDED, Status.WITHDRAWN},
        Status.SUPERSEDED: {Status.CURRENT, Status.WITHDRAWN},  # CURRENT: a replacement annulled
        Status.WITHDRAWN: set(),
    }

    code = models.CharField(_("code"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=250, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CURRENT)
    issuing_body = models.CharField(_("issuing body"), max_length=150, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    geographical_indications = ParentalManyToManyField(
        "gi_registry.GeographicalIndication",
        verbose_name=_("geographical indications"),
        blank=True,
        related_name="standards",
    )
    product_families = ParentalManyToManyField(
        "gi_registry.ProductFamily", verbose_name=_("product families"), blank=True, related_name="standards"
    )
    scope = models.TextField(_("scope"), blank=True)
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    _revisions = revisions_relation("standard")
    workflow_states = workflow_states_relation("standard")

    search_fields = [
        index.SearchField("code", boost=3),
        index.AutocompleteField("code"),
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("scope"),
        index.FilterField("level"),
        index.FilterField("status"),
        index.FilterField("live"),
    ]

    search_names = ("title",)
    search_codes = ("code",)
    search_plain = ("title_en", "issuing_body")
    admin_search_related = ("geographical_indications",)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("standard")
        indexes = [models.Index(fields=["live", "level", "code"], name="standard_live_level_code")]
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def revisions(self):
        return self._revisions

    def get_absolute_url(self) -> str:
        return reverse("gi_registry:standard_detail", kwargs={"slug": self.slug})

    def superseded_chain(self, limit: int = 20) -> list["Standard"]:
        """The standards that replaced this one, newest last (follows ``replaced_by``)."""
        chain, seen, current = [], {self.pk}, self.replaced_by
        while current is not None and current.pk not in seen and len(chain) < limit:
            chain.append(current)
            seen.add(current.pk)
            current = current.replaced_by
        return chain

    def clean(self) -> None:
        self.code = normalise_standard_code(self.code)
        super().clean()
        errors = {}
        try:
            validate_standard_code(self.code, self.level)
        except ValidationError as exc:
            errors["code"] = exc.messages
        if self.issued_on and self.implemented_on and self.implemented_on < self.issued_on:
            errors["implemented_on"] = _("A standard is implemented on or after the day it is issued.")
        if self.replaced_by_id:
            if self.pk and self.replaced_by_id == self.pk:
                errors["replaced_by"] = _("A standard cannot replace itself.")
            elif self.pk and self._replacement_leads_back():
                errors["replaced_by"] = _("This would make the “replaced by” chain go round in a circle.")
            if self.status == self.Status.CURRENT:
                errors["status"] = _("A standard that has been replaced is superseded, not current.")
        if errors:
            raise ValidationError(errors)
        self.check_status_transition()

    def _replacement_leads_back(self) -> bool:
        """Walk ``replaced_by`` from the chosen replacement; reaching ``self`` means a cycle."""
        seen, current = set(), self.replaced_by_id
        while current is not None and current not in seen:
            if current == self.pk:
                return True
            seen.add(current)
            current = Standard.objects.filter(pk=current).values_list("replaced_by_id", flat=True).first()
        return False

    def save(self, *args, **kwargs):
        self.code = normalise_standard_code(self.code)
        self.slug = standard_slug(self.code)
        super().save(*args, **kwargs)
