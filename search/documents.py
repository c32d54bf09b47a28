"""One document shape for everything the public search finds, and where the documents come from.

Each kind of record is a ``Source``: its type name, the models whose changes touch it, the public
(live) queryset and a function that turns one object into a ``SearchDoc``. The registry and pages
are registered here; another app (brands) registers its own source with ``register_source``.

Only public records become documents: live snippets, live and unrestricted pages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from brands.models import BrandPage
from core.i18n import source_version
from gi_registry import services
from gi_registry.models import GeographicalIndication, Producer, ProductFamily, Standard

from .text import Analysed, analyse

#: The facets every engine counts and filters on, in display order.
FACETS = ("type", "gi_kind", "product_family", "township", "standard_level", "standard_status")


@dataclass
class SearchDoc:
    """A public record as the search engines see it."""

    type: str
    id: str
    title: str
    url: str
    body: str = ""
    subtitle: str = ""
    facets: dict[str, list[str]] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    boost: float = 1.0
    aliases: list[str] = field(default_factory=list)  # other names (English) that count as the title

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"

    @cached_property
    def analysed(self) -> Analysed:
        return analyse(self.title, self.body, self.codes, self.aliases)

    def facet_pairs(self) -> list[tuple[str, str]]:
        pairs = [("type", self.type)]
        for name, values in self.facets.items():
            pairs.extend((name, str(v)) for v in dict.fromkeys(values) if v not in (None, ""))
        return pairs


@dataclass
class Source:
    """Where documents of one type come from."""

    type: str
    label: object
    models: tuple[type[Model], ...]
    queryset: Callable[[], QuerySet]
    to_doc: Callable[[Model], SearchDoc]

    def documents(self, chunk_size: int = 500) -> Iterator[SearchDoc]:
        with translation.override(settings.LANGUAGE_CODE):
            for obj in self.queryset().iterator(chunk_size=chunk_size):
                yield self.to_doc(obj)

    def document(self, object_id: str) -> SearchDoc | None:
        """The document of one object, or None when it is not (or no longer) public."""
        obj = self.queryset().filter(pk=object_id).first()
        if obj is None:
            return None
        with translation.override(settings.LANGUAGE_CODE):
            return self.to_doc(obj)

    def count(self) -> int:
        return self.queryset().count()


SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    SOURCES[source.type] = source


def sources() -> dict[str, Source]:
    if not SOURCES:
        _register_builtin_sources()
    return SOURCES


def source_for_model(model: type[Model]) -> Source | None:
    """The source whose model is the closest ancestor of ``model`` (a brand page before any page)."""
    best, depth = None, -1
    for source in sources().values():
        for candidate in source.models:
            if issubclass(model, candidate) and len(candidate.__mro__) > depth:
                best, depth = source, len(candidate.__mro__)
    return best


def iter_documents(types: Iterable[str] | None = None) -> Iterator[SearchDoc]:
    for name, source in sources().items():
        if types is None or name in types:
            yield from source.documents()


def type_label(name: str) -> str:
    source = sources().get(name)
    return str(source.label) if source else name


# --- the registry ------------------------------------------------------------------------------


def _text(*parts: object) -> str:
    return "\n".join(str(p) for p in parts if p not in (None, ""))


def _line(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def gi_doc(gi) -> SearchDoc:
    townships = [t.name for t in gi.townships.all()]
    family = gi.product_family
    return SearchDoc(
        type="gi",
        id=str(gi.pk),
        title=gi.name,
        url=gi.get_absolute_url(),
        subtitle=_line(gi.get_kind_display(), gi.registration_number),
        body=_text(
            gi.name_en,
            gi.get_kind_display(),
            gi.registration_number,
            gi.specification_number,
            gi.authority,
            gi.holder,
            family.name,
            family.name_en,
            "、".join(townships),
            gi.protected_area,
            gi.goods,
            gi.summary,
        ),
        facets={"gi_kind": [gi.kind], "product_family": [family.slug], "township": townships},
        codes=[c for c in (gi.registration_number, gi.specification_number) if c],
        boost=1.3 if gi.status == gi.Status.REGISTERED else 1.0,
        aliases=[gi.name_en],
    )


def producer_doc(producer) -> SearchDoc:
    families = list(producer.product_families.all())
    return SearchDoc(
        type="producer",
        id=str(producer.pk),
        title=producer.name,
        url=producer.get_absolute_url(),
        subtitle=_line(producer.get_kind_display(), producer.township.name),
        body=_text(
            producer.get_kind_display(),
            producer.credit_code,
            producer.township.name,
            producer.address,
            "、".join(f.name for f in families),
            producer.description,
        ),
        facets={"township": [producer.township.name], "product_family": [f.slug for f in families]},
        codes=[producer.credit_code],
        boost=1.0 if producer.status == producer.Status.ACTIVE else 0.8,
    )


STANDARD_BOOST = {"current": 1.15, "superseded": 0.85, "withdrawn": 0.7}


def standard_doc(standard) -> SearchDoc:
    families = list(standard.product_families.all())
    gis = [gi.name for gi in standard.geographical_indications.all() if gi.live]
    return SearchDoc(
        type="standard",
        id=str(standard.pk),
        title=standard.title,
        url=standard.get_absolute_url(),
        subtitle=_line(standard.code, standard.get_status_display()),
        body=_text(
            standard.code,
            standard.title_en,
            standard.get_level_display(),
            standard.get_status_display(),
            standard.issuing_body,
            standard.scope,
            "、".join(gis),
            "、".join(f.name for f in families),
        ),
        facets={
            "standard_level": [standard.level],
            "standard_status": [standard.status],
            "product_family": [f.slug for f in families],
        },
        codes=[standard.code],
        boost=STANDARD_BOOST.get(standard.status, 1.0),
        aliases=[standard.title_en],
    )


# --- pages -------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]+>")


def strip_html(value: object) -> str:
    return html.unescape(_TAG_RE.sub(" ", str(value or ""))).strip()


def _page_text(page) -> str:
    """A page's search description and the text of its SearchFields (title aside)."""
    from wagtail.search import index

    parts = [page.search_description]
    for search_field in page.search_fields:
        name = getattr(search_field, "field_name", "")
        if isinstance(search_field, index.SearchField) and name not in ("title", "search_description"):
            parts.append(strip_html(getattr(page, name, "")))
    return _text(*parts)


def _translations(page) -> list:
    """The live, public translations of a (Chinese) page: one document holds every language, so a
    page is found by its English words too and is listed once."""
    from wagtail.models import Page

    return list(
        Page.objects.live()
        .public()
        .filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .specific()
        .order_by("locale__language_code")
    )


def page_doc(page) -> SearchDoc:
    """Any Wagtail page (in the source language), with the text of its translations."""
    page = page.specific
    translations = _translations(page)
    return SearchDoc(
        type="page",
        id=str(page.pk),
        title=page.title,
        url=page.get_url() or page.url_path,
        body=_text(_page_text(page), *(_page_text(t) for t in translations)),
        boost=0.9,
        aliases=[t.title for t in translations],
    )


def brand_doc(brand) -> SearchDoc:
    """A brand page: found by its name, slogan, owner and story, and by its products' families."""
    translations = _translations(brand)
    return SearchDoc(
        type="brand",
        id=str(brand.pk),
        title=brand.title,
        url=brand.get_url() or brand.url_path,
        subtitle=_line(brand.get_kind_display(), brand.slogan),
        body=_text(_page_text(brand), *(_page_text(t) for t in translations)),
        facets={"product_family": [f.slug for f in brand.product_families.all()]},
        boost=1.2,
        aliases=[t.title for t in translations],
    )


def _source_language(queryset):
    return queryset.filter(locale__language_code=settings.LANGUAGE_CODE)


def _public_pages():
    from wagtail.models import Page

    pages = Page.objects.live().public().filter(depth__gt=1).not_type(BrandPage)
    return _source_language(pages).specific().order_by("path")


def _public_brands():
    return _source_language(BrandPage.objects.live().public()).prefetch_related("product_families").order_by("path")


def source_object_id(instance) -> str:
    """The id of the document ``instance`` belongs to: a translated page's is its source page's."""
    from wagtail.models import Page

    return str(source_version(instance).pk if isinstance(instance, Page) else instance.pk)


def _register_builtin_sources() -> None:
    from wagtail.models import Page

    register_source(
        Source(
            "gi",
            _("Geographical indication"),
            (GeographicalIndication,),
            lambda: services.public_gis().prefetch_related("townships").order_by("pk"),
            gi_doc,
        )
    )
    register_source(
        Source(
            "producer",
            _("Producer"),
            (Producer,),
            lambda: services.public_producers().prefetch_related("product_families").order_by("pk"),
            producer_doc,
        )
    )
    register_source(
        Source(
            "standard",
            _("Standard"),
            (Standard,),
            lambda: (
                services.public_standards()
                .prefetch_related("product_families", "geographical_indications")
                .order_by("pk")
            ),
            standard_doc,
        )
    )

    register_source(Source("brand", _("Brand"), (BrandPage,), _public_brands, brand_doc))
    register_source(Source("page", _("Page"), (Page,), _public_pages, page_doc))


# --- facet labels ------------------------------------------------------------------------------


def facet_label(name: str, value: str) -> str:
    """What a facet value is called on the page, in the active language."""
    if name == "type":
        return type_label(value)
    choices = {
        "gi_kind": GeographicalIndication.Kind,
        "standard_level": Standard.Level,
        "standard_status": Standard.Status,
    }.get(name)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return value
    if name == "product_family":
        family = ProductFamily.objects.filter(slug=value).first()
        return family.display_name(translation.get_language() or "zh-hans") if family else value
    return value


def facet_labels(name: str, values: Iterable[str]) -> dict[str, str]:
    """``facet_label`` for many values of one facet (product families in one query)."""
    values = list(values)
    if name != "product_family":
        return {value: facet_label(name, value) for value in values}

    language = translation.get_language() or "zh-hans"
    families = {f.slug: f.display_name(language) for f in ProductFamily.objects.filter(slug__in=values)}
    return {value: families.get(value, value) for value in values}


FACET_TITLES = {
    "type": _("Type"),
    "gi_kind": _("GI kind"),
    "product_family": _("Product family"),
    "township": _("Township"),
    "standard_level": _("Standard level"),
    "standard_status": _("Standard status"),
}
