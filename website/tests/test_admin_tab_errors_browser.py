"""In a real browser, in the zh-hans admin: a brand editor gives a page the slug of its sibling on
the Promote tab and saves. The error is in Chinese, the Promote tab (not the one in view) is marked
with its error count, and "转到第一个错误" opens that tab at the field. At 1280 and 390 px
(screenshots in the screenshot directory)."""

import re

import pytest

from browser import DESKTOP, PHONE
from gi_registry.factories import TEST_PASSWORD
from website.models import ContentPage, HomePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"tab-errors-{name}.png"
    page.screenshot(path=path, full_page=False)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_slug_clash_on_the_promote_tab_is_shown_there_in_chinese(
    live_server, browser, brand_editor, screenshot_dir, viewport
):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    home.add_child(instance=ContentPage(title="关于我们", slug="about-us"))
    guide = home.add_child(instance=ContentPage(title="办事指南", slug="guide"))

    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", brand_editor.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/pages/{guide.pk}/edit/")
    # Wagtail names the tabs after their (translated) headings: 内容 and 推荐 (Promote).
    content_tab = page.locator("[role=tab]", has_text="内容")
    promote_tab = page.locator("[role=tab]", has_text="推荐")
    promote_panel = "#" + promote_tab.get_attribute("id").replace("tab-label-", "tab-")
    promote_tab.click()
    page.fill("input[name=slug]", "about-us")
    content_tab.click()  # the user goes back to the content and saves from there
    page.locator("button[type=submit]", has_text="保存草稿").first.click()
    page.wait_for_load_state("networkidle")

    # The message at the top, the field's error and the tab's marker are all Chinese.
    body = page.inner_text("body")
    assert "存在校验错误，页面未能保存。" in body
    for english in ("already in use", "could not be saved", "Go to the first error", "error"):
        assert english not in body, english
    marker = promote_tab.locator(".w-tabs__errors")
    assert marker.is_visible()
    assert marker.locator("[data-w-count-target=total]").inner_text().strip() == "1"
    assert re.search(r"1\s*个错误", marker.inner_text())
    assert not content_tab.locator(".w-tabs__errors").is_visible()
    shoot(page, screenshot_dir, f"marked-{viewport['width']}")

    # "Go to the first error" opens the Promote tab at the slug and its Chinese message.
    page.get_by_role("button", name="转到第一个错误").click()
    assert promote_tab.get_attribute("aria-selected") == "true"
    error = page.locator(f"{promote_panel} .error-message").first
    assert error.is_visible()
    assert "about-us" in error.inner_text() and "已被" in error.inner_text()
    shoot(page, screenshot_dir, f"promote-{viewport['width']}")
    assert ContentPage.objects.get(pk=guide.pk).slug == "guide"


def test_a_refused_status_change_on_the_registry_tab_of_a_producer_is_shown_there(
    live_server, browser, officer, screenshot_dir
):
    """Our own tabbed form (a producer: 生产主体 / 联系方式 / 地理标志登记): the officer reopens a
    closed producer on the third tab and saves from the first; the refusal is Chinese, on that tab."""
    from gi_registry.factories import ProducerFactory
    from gi_registry.models import Producer

    producer = ProducerFactory(name="梁平区已注销测试合作社", status=Producer.Status.CLOSED)
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/snippets/gi_registry/producer/edit/{producer.pk}/")
    first_tab = page.locator("[role=tab]").first
    registry_tab = page.locator("[role=tab]", has_text="地理标志登记")
    registry_tab.click()
    page.select_option("select[name=status]", Producer.Status.ACTIVE)
    first_tab.click()
    page.locator("button[type=submit]", has_text="保存草稿").first.click()
    page.wait_for_load_state("networkidle")

    body = page.inner_text("body")
    assert "cannot change" not in body and "could not be" not in body
    marker = registry_tab.locator(".w-tabs__errors")
    assert marker.is_visible() and re.search(r"1\s*个错误", marker.inner_text())
    assert not first_tab.locator(".w-tabs__errors").is_visible()
    page.get_by_role("button", name="转到第一个错误").click()
    assert registry_tab.get_attribute("aria-selected") == "true"
    panel = "#" + registry_tab.get_attribute("id").replace("tab-label-", "tab-")
    error = page.locator(f"{panel} .error-message").first
    assert error.is_visible() and "已注销" in error.inner_text() and "有效" in error.inner_text()
    shoot(page, screenshot_dir, "producer-registry-1280")
    producer.refresh_from_db()
    assert producer.status == Producer.Status.CLOSED
