"""Wagtail's page routing, remembered per content version.

Wagtail finds the page for every request afresh (``wagtail.views.serve`` →
``Page.route_for_request``): the site (a query), the active locale (a query), the root page and
its specific version, then two queries per level of the address, and the translation in English.
That is five to nine queries before a page has read anything of its own, the same answer every
time until something is published. This middleware, for a ``GET``/``HEAD`` that Django resolved
to ``wagtail.views.serve``, remembers per content version (core/memo.py) which page (and which
``RoutablePageMixin`` view and arguments) an address in a language on a site gives, and hands
Wagtail that route with the page read in one query: ``Page.route_for_request`` returns the route it
finds on the request (``request._wagtail_route_for_request``), and ``Site.find_for_request`` the
site (``request._wagtail_site``). Everything after routing (view restrictions, ``serve``, the
page's context) is Wagtail's as before; an address that routes nowhere is left to Wagtail (404).

``core/tests/test_routing.py`` checks that it routes every page as Wagtail does.
"""

from __future__ import annotations

from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from .memo import memoized

_SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")


def site_for_request(request) -> Site | None:
    """``Site.find_for_request``, its answer remembered per host and content version; a fresh
    (unsaved-looking but complete) ``Site`` instance per request, never one shared by threads."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    key = ("site", request.get_host(), request.get_port())

    def find() -> dict | None:
        site = Site.find_for_request(request)
        return {name: getattr(site, name) for name in _SITE_FIELDS} if site is not None else None

    values = memoized(key, find)
    if values is None:
        return None
    site = Site(**values)
    site._state.adding = False
    request._wagtail_site = site  # where Site.find_for_request looks first
    return site


def _route(request, site: Site, path: str) -> tuple | None:
    request._wagtail_site = site
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page, args, kwargs = result
    parent = getattr(page, "_cached_parent_obj", None)  # the specific parent Wagtail routed through
    parent_key = (type(parent), parent.pk) if parent is not None else None
    return type(page), page.pk, tuple(args or ()), dict(kwargs or {}), parent_key


class PageRouteMiddleware:
    """Remembered routes for Wagtail's page view (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve or request.method not in ("GET", "HEAD"):
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        site = site_for_request(request)
        if site is None:
            return None
        route = memoized(("page-route", site.pk, get_language(), path), lambda: _route(request, site, path))
        if route is None or hasattr(request, "_wagtail_route_for_request"):
            return None  # routes nowhere (Wagtail answers 404), or routed just now
        model, pk, args, kwargs, parent_key = route
        queryset = model.objects.filter(pk=pk)
        related = getattr(model, "route_select_related", ())  # the foreign keys its page reads
        page = (queryset.select_related(*related) if related else queryset).first()
        if page is not None:
            # Wagtail's route leaves the (specific) parent it came through on the page, which
            # ``get_parent`` then returns (a breadcrumb's address in the visitor's language
            # depends on it): ``LocalizedPageMixin.get_parent`` reads the same one when asked
            page._routed_parent = parent_key
            request._wagtail_route_for_request = RouteResult(page, list(args), kwargs)
        return None
