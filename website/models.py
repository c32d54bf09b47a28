"""Site pages: the home page and generic content pages."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The site's root page: the five zi families, the registry's front doors and the scan explainer."""

    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from brands import services as brand_services
        from gi_registry import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.home_summary())
        context.update(brands=brand_services.public_brands()[:6], brand_index=brand_services.brand_index())
        context["families"] = context["families"].select_related("page")  # tiles link the family's page
        news_index = AnnouncementIndexPage.objects.live().public().first()
        context.update(news_index=news_index, latest_announcements=news_index.announcements()[:3] if news_index else [])
        return context


class ContentPage(Page):
    """A plain page of text (about, how to apply for the GI special mark, …)."""

    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("content page")


class ContentVersion(models.Model):
    """A counter bumped whenever public content changes; part of every cached page's key."""

    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.counter)


class ProductFamilyPage(Page):
    """One page per product family (稻子, 柚子, 鸭子, 豆子, 笋子): its GIs, brands, producers and
    standards, gathered from the registry and the brand pages, never typed in (issue 5)."""

    family = models.OneToOneField(
        "gi_registry.ProductFamily", verbose_name=_("product family"), on_delete=models.PROTECT, related_name="page"
    )
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("family"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("product family page")

    def get_context(self, request, *args, **kwargs):
        from brands import services as brand_services
        from gi_registry import services

        context = super().get_context(request, *args, **kwargs)
        slug = self.family.slug
        producers = services.filter_producers(family=slug)
        context.update(
            gis=services.public_gis().filter(product_family=self.family_id).order_by("name"),
            brands=brand_services.public_brands().filter(product_families=self.family_id),
            producers=producers.select_related("township")[:12],
            producer_count=producers.count(),
            standards=services.filter_standards(family=slug),
        )
        return context


class AnnouncementIndexPage(RoutablePageMixin, Page):
    """Announcements and news (公告/新闻), newest first, paginated, with RSS and Atom feeds."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.AnnouncementPage"]
    max_count = 1
    page_size = 10

    class Meta:
        verbose_name = _("announcement index page")

    def announcements(self):
        return AnnouncementPage.objects.child_of(self).live().public().order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.announcements(), self.page_size)
        context["announcements"] = paginator.get_page(request.GET.get("page"))
        return context

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from .feeds import AnnouncementFeed

        return AnnouncementFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from .feeds import AnnouncementAtomFeed

        return AnnouncementAtomFeed(self)(request)


class AnnouncementPage(Page):
    """One announcement (公告) or news item (新闻)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Announcement (公告)")
        NEWS = "news", _("News (新闻)")

    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)
    is_demo = models.BooleanField(
        _("demo content"), default=False, help_text=_("Invented for demonstration; the page says so.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("is_demo"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["website.AnnouncementIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("announcement")
