"""Brand pages in the public search: Wagtail pages are indexed generically (search/documents.py,
``page_doc`` reads a page's ``search_fields``), so a published brand is found by its name, its
slogan and its story, and a draft is not."""

import pytest

from brands.factories import brand_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks, settings):
    settings.SEARCH_URL = ""  # the embedded engine answers
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(client, query):
    response = client.get("/api/v1/search", {"q": query})
    assert response.status_code == 200
    return [(hit["title"], hit["url"]) for hit in response.json()["results"]]


def test_a_published_brand_is_found_by_name_slogan_and_story(client, commit):
    with commit():
        brand_page(
            title="五子登科·丰味梁平",
            slogan="稻柚鸭豆笋，一品一乡",
            brand_owner="梁平区品牌运营中心",
            story=[("quote", {"text": "晒秋时节万家丰收。", "attribution": ""})],
        )
    hit = ("五子登科·丰味梁平", "/brands/wuzi-dengke/")
    assert hit in titles(client, "五子登科")
    assert hit in titles(client, "一品一乡")
    assert hit in titles(client, "万家丰收")


def test_a_draft_brand_is_not_found(client, commit):
    with commit():
        brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", live=False)
    assert all(title != "三峡晒秋" for title, _url in titles(client, "三峡晒秋"))
