"""Brand pages (品牌): the district's regional public brands and enterprise brands.

A brand page sits under the one brand index page. Its licensed producers are not typed in: they
are the producers holding a valid registry authorisation for one of the brand's GIs (see
``BrandPage.licensed_producers``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.i18n import LocalizedPageMixin, localize, source_version
from core.pages import public
from gi_registry import services

from .blocks import BrandStoryBlock


class BrandIndexPage(LocalizedPageMixin, Page):
    """The list of brands (品牌), directly under the home page."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["brands.BrandPage"]
    max_count = 1

    class Meta:
        verbose_name = _("brand index page")

    def brands(self):
        """The brands in the visitor's language: the Chinese index's brands, each replaced by its
        translation where there is one."""
        brands = public(BrandPage.objects.child_of(source_version(self)).live())
        return localize(brands.select_related("logo").order_by("path"), related=("logo",))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["brands"] = self.brands()
        return context


class BrandPage(LocalizedPageMixin, Page):
    """One brand: its name (the page title), slogan, owner, logo, story, GIs and product families."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional public brand (区域公用品牌)")
        ENTERPRISE = "enterprise", _("Enterprise brand (企业品牌)")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGIONAL)
    slogan = models.CharField(_("slogan"), max_length=120, blank=True)
    # ``owner`` is taken: Page.owner is the Wagtail user who created the page.
    brand_owner = models.CharField(
        _("owner"), max_length=120, blank=True, help_text=_("Who holds the brand (an association, a company, …).")
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.TextField(_("intro"), max_length=500, blank=True)
    story = StreamField(BrandStoryBlock(), verbose_name=_("story"), blank=True)
    geographical_indications = ParentalManyToManyField(
        "gi_registry.GeographicalIndication",
        verbose_name=_("geographical indications"),
        blank=True,
        related_name="brand_pages",
    )
    product_families = ParentalManyToManyField(
        "gi_registry.ProductFamily", verbose_name=_("product families"), blank=True, related_name="brand_pages"
    )
    is_demo = models.BooleanField(
        _("demo content"), default=False, help_text=_("Invented for demonstration; the page says so.")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("slogan"),
                FieldPanel("brand_owner"),
                FieldPanel("logo"),
                FieldPanel("is_demo"),
            ],
            heading=_("Brand"),
        ),
        FieldPanel("intro"),
        FieldPanel("story"),
        MultiFieldPanel(
            [FieldPanel("geographical_indications"), FieldPanel("product_families")], heading=_("Products")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("slogan", boost=2),
        index.SearchField("brand_owner"),
        index.SearchField("intro"),
        index.SearchField("story"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["brands.BrandIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("brand page")

    route_select_related = ("logo",)  # read in one query with the page (core/routing.py)

    def share_image(self):
        """The picture a shared link shows: the logo, else the story's first image."""
        if self.logo_id:
            return self.logo
        for block in self.story:
            if block.block_type == "image":
                return block.value["image"]
            if block.block_type == "gallery" and block.value["images"]:
                return block.value["images"][0]["image"]
        return None

    def public_gis(self):
        """The brand's GIs the public may see (live), by name."""
        return self.geographical_indications.filter(live=True).select_related("product_family").order_by("name")

    def licensed_producers(self):
        """Producers licensed to use the brand: those holding an authorisation valid today for one
        of the brand's public GIs (the registry's rule, ``Authorisation.objects.valid_on``, through
        ``gi_registry.services.valid_authorisations``)."""
        gis = self.public_gis()
        # a preview's page (from a revision) has modelcluster's in-memory list, which has no values("pk")
        gis = gis.values("pk") if isinstance(gis, QuerySet) else [gi.pk for gi in gis]
        producer_ids = services.valid_authorisations().filter(geographical_indication__in=gis).values("producer_id")
        return services.public_producers().filter(pk__in=producer_ids).order_by("name")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        has_block = any(block.block_type == "licensed_producers" for block in self.story)
        context.update(
            gis=self.public_gis(),
            product_families=self.product_families.all(),
            has_producers_block=has_block,
            # the story's own "licensed producers" block lists them; otherwise the page ends with them
            licensed_producers=[] if has_block else self.licensed_producers().select_related("township"),
        )
        return context
