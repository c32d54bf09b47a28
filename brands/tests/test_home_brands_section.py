"""The home page's "Brands" section lists published brand pages only."""

import pytest
from django.utils import translation

from brands.factories import brand_index, brand_page

pytestmark = pytest.mark.django_db


def test_home_lists_published_brands_and_links_the_index(client):
    brand_page(slogan="五子登科，丰味梁平")
    brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", live=False)
    html = client.get("/").content.decode()
    assert 'id="brands-h"' in html
    assert 'href="/brands/wuzi-dengke/"' in html and "五子登科，丰味梁平" in html
    assert "三峡晒秋" not in html
    assert 'href="/brands/"' in html


def test_no_brands_section_without_published_brands(client):
    brand_index()
    assert 'id="brands-h"' not in client.get("/").content.decode()


def test_english_home_links_english_brand_pages(client):
    brand_page()
    with translation.override("zh-hans"):  # the /en/ request must not leave English active
        html = client.get("/en/").content.decode()
    assert 'href="/en/brands/wuzi-dengke/"' in html
