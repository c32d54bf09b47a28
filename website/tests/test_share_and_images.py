"""Shared links show a title, description and picture (OpenGraph, WeChat); images are WebP
renditions with ``srcset`` and alt text."""

import re

import pytest

from brands.factories import brand_page, make_image
from gi_registry.factories import GeographicalIndicationFactory

pytestmark = pytest.mark.django_db


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|itemprop)="{re.escape(prop)}" content="([^"]*)"', html)
    assert found, f"no {prop}"
    return found.group(1)


def test_every_page_has_a_share_card_with_absolute_addresses(client):
    html = client.get("/producers/").content.decode()
    assert meta(html, "og:image") == "http://testserver/static/img/share.png"
    assert meta(html, "image") == meta(html, "og:image")  # WeChat reads itemprop
    assert meta(html, "og:url") == "http://testserver/producers/"
    assert meta(html, "og:locale") == "zh_CN"
    assert meta(html, "og:title").strip()


def test_a_brand_shares_its_logo_title_and_intro(client):
    brand_page(logo=make_image(), intro="稻子、柚子、鸭子、豆子、笋子")
    html = client.get("/brands/wuzi-dengke/").content.decode()
    assert meta(html, "og:title") == "五子登科·丰味梁平"
    assert meta(html, "og:description") == "稻子、柚子、鸭子、豆子、笋子"
    image = meta(html, "og:image")
    assert image.startswith("http://testserver/") and image.endswith(".jpg")
    width, height = int(meta(html, "og:image:width")), int(meta(html, "og:image:height"))
    assert abs(width / height - 1200 / 630) < 0.01  # cropped to the share card's shape, never upscaled
    english = client.get("/en/brands/wuzi-dengke/").content.decode()
    assert meta(english, "og:locale") == "en_US"


def test_a_registry_record_shares_its_own_name(client):
    gi = GeographicalIndicationFactory(name="梁平柚", slug="you")
    assert meta(client.get(gi.get_absolute_url()).content.decode(), "og:title") == "梁平柚"


def test_images_are_webp_with_srcset_and_alt_text(client):
    image = make_image("柚园")
    brand_page(
        logo=make_image(),
        story=[("image", {"image": image, "alt": "秋天的柚园", "caption": ""})],
    )
    gi = GeographicalIndicationFactory(name="梁平柚", slug="you", mark_image=make_image("专用标志"))
    for url in ("/brands/wuzi-dengke/", gi.get_absolute_url()):
        html = client.get(url).content.decode()
        images = re.findall(r"<img [^>]*>", html)
        assert images, url
        for tag in images:
            assert re.search(r'\balt="[^"]+"', tag), tag  # every content image says what it shows
            assert "srcset=" in tag and ".webp" in tag, tag
    assert 'alt="秋天的柚园"' in client.get("/brands/wuzi-dengke/").content.decode()
