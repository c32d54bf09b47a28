"""In a real browser, with the demo data loaded: the demo producer's public page and its GI's page
show "how to recognise the genuine box" with the drawn photos on a 390 px phone, nothing wider than
the phone, axe-core clean; the demo producer account opens "my public profile" from its workspace
and finds the profile tab with its photos. Screenshots go to the screenshot directory."""

import io

import pytest

from browser import DESKTOP, PHONE, log_in, no_overflow, wait_for_image
from core.demo import load_demo_data
from gi_registry.demo import DEFAULT_DEMO_PASSWORD, DEMO_PRODUCER_ACCOUNT_FOR
from gi_registry.models import GeographicalIndication, Producer
from website.tests.test_browser_pages import AXE_OPTIONS, FAILING_IMPACTS, axe_source, describe  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_genuine_box_on_the_public_pages_and_the_profile_tab_on_a_phone(
    live_server,
    browser,
    screenshot_dir,
    axe_source,  # noqa: F811
):
    load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)
    producer = Producer.objects.get(credit_code=DEMO_PRODUCER_ACCOUNT_FOR)
    gi = GeographicalIndication.objects.get(slug="liangping-you")

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    desktop.goto(live_server.url + producer.get_absolute_url())
    assert desktop.locator("section.genuine-box img.story-img").count() == 2
    assert no_overflow(desktop)
    desktop.locator("section.genuine-box").screenshot(path=screenshot_dir / "profile-producer-genuine-box-1280.png")

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    page.add_init_script(path=axe_source)
    for name, obj in (("producer", producer), ("gi", gi)):
        page.goto(live_server.url + obj.get_absolute_url())
        section = page.locator("section.genuine-box")
        assert "如何识别正品包装" in section.locator("h2").inner_text()
        photos = section.locator("img.story-img")
        assert photos.count() == 2
        photos.first.scroll_into_view_if_needed()
        for i in range(2):  # the renditions load (not a broken image)
            wait_for_image(photos.nth(i))
        assert no_overflow(page), page.evaluate("document.documentElement.scrollWidth")
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
        assert not serious, describe(serious)
        section.screenshot(path=screenshot_dir / f"profile-{name}-genuine-box-390.png")
        page.screenshot(path=screenshot_dir / f"profile-{name}-390.png", full_page=True)

    log_in(page, live_server.url, "producer", DEFAULT_DEMO_PASSWORD)
    link = page.locator("[data-profiles] a")
    assert link.inner_text() == "我的公开介绍"
    assert page.locator("[data-profiles] [data-profile-state]").count() == 1
    assert "已发布" in page.locator("[data-profiles] li").inner_text()
    link.click()
    page.wait_for_url(f"{live_server.url}/admin/snippets/gi_registry/producer/edit/{producer.pk}/")
    page.get_by_role("tab", name="公开介绍").click()
    panel = page.get_by_role("tabpanel", name="公开介绍")
    panel.locator("textarea[name=genuine_box]").wait_for()
    assert "牛皮纸色纸箱" in panel.locator("textarea[name=genuine_box]").input_value()
    assert panel.locator("[data-inline-panel-child]:visible").count() == 2
    assert no_overflow(page), page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=screenshot_dir / "profile-admin-tab-390.png", full_page=True)
    panel.locator("[data-inline-panel-child]:visible").first.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "profile-admin-photos-390.png")
    context.close()
