"""A phone follows GS1 Digital Links in a real browser: a compressed link with a link type lands on
the trace page in the phone's language; a link type the product lacks shows a clear Chinese page
(axe-core checked; screenshots in screenshots/)."""

import pytest

from browser import PHONE
from gi_registry.trace import dl_compression
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from website.tests.test_browser_pages import AXE, assert_axe_clean, require_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
GTIN = "06901234567892"


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / name
    page.screenshot(path=path, full_page=True)


def test_phone_follows_compressed_and_typed_links(live_server, browser, screenshot_dir, settings):
    require_axe()
    settings.SITE_ORIGIN = live_server.url  # the resolver's redirects are absolute, on the site origin
    batch = BatchFactory(gtin=GTIN, lot_number="LP2025-09", product_name="梁平柚 礼盒装")
    code = issue_codes(batch, 1)[0].printed_code
    compressed = dl_compression.compress({"01": GTIN, "10": "LP2025-09", "21": code})

    english = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    response = english.goto(f"{live_server.url}/{compressed}?linkType=gs1:traceability")
    assert response.ok
    assert english.url == f"{live_server.url}/en/t/{code}"  # 307 followed, linkType not passed on
    assert "verdict-genuine" in english.locator(".verdict").get_attribute("class")
    shoot(english, screenshot_dir, "resolver-compressed-en-phone.png")

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.add_init_script(path=str(AXE))  # an init script: the site's CSP forbids inline scripts
    chinese = context.new_page()
    response = chinese.goto(f"{live_server.url}/01/{GTIN}/10/LP2025-09/21/{code}?linkType=gs1:safetyInfo")
    assert response.status == 404
    assert chinese.locator("h1").inner_text() == "没有这种链接"
    assert "gs1:safetyInfo" in chinese.locator("main").inner_text()
    assert chinese.get_by_role("link", name="打开该产品的页面").get_attribute("href").endswith(f"/t/{code}")
    assert chinese.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(chinese, screenshot_dir, "resolver-no-such-link-phone.png")
    assert_axe_clean(chinese)

    response = chinese.goto(f"{live_server.url}/8004/0950600013430000001")
    assert response.status == 404
    assert "8004" in chinese.locator("main").inner_text()
    shoot(chinese, screenshot_dir, "resolver-other-key-phone.png")
