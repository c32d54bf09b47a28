"""The trace page, its JSON and the Digital Link take the stateless short cut (core/stateless.py):
the session, locale, CSRF, authentication, messages and redirect middleware never run for them,
and what they answer is what the whole stack answers."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

from .conftest import CRAWLERS

pytestmark = pytest.mark.django_db

#: A crawler's scans are logged but not counted, so the page's scan counts stay put between two requests.
CRAWLER = {"HTTP_USER_AGENT": CRAWLERS[0]}
BELOW = []


class Probe:
    """A middleware placed last: it records the paths that went through the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        BELOW.append(request.path)
        return self.get_response(request)


@pytest.fixture
def code():
    batch = BatchFactory(gtin="06901234567892")
    return issue_codes(batch, 1)[0]


@pytest.fixture
def probe():
    BELOW.clear()
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, f"{__name__}.Probe"]):
        yield BELOW


def paths(code):
    batch = code.batch
    return [
        f"/t/{code.printed_code}",
        f"/T/{code.printed_code}",
        f"/en/t/{code.printed_code}",
        f"/api/v1/trace/{code.printed_code}",
        f"/01/{batch.gtin}/10/{batch.lot_number}/21/{code.printed_code}",
        "/t/AAAAAAAAAAAAAAAAAAAA",
        "/t/?code=",
    ]


def test_stateless_paths_skip_the_middleware_below(client, code, probe):
    for path in paths(code):
        assert client.get(path, **CRAWLER).status_code in (200, 404), path
    assert probe == []
    client.get("/", **CRAWLER)  # a content page goes through the whole stack
    assert probe == ["/"]


def test_writes_and_unknown_routes_go_through_the_whole_stack(client, code, probe):
    assert client.post(f"/t/{code.printed_code}").status_code == 405
    assert client.get("/admin/login/").status_code == 200
    assert probe == [f"/t/{code.printed_code}", "/admin/login/"]


def test_a_signed_in_member_of_staff_sees_what_a_consumer_sees_and_gets_no_cookie(client, code, officer):
    client.force_login(officer)
    response = client.get(f"/t/{code.printed_code}", **CRAWLER)
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("accept_language", ["", "en-GB,en;q=0.9", "zh-CN,zh;q=0.9"])
def test_the_short_cut_answers_as_the_whole_stack_does(client, code, accept_language):
    """Status, body and headers (the time-stamped ones aside) are the same with the short cut on
    and off, in the language the browser asks for; the security headers and the CSP stay."""
    headers = {**CRAWLER, "HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else CRAWLER
    for path in paths(code):
        cache.clear()
        short = client.get(path, **headers)
        cache.clear()
        with override_settings(STATELESS_PATH_PREFIXES=()):
            whole = Client().get(path, **headers)  # a new client: its handler loads the middleware anew
        assert short.status_code == whole.status_code, path
        assert short.content == whole.content, path
        ignored = {"date", "expires"}
        assert {k.lower(): v for k, v in short.items() if k.lower() not in ignored} == {
            k.lower(): v for k, v in whole.items() if k.lower() not in ignored
        }, path
        for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Content-Language"):
            assert short.has_header(header), (path, header)


def test_the_printed_path_is_chinese_whatever_the_browser_asks_and_en_is_english(client, code):
    """As the whole stack (``LocaleMiddleware`` with an unprefixed default language) answers."""
    response = client.get(f"/t/{code.printed_code}", HTTP_ACCEPT_LANGUAGE="en", **CRAWLER)
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "Accept-Language" in response["Vary"]
    english_path = client.get(f"/en/t/{code.printed_code}", HTTP_ACCEPT_LANGUAGE="zh-CN", **CRAWLER)
    assert english_path["Content-Language"] == "en"


def test_the_stateless_routes_resolve_as_django_does(code):
    """``StatelessRoutes`` skips the routes a prefix rules out and the nested resolvers' own
    matches; what it finds is what Django's resolver finds, down to the names and the route."""
    from django.urls import Resolver404, get_resolver

    from core.stateless import stateless_routes

    def described(match):
        if match is None:
            return None
        return (
            match.func,
            match.args,
            match.kwargs,
            match.url_name,
            match.app_names,
            match.namespaces,
            match.route,
            match.captured_kwargs,
            match.extra_kwargs,
            match.view_name,
            match._func_path,
        )

    def resolved(resolve, path):
        try:
            return described(resolve(path))
        except Resolver404:
            return None

    tried = [
        *paths(code)[:-1],
        "/t/",
        "/T/",
        "/en/t/",
        "/01/",
        "/api/v1/trace/",
        "/t/a/b/c",
        "/en/t/%E6%A2%81",
        "/01/06901234567892",
        "/01/not-a-gtin/21/x",
    ]
    for path in tried:
        prefix = next(prefix for prefix in settings.STATELESS_PATH_PREFIXES if path.startswith(prefix))
        ours = resolved(stateless_routes(settings.ROOT_URLCONF, prefix).resolve, path)
        assert ours == resolved(get_resolver().resolve, path), path
        assert ours is not None, path
    only_trace = stateless_routes(settings.ROOT_URLCONF, "/t/").chains
    assert not any(str(chain[-1].pattern).startswith("admin/") for chain in only_trace)
