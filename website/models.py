"""Site pages: the home page and generic content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
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
        from gi_registry import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.home_summary())
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
