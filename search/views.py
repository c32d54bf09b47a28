"""The public search page, its JSON API and autocomplete. Views stay thin: ``search.service`` works."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import service
from .documents import FACET_TITLES, FACETS, type_label
from .engines.base import MAX_PAGE, MAX_PAGE_SIZE
from .text import QueryError

PAGE_SIZE = 10
#: what the empty page suggests trying: Chinese, pinyin in full and by initials, a standard code
EXAMPLE_QUERIES = ("梁平柚", "张鸭子", "豆筋", "百里竹海", "liangpingyou", "lpy", "DB50/T 9101", "合作社")


class BadRequest(ValueError):
    pass


def _filters(request) -> dict[str, list[str]]:
    return {name: [v for v in request.GET.getlist(name) if v.strip()] for name in FACETS if request.GET.getlist(name)}


def _number(request, name: str, default: int, highest: int, strict: bool) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        if strict:
            raise BadRequest(_("“%(name)s” must be a whole number.") % {"name": name}) from None
        return default
    if strict and not 1 <= value <= highest:
        raise BadRequest(_("“%(name)s” must be between 1 and %(highest)d.") % {"name": name, "highest": highest})
    return max(1, min(value, highest))


def _localised(url: str) -> str:
    """Result URLs are stored in the default language; point them at the page's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or not url.startswith("/"):
        return url
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(url)
        except Resolver404:
            return url
    if match.url_name == "wagtail_serve":  # Wagtail pages: the same path under the language prefix
        return f"/{language}{url}"
    with translation.override(language):
        try:
            return reverse(
                f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name, kwargs=match.kwargs
            )
        except NoReverseMatch:
            return url


def _querystring(params: dict[str, list[str]]) -> str:
    return urlencode([(k, v) for k, values in params.items() for v in values])


@require_GET
def search_page(request):
    query = request.GET.get("q", "")
    filters = _filters(request)
    page = _number(request, "page", 1, MAX_PAGE, strict=False)
    context = {"query": query.strip(), "filters": filters, "examples": EXAMPLE_QUERIES, "error": ""}
    status = 200
    results = None
    try:
        results = service.search(query, filters, page=page, size=PAGE_SIZE)
    except QueryError as exc:
        context["error"] = _("This query is too long; please search with fewer words.")
        context["error_detail"] = str(exc)
        status = 400
    if results is not None:
        base = {"q": [query.strip()], **results.filters}
        for hit in results.hits:
            hit.url = _localised(hit.url)
            hit.type_label = type_label(hit.type)
        facets = []
        for name in FACETS:
            values = results.facets.get(name)
            if not values:
                continue
            items = []
            for value in values:
                chosen = list(base.get(name, []))
                chosen = [v for v in chosen if v != value.value] if value.selected else [*chosen, value.value]
                params = {**base, name: chosen}
                items.append({"value": value, "url": "?" + _querystring({k: v for k, v in params.items() if v})})
            facets.append({"name": name, "title": FACET_TITLES[name], "items": items})
        pages = results.pages
        context.update(
            results=results,
            first_rank=(results.page - 1) * results.size + 1,
            facets=facets,
            any_filter=bool(results.filters),
            clear_filters_url="?" + _querystring({"q": [query.strip()]}),
            page_links=[
                {"number": n, "url": "?" + _querystring({**base, "page": [str(n)]}), "current": n == results.page}
                for n in range(max(1, results.page - 3), min(pages, results.page + 3) + 1)
            ],
            previous_url="?" + _querystring({**base, "page": [str(results.page - 1)]}) if results.page > 1 else "",
            next_url="?" + _querystring({**base, "page": [str(results.page + 1)]}) if results.page < pages else "",
        )
    response = render(request, "search/search_page.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["X-Robots-Tag"] = "noindex"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def api_search(request):
    """``/api/v1/search?q=&type=&township=&…&page=&size=`` → {query, total, results, facets}."""
    try:
        page = _number(request, "page", 1, MAX_PAGE, strict=True)
        size = _number(request, "size", PAGE_SIZE, MAX_PAGE_SIZE, strict=True)
        results = service.search(request.GET.get("q", ""), _filters(request), page=page, size=size)
    except (QueryError, BadRequest) as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(results.as_api())


@require_GET
def api_suggest(request):
    """``/api/v1/search/suggest?q=`` → titles for autocomplete (prefix, also by pinyin)."""
    query = request.GET.get("q", "")
    try:
        size = _number(request, "size", 8, 20, strict=True)
        suggestions = service.suggest(query, size=size)
    except (QueryError, BadRequest) as exc:
        return _json({"error": str(exc)}, status=400)
    return _json({"query": query.strip(), "suggestions": [s.as_api() for s in suggestions]})
