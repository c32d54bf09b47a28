"""Site pages: the home page and generic content pages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from brands import services as brand_services
from core.i18n import (
    LocalizedPageMixin,
    default_locale_id,
    in_visitor_language,
    localize,
    route_with_fallback,
    source_pages,
    source_version,
)
from core.memo import memoized
from core.pages import public
from core.ratelimit import hit
from gi_registry import services
from gi_registry.trace import demo as trace_demo
from gi_registry.trace import signing

from .site_paths import is_site_path


class HomePage(LocalizedPageMixin, Page):
    """The site's root page: the five zi families, the registry's front doors and the scan explainer."""

    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # a translated home routes in its own tree, then falls back to the Chinese one
        return route_with_fallback(self, request, path_components, super().route)

    @staticmethod
    def listed_pages() -> dict:
        """The brands, brand index, family pages and announcements the home page links, in the
        visitor's language; the page objects are only read (shared by the requests of a version)."""
        family_pages = localize(
            source_pages(public(ProductFamilyPage.objects.live())).select_related("image"), related=("image",)
        )
        news_index = source_pages(public(AnnouncementIndexPage.objects.live())).first()
        return {
            "brands": localize(brand_services.public_brands()[:6], related=("logo",)),
            "brand_index": brand_services.brand_index(),
            "family_pages": {page.family_id: page for page in family_pages},
            "news_index": localize([news_index])[0] if news_index else None,
            "latest_announcements": localize(news_index.announcements()[:3]) if news_index else [],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(services.home_summary())
        # the pages the home lists, found once per content version and language (core/memo.py)
        pages = dict(memoized(("home-pages", self.pk, translation.get_language()), self.listed_pages))
        family_pages = pages.pop("family_pages")
        context.update(pages)
        # the tiles link each family's page (in the visitor's language where translated)
        context["families"] = list(context["families"])
        for family in context["families"]:
            family.family_page = family_pages.get(family.pk)
        # only while the demo data is loaded: one code per verdict to try (one query)
        context["demo_codes"] = [
            (verdict, code, signing.display(code)) for verdict, code in trace_demo.demo_codes().items()
        ]
        context["demo_codes"].sort(key=lambda item: trace_demo.VERDICT_ORDER.index(item[0]))
        return context


class ContentPage(LocalizedPageMixin, Page):
    """A plain page of text (about, how to apply for the GI special mark, …)."""

    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["website.HomePage", "website.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class ProductFamilyPage(LocalizedPageMixin, Page):
    """One page per product family (稻子, 柚子, 鸭子, 豆子, 笋子): its GIs, brands, producers and
    standards, gathered from the registry and the brand pages, never typed in."""

    family = models.ForeignKey(
        "gi_registry.ProductFamily", verbose_name=_("product family"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("product photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the page and on the home page's tile; wide pictures (3:2) fit best."),
    )
    image_alt = models.CharField(
        _("alt text"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it (required with a photo)."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("family"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Product photo")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("product family page")

    route_select_related = ("family", "image")  # read in one query with the page (core/routing.py)

    def share_image(self):
        """The picture a shared link shows: the family's photo."""
        return self.image

    def clean(self):
        # one page per family in each language (the English page is a translation of the Chinese
        # one); the locale lives on Page's table, so no database constraint can say it
        super().clean()
        others = ProductFamilyPage.objects.filter(family_id=self.family_id, locale_id=self.locale_id)
        if self.family_id and others.exclude(pk=self.pk).exists():
            raise ValidationError({"family": _("This product family already has a page in this language.")})
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Say what the photo shows (alt text).")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        slug = self.family.slug
        producers = services.filter_producers(family=slug)
        # Lazy, like the querysets beside them: the page's body is rendered once per content
        # version ({% memo %}), and only then are these read.
        context.update(
            gis=services.public_gis().filter(product_family=self.family_id).order_by("name"),
            brands=SimpleLazyObject(
                lambda: localize(brand_services.public_brands().filter(product_families=self.family_id))
            ),
            producers=producers.select_related("township")[:12],
            producer_count=SimpleLazyObject(producers.count),
            standards=services.filter_standards(family=slug),
        )
        return context


class AnnouncementIndexPage(LocalizedPageMixin, RoutablePageMixin, Page):
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
        """The announcements under the Chinese index (the source), newest first; ``localize`` the
        slice shown to replace each by its translation."""
        return public(AnnouncementPage.objects.child_of(source_version(self)).live()).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.announcements(), self.page_size)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = localize(page.object_list)
        context["announcements"] = page
        return context

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from .feeds import AnnouncementFeed

        return AnnouncementFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from .feeds import AnnouncementAtomFeed

        return AnnouncementAtomFeed(self)(request)


class AnnouncementPage(LocalizedPageMixin, Page):
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


# --- site settings: navigation and footer ------------------------------------------------------


class SiteLink(Orderable):
    """A link in the navigation or the footer: to a page (shown in the visitor's language where
    translated) or to a path on this site such as ``/gi/`` (given the visitor's language prefix)."""

    label = models.CharField(_("label (Chinese)"), max_length=40)
    label_en = models.CharField(_("label (English)"), max_length=60, blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link_path = models.CharField(
        _("path on this site"),
        max_length=200,
        blank=True,
        help_text=_("Instead of a page: a path on this site starting with “/”, e.g. /gi/ or /producers/."),
    )

    panels = [FieldPanel("label"), FieldPanel("label_en"), FieldPanel("link_page"), FieldPanel("link_path")]

    class Meta:
        abstract = True
        ordering = ["sort_order"]

    def clean(self):
        super().clean()
        if bool(self.link_page_id) == bool(self.link_path):
            raise ValidationError(_("Choose a page or give a path, not both and not neither."))
        if self.link_path and not is_site_path(self.link_path):
            raise ValidationError(
                {
                    "link_path": _(
                        "A path on this site starts with a single “/” and has no backslash, space or "
                        "control character (browsers would read such a path as another site's address)."
                    )
                }
            )

    def label_in(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label

    def url(self, page=None) -> str | None:
        """The link's address in the visitor's language; ``page``: its page already localized
        (``SiteSettings.links``). None for a path a browser would take off-site (a row saved before
        the rule, or without ``clean``): such a link is not shown."""
        if self.link_page_id:
            page = page or localize([self.link_page])[0]
            url = page.url or "/"
            return in_visitor_language(url) if page.locale_id == default_locale_id() else url
        if not is_site_path(self.link_path):
            return None
        url = in_visitor_language(self.link_path)
        return url if is_site_path(url) else None


@register_setting(icon="list-ul")
class SiteSettings(ClusterableModel, BaseSiteSetting):
    """What every public page shows around its content: the main navigation and the footer."""

    organisation = models.CharField(
        _("organisation (Chinese)"), max_length=120, default="重庆市梁平区市场监督管理局（知识产权局）"
    )
    organisation_en = models.CharField(
        _("organisation (English)"),
        max_length=160,
        blank=True,
        default="Liangping District Market Supervision Administration (IP Office), Chongqing",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    icp_number = models.CharField(
        _("ICP filing number"), max_length=60, blank=True, help_text=_("The site's ICP 备案号, shown in the footer.")
    )

    panels = [
        InlinePanel("navigation_links", heading=_("Main navigation"), label=_("link")),
        MultiFieldPanel(
            [
                FieldPanel("organisation"),
                FieldPanel("organisation_en"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("icp_number"),
                InlinePanel("footer_links", heading=_("Footer links"), label=_("link")),
            ],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("site navigation and footer")

    def links(self, relation: str) -> list[tuple[str, str]]:
        """(label, address) of the navigation or footer links, in the visitor's language; the
        linked pages looked up and localized together."""
        links = list(getattr(self, relation).all()) if self.pk else []
        pages = {p.pk: p for p in Page.objects.filter(pk__in=[x.link_page_id for x in links if x.link_page_id])}
        localized = dict(zip(pages, localize(pages.values()), strict=True)) if pages else {}
        language = translation.get_language()
        addresses = [(x.label_in(language), x.url(localized.get(x.link_page_id))) for x in links]
        return [(label, url) for label, url in addresses if url is not None]

    def organisation_in(self, language: str) -> str:
        return self.organisation_en if language == "en" and self.organisation_en else self.organisation


class NavigationLink(SiteLink):
    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="navigation_links")

    class Meta(SiteLink.Meta):
        verbose_name = _("navigation link")


class FooterLink(SiteLink):
    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="footer_links")

    class Meta(SiteLink.Meta):
        verbose_name = _("footer link")


# --- the contact page ----------------------------------------------------------------------------


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(LocalizedPageMixin, AbstractEmailForm):
    """A page with a form whose fields staff define; submissions are stored (and e-mailed when an
    address is set) and guarded against spam (``website.contact``)."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *AbstractEmailForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", heading=_("Form fields"), label=_("field")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldPanel("to_address"), FieldPanel("from_address"), FieldPanel("subject")],
            heading=_("E-mail a copy of each submission (optional)"),
        ),
    ]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("contact page")

    def get_form_class(self):
        from .contact import SpamGuardForm

        return type("ContactForm", (SpamGuardForm, super().get_form_class()), {})

    def process_form_submission(self, form):
        """Store the submission; the copy for staff is mailed by a background task once the
        submission is committed, so the visitor is thanked whatever the mail relay does. The task
        carries the submission's id only: the visitor's text is not copied into the task table."""
        from django.db import transaction

        from .contact import send_contact_copy

        submission = self.get_submission_class().objects.create(form_data=form.submission_data(), page=self)
        if self.to_address:
            transaction.on_commit(lambda: send_contact_copy.enqueue(submission.pk))
        return submission

    def render_submission_email(self, submission) -> str:
        """The mailed copy: the staff-defined fields as stored (never the honeypot, the signed
        start time or the CSRF token, which are not stored)."""
        data = submission.get_data()
        lines = []
        for field in self.get_form_fields():
            if field.clean_name in data:
                value = data[field.clean_name]
                lines.append(f"{field.label}: {', '.join(value) if isinstance(value, list) else value}")
        return "\n".join(lines)

    def render_form(self, request, form, status: int = 200, refusal: str = ""):
        """The page with ``form`` as sent (its errors and the visitor's text), or with a fresh form
        and ``refusal`` when what was sent could not be read at all."""
        context = {**self.get_context(request), "form": form, "refusal": refusal}
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def serve(self, request, *args, **kwargs):
        from .contact import logger

        if request.method == "POST":
            # Every attempt counts against the visitor's limit, refused ones included.
            decision = hit(request, "contact", settings.CONTACT_RATE_LIMIT, settings.CONTACT_RATE_WINDOW)
            if _content_length(request) > settings.CONTACT_MAX_BODY_BYTES:  # refused unread
                form = self.get_form(page=self, user=request.user)
                refusal = _("Your message is too long. Please shorten it and send it again.")
                response = self.render_form(request, form, status=413 if decision.allowed else 429, refusal=refusal)
                if not decision.allowed:
                    response["Retry-After"] = str(decision.retry_after)
                add_never_cache_headers(response)
                return response
            form = self.get_form(request.POST, page=self, user=request.user)
            if not decision.allowed:
                form.add_error(None, _("Too many messages from your network; please try again later."))
                response = self.render_form(request, form, status=429)
                response["Retry-After"] = str(decision.retry_after)
            elif form.is_honeypot_filled:  # a bot: answer as if sent, keep nothing
                logger.info("contact form: honeypot filled, submission dropped")
                response = self.render_landing_page(request)
            elif form.is_valid():
                response = self.render_landing_page(request, self.process_form_submission(form))
            else:
                response = self.render_form(request, form)
        else:
            response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)  # the form carries a per-visitor CSRF token and start time
        return response
