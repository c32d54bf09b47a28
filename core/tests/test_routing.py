"""``core.routing.PageRouteMiddleware`` routes every page as Wagtail does."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Page

pytestmark = pytest.mark.django_db

PATHS = ["/", "/en/", "/pomelo/", "/en/pomelo/", "/brands/wuzi-dengke/", "/announcements/", "/en/indicators/"]


def wagtails_route(path: str):
    language = "en" if path.startswith("/en/") else "zh-hans"
    with translation.override(language):
        request = RequestFactory().get(path)
        page, args, kwargs = Page.route_for_request(request, path.removeprefix("/en"))
    return page, [getattr(a, "__name__", a) for a in args], kwargs


def test_every_page_routed_as_wagtail_routes_it(client, demo_site):
    for path in [*PATHS, *PATHS]:  # the second time from the memo
        response = client.get(path)
        assert response.status_code == 200, path
        page, args, kwargs = wagtails_route(path)
        served = response.context["page"]
        assert (type(served), served.pk) == (type(page), page.pk), path
        assert served.title == page.title


def test_an_untranslated_pages_breadcrumb_keeps_the_visitors_language(client, demo_site):
    """Served in English from the Chinese tree, an announcement's breadcrumb leads to the English
    address of its index, from a remembered route as from Wagtail's own."""
    path = "/en/announcements/2026-gi-mark-applications/"
    for _ in range(2):
        assert '<nav class="crumbs" aria-label="Breadcrumb"><a href="/en/announcements/">' in client.get(path).text


def test_an_unpublished_page_is_not_served_from_the_memo(client, demo_site):
    assert client.get("/pomelo/").status_code == 200
    Page.objects.get(slug="pomelo", locale__language_code="zh-hans").specific.unpublish()
    assert client.get("/pomelo/").status_code == 404
