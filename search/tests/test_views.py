"""The search page, the JSON API and autocomplete, as a browser or an API client sees them."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(indexed_engines, db, settings):
    settings.SEARCH_URL = ""  # the embedded engine answers
    return indexed_engines


def test_search_page_shows_highlighted_results_and_facets(client, corpus):
    response = client.get("/search/", {"q": "梁平柚"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert '<a href="/gi/liangping-you/"><strong><mark>梁平柚</mark></strong></a>' in html
    assert 'class="facets"' in html and "?q=%E6%A2%81%E5%B9%B3%E6%9F%9A&amp;type=gi" in html


def test_facet_links_filter_and_can_be_removed(client, corpus):
    html = client.get("/search/", {"q": "梁平", "type": "gi"}).content.decode()
    assert 'aria-current="true"' in html
    assert "/producers/" not in html.split('class="search-results"')[1]
    assert "clear filters" in html or "清除" in html


def test_empty_query_suggests_what_to_try(client, corpus):
    html = client.get("/search/").content.decode()
    assert "?q=lpy" in html and "?q=DB50/T%209101" in html


def test_no_results_explains_what_to_try(client, corpus):
    response = client.get("/search/", {"q": "不存在的东西xyz"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="empty-state"' in html and "lpy" in html


def test_too_long_query_gets_a_400_with_a_message(client, corpus):
    response = client.get("/search/", {"q": "柚" * 10_000})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_pagination_links_keep_query_and_filters(client, corpus):
    html = client.get("/search/", {"q": "梁平", "type": "producer"}).content.decode()
    assert 'rel="next"' in html and "type=producer&amp;page=2" in html
    second = client.get("/search/", {"q": "梁平", "type": "producer", "page": "2"}).content.decode()
    assert 'start="11"' in second


def test_english_page_links_to_english_pages(client, corpus):
    html = client.get("/en/search/", {"q": "梁平柚"}).content.decode()
    assert 'href="/en/gi/liangping-you/"' in html


def test_api_search_contract(client, corpus):
    response = client.get("/api/v1/search", {"q": "lpy", "type": "gi"})
    data = response.json()
    assert response.status_code == 200
    assert {"query", "total", "results", "facets"} <= set(data)
    assert data["query"] == "lpy" and data["total"] == 1
    first = data["results"][0]
    assert {"type", "title", "url", "highlight"} <= set(first)
    assert (first["type"], first["title"], first["url"]) == ("gi", "梁平柚", "/gi/liangping-you/")
    assert {f["value"] for f in data["facets"]["type"]} >= {"gi", "standard"}


def test_api_search_validates_paging(client, corpus):
    assert client.get("/api/v1/search", {"q": "梁平", "page": "x"}).status_code == 400
    assert client.get("/api/v1/search", {"q": "梁平", "size": "1000"}).status_code == 400
    assert client.get("/api/v1/search", {"q": "梁平", "page": "2", "size": "5"}).json()["page"] == 2
    too_long = client.get("/api/v1/search", {"q": "x" * 10_240})
    assert too_long.status_code == 400 and "too long" in too_long.json()["error"]
    empty = client.get("/api/v1/search").json()
    assert (empty["query"], empty["total"], empty["results"], empty["facets"]) == ("", 0, [], {})


def test_api_suggest(client, corpus):
    data = client.get("/api/v1/search/suggest", {"q": "liangp"}).json()
    titles = [s["title"] for s in data["suggestions"]]
    assert "梁平柚" in titles[:3]
    assert all(set(s) >= {"type", "title", "url"} for s in data["suggestions"])
    assert client.get("/api/v1/search/suggest", {"q": ""}).json()["suggestions"] == []
    assert client.get("/api/v1/search/suggest", {"q": "柚" * 500}).status_code == 400


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.one_of(st.text(max_size=260), st.sampled_from(['"', "*", "(", "NEAR", "-", "😀", "梁平 lpy", "%00"])),
    page=st.one_of(st.just(""), st.text(max_size=4), st.integers(-3, 200).map(str)),
    kind=st.one_of(st.just(""), st.text(max_size=10)),
)
def test_any_request_is_answered_never_a_500(client, corpus, q, page, kind):
    params = {"q": q, "page": page, "type": kind}
    for url in ("/api/v1/search", "/api/v1/search/suggest"):
        response = client.get(url, params)
        assert response.status_code in (200, 400)
        json.loads(response.content)
    assert client.get("/search/", params).status_code in (200, 400)
