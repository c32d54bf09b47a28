"""In a real browser, with the demo data loaded: the home page offers a demo code per verdict, at 1280
and 390 px, and on a 390 px phone each link opens a trace page with that verdict, nothing wider than
the phone. Screenshots go to the screenshot directory."""

import io

import pytest

from browser import DESKTOP, PHONE
from core.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WECHAT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.50"
VERDICTS = {"genuine": "正品", "suspicious": "存疑", "withdrawn": "已撤回", "unknown": "未登记的追溯码"}


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"demo-codes-{name}.png"
    page.screenshot(path=path, full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_each_demo_code_link_opens_its_verdict_on_a_phone(live_server, browser, screenshot_dir):
    load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.goto(f"{live_server.url}/")
    desktop.locator(".demo-codes").scroll_into_view_if_needed()
    assert desktop.locator(".demo-code").count() == 4
    shoot(desktop, screenshot_dir, "home-1280")
    desktop.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, user_agent=WECHAT)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="试一试示例追溯码").is_visible()
    assert fits(page)
    shoot(page, screenshot_dir, "home-390")
    for verdict, word in VERDICTS.items():
        page.goto(f"{live_server.url}/")
        page.click(f"a.demo-code-{verdict}")
        page.wait_for_load_state()
        assert page.locator(f"section.verdict-{verdict}").is_visible(), verdict
        assert word in page.locator("h1.verdict-word").inner_text()
        assert fits(page), verdict
        shoot(page, screenshot_dir, f"{verdict}-390")
    context.close()
