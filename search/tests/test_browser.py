"""In a real browser, on a phone: search, see highlights and facets, pick an autocomplete suggestion.

Leaves screenshots in screenshots/ (search-phone.png, search-desktop.png, search-suggest-phone.png).
"""

import pytest

from browser import DESKTOP, PHONE
from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, StandardFactory, family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def registry(settings):
    settings.SEARCH_URL = ""
    GeographicalIndicationFactory(
        name="梁平柚", slug="liangping-you", name_en="Liangping pomelo", summary="梁平柚是梁平的名果。"
    )
    GeographicalIndicationFactory(name="梁平张鸭子", slug="liangping-zhangyazi", product_family=family("duck"))
    ProducerFactory(name="梁平区礼让镇川西柚子专业合作社", product_families=[family("pomelo")])
    StandardFactory(code="DB50/T 9101-2022", title="梁平柚栽培技术规程", scope="梁平柚的园地选择与采收。")


def test_search_on_a_phone(live_server, browser, registry, screenshot_dir):
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    page.goto(f"{live_server.url}/search/?q=梁平柚")
    assert page.locator("meta[name=robots][content=noindex]").count() == 1
    assert page.locator("ol.results li").count() == 2
    assert page.locator("ol.results li").first.locator("mark").first.inner_text() == "梁平柚"
    assert page.locator("details.facets").get_attribute("open") is None  # folded on a phone, results first
    page.screenshot(path=screenshot_dir / "search-phone.png", full_page=True)

    page.fill("#search-q", "lpy")
    page.wait_for_selector("#search-suggestions li")
    assert page.locator("#search-suggestions li").first.inner_text().startswith("梁平柚")
    page.screenshot(path=screenshot_dir / "search-suggest-phone.png")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/gi/liangping-you/")

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.goto(f"{live_server.url}/search/?q=梁平")
    assert desktop.locator("details.facets").get_attribute("open") is not None
    desktop.click("details.facets a:has-text('鸭子')")
    assert desktop.locator("ol.results li").count() == 1
    desktop.screenshot(path=screenshot_dir / "search-desktop.png", full_page=True)
