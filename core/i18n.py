"""Page translations: Chinese is the source, English substitutes where it has been translated.

Pages are translated with Wagtail's built-in localisation: the English version of a page is a copy
of it in the "en" locale, sharing its ``translation_key``. The Chinese (default-locale) tree decides
what exists and in what order; in English, each page is replaced by its live translation where one
exists and is otherwise shown in Chinese under an ``/en/`` address (``LocalizedPageMixin``), so a
visitor never meets a 404 or a half-English page tree because a translation is missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import Http404
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction

from .memo import memoized
from .pages import public, restricted_sections

_default_locale_ids: dict[str, int] = {}


def default_locale_id() -> int:
    """The default locale's id, looked up once per process (a locale's id never changes)."""
    code = settings.LANGUAGE_CODE
    if code not in _default_locale_ids:
        _default_locale_ids[code] = Locale.get_default().pk
    return _default_locale_ids[code]


def locale_id(language_code: str) -> int | None:
    """The id of the locale of ``language_code`` (None if there is none), read once per content
    version (core/memo.py) rather than joined or looked up on every page."""
    ids = memoized("locale-ids", lambda: dict(Locale.objects.values_list("language_code", "pk")))
    return ids.get(language_code)


def in_default_language() -> bool:
    return translation.get_language() in (None, settings.LANGUAGE_CODE)


def source_version(page: Page) -> Page:
    """``page`` in the source (default) language: itself, or the page it was translated from
    (itself too if that is gone)."""
    if page.locale_id == default_locale_id():
        return page
    source = type(page).objects.filter(translation_key=page.translation_key, locale_id=default_locale_id()).first()
    return source or page


def source_pages(queryset):
    """``queryset`` narrowed to the source (default-locale) pages."""
    return queryset.filter(locale_id=default_locale_id())


def localize(pages: Iterable[Page], related: tuple[str, ...] = ()) -> list[Page]:
    """The pages in the active language: each replaced by its live, public translation where there
    is one (one query for all of them, ``related`` joined in), in the same order."""
    pages = list(pages)
    if in_default_language() or not pages:
        return pages
    types = {type(page) for page in pages}
    queryset = types.pop().objects.all() if len(types) == 1 else Page.objects.specific()
    keys = [page.translation_key for page in pages]
    found = {
        page.translation_key: page
        for page in public(queryset.live().select_related(*related) if related else queryset.live()).filter(
            translation_key__in=keys, locale_id=locale_id(translation.get_language())
        )
    }
    return [found.get(page.translation_key, page) for page in pages]


def live_translation(page: Page, language_code: str) -> Page | None:
    """``page`` in ``language_code`` if that version is live and public."""
    wanted = locale_id(language_code)
    if page.locale_id == wanted:
        return page
    return public(Page.objects.live()).filter(translation_key=page.translation_key, locale_id=wanted).first()


def in_visitor_language(path: str) -> str:
    """A Chinese page's path under the active language's prefix (``/brands/x/`` → ``/en/brands/x/``)."""
    if in_default_language():
        return path
    language = translation.get_language()
    with translation.override(settings.LANGUAGE_CODE):  # the path resolves in its own language
        return translate_url(path, language)


class LocalizedPageMixin:
    """For every public page type: an untranslated Chinese page keeps the visitor's language in
    its address (``/en/brands/…`` rather than ``/brands/…``), served by ``HomePage.route``'s
    fallback, instead of switching the whole site back to Chinese on a click."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if not parts or parts[2] is None or in_default_language():
            return parts
        if self.locale_id != default_locale_id():
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, in_visitor_language(page_path)

    def get_parent(self, update=False):
        """The parent Wagtail's routing came through, as routing gives it (specific, so its address
        keeps the visitor's language), for a page served from a remembered route (core/routing.py),
        read on first use; otherwise treebeard's."""
        routed = getattr(self, "_routed_parent", None)
        if routed is not None and not update and getattr(self, "_cached_parent_obj", None) is None:
            model, pk = routed
            self._cached_parent_obj = model.objects.get(pk=pk)
        return super().get_parent(update)

    def get_view_restrictions(self):
        """Wagtail's check before serving a page (two queries: the ancestors, the restrictions),
        skipped while no page of the site has a view restriction (read once per content version)."""
        if not restricted_sections():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    @property
    def is_untranslated(self) -> bool:
        """Shown in the active (non-default) language without a translation of its own."""
        return not in_default_language() and self.locale_id == default_locale_id()


def route_with_fallback(home, request, path_components, route):
    """Route in ``home``'s tree; if that is a translated tree missing the page, route in the
    source tree instead (the page is then shown in Chinese with the visitor's interface language)."""
    try:
        return route(request, path_components)
    except Http404:
        source = source_version(home)
        if source.pk == home.pk:  # the source tree itself, or no source left
            raise
        return source.specific.route(request, path_components)
