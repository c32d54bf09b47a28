"""Helpers that build brand pages for tests: published, under the home page's brand index."""

from __future__ import annotations

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from core.demo import home_page

from .blocks import BrandStoryBlock
from .models import BrandIndexPage, BrandPage


def make_image(title: str = "品牌标志") -> Image:
    return Image.objects.create(title=title, file=get_test_image_file(filename="logo.png", size=(640, 480)))


def brand_index(title: str = "区域品牌", slug: str = "brands") -> BrandIndexPage:
    """The brand index under the home page (the existing one if there is one)."""
    existing = BrandIndexPage.objects.filter(locale__language_code="zh-hans").first()
    if existing is not None:
        return existing
    home = home_page()
    index = BrandIndexPage(title=title, slug=slug, intro="<p>梁平区的农产品区域公用品牌与企业品牌。</p>")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def brand_page(parent: Page | None = None, *, live: bool = True, gis=(), families=(), **fields) -> BrandPage:
    """A brand page under ``parent`` (the brand index by default), published unless ``live=False``."""
    parent = parent or brand_index()
    values = {"title": "五子登科·丰味梁平", "slug": "wuzi-dengke", "slogan": "五子登科，丰味梁平", **fields}
    if isinstance(values.get("story"), list):
        values["story"] = BrandStoryBlock().normalize(values["story"])
    page = BrandPage(live=live, **values)
    page.geographical_indications.set(list(gis))
    page.product_families.set(list(families))
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page
