"""Template helpers for the public site."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, gettext, override
from wagtail.models import Page, Site

from core.i18n import live_translation
from core.memo import memoized
from core.origin import absolute_url
from core.routing import site_for_request
from website.models import SiteSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """Plain links to this page in the other languages (``/en/…``): no form, no cookie, no JS.

    A Wagtail page links to its live translation's own address (a translator may give it another
    slug); any other view, or a page without a translation, to the same path in that language."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current or request is None:
            continue
        url = None
        if isinstance(page, Page):
            site = site_for_request(request)
            key = ("translation-url", page.pk, code, site.pk if site else None)
            url = memoized(key, lambda page=page, code=code: _translation_url(page, code, request))
        if url is None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": get_language_info(code)["name_local"], "url": url})
    return links


def _translation_url(page: Page, code: str, request) -> str | None:
    """The address of ``page``'s live translation in ``code``, if it has one of its own."""
    translation = live_translation(page, code)
    if translation is None or translation.pk == page.pk:
        return None
    with override(code):
        return translation.get_url(request)


def _default_navigation() -> list[tuple[str, str]]:
    """The main navigation before staff have set one (site settings › navigation and footer)."""
    return [
        (gettext("Geographical indications"), reverse("gi_registry:gi_index")),
        (gettext("Producers"), reverse("gi_registry:producer_directory")),
        (gettext("Standards"), reverse("gi_registry:standard_library")),
        (gettext("Search"), reverse("search:search")),
    ]


def _chrome(site: Site | None, language: str) -> dict:
    """The navigation, footer and site settings of ``site`` in ``language``, as plain data."""
    # not SiteSettings.for_request: that creates the row on first sight, and a write from a page
    # view would make every cached page stale
    site_settings = SiteSettings.objects.filter(site=site).first() or SiteSettings(site=site)
    return {
        "navigation": site_settings.links("navigation_links") or _default_navigation(),
        "footer_links": [{"label": label, "url": url} for label, url in site_settings.links("footer_links")],
        "organisation": site_settings.organisation_in(language),
        "settings": {name: getattr(site_settings, name) for name in ("address", "phone", "email", "icp_number")},
    }


@register.simple_tag(takes_context=True)
def site_chrome(context) -> dict:
    """The navigation and footer from the site settings, in the visitor's language; the current
    page's link is marked (``aria-current``). Read once per content version (core/memo.py): every
    edit of the settings, their links or a page bumps it."""
    request = context.get("request")
    language = get_language()
    site = site_for_request(request) if request is not None else None
    chrome = memoized(("site-chrome", site.pk if site else None, language), lambda: _chrome(site, language))
    here = request.path if request is not None else ""
    navigation = [{"label": label, "url": url, "current": url == here} for label, url in chrome["navigation"]]
    return {**chrome, "navigation": navigation}


@register.filter(name="absolute")
def absolute(url: str) -> str:
    """An address on this site as an absolute URL on the configured site origin (never the
    request's Host): ``{{ request.path|absolute }}``."""
    return absolute_url(str(url or ""))


SHARE_IMAGE = "img/share.png"  # 1200×630, for WeChat, Weibo and OpenGraph link previews


@register.simple_tag(takes_context=True)
def share_meta(context) -> dict:
    """What a shared link shows (OpenGraph, and the ``itemprop`` tags WeChat reads): the page's
    title, description, address and image — a page's own ``share_image()`` rendition (1200×630
    JPEG) where it has one, the site's share card otherwise. All addresses absolute."""
    from django.templatetags.static import static
    from django.utils.html import strip_tags

    request = context.get("request")
    page = context.get("page")
    absolute = absolute_url  # the configured site origin, never the request's Host
    description = ""
    image_url, width, height = absolute(static(SHARE_IMAGE)), 1200, 630
    if isinstance(page, Page):
        description = page.search_description or strip_tags(str(getattr(page, "intro", "") or ""))
        image = page.share_image() if hasattr(page, "share_image") else None
        if image is not None:
            rendition = image.get_rendition("fill-1200x630|format-jpeg|jpegquality-80")
            image_url, width, height = absolute(rendition.url), rendition.width, rendition.height
    return {
        "description": " ".join(description.split())[:200],
        "url": absolute(request.path) if request is not None else "",
        "image": image_url,
        "image_width": width,
        "image_height": height,
        "locale": "en_US" if get_language() == "en" else "zh_CN",
    }
