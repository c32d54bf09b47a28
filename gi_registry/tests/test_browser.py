"""In a real browser: a registry officer adds and publishes a producer; the public sees it.

Also leaves phone and desktop screenshots of the public registry pages in screenshots/.
"""

import pytest

from browser import DESKTOP, PHONE
from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory, StandardFactory
from gi_registry.models import Producer, Township

# serialized_rollback: a transactional test flushes the tables, the migrations' reference data with them
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

POLYGON = {
    "type": "Polygon",
    "coordinates": [[[107.55, 30.55], [107.95, 30.6], [107.9, 30.85], [107.6, 30.8], [107.55, 30.55]]],
}


def test_officer_adds_publishes_and_public_directory_shows_it(live_server, browser, officer, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/snippets/gi_registry/producer/add/")
    page.fill("input[name=name]", "梁平区浏览器测试柚子专业合作社")
    page.fill("input[name=credit_code]", "91350100M000100Y43")
    page.select_option("select[name=kind]", "cooperative")
    page.select_option("select[name=township]", str(Township.objects.get(name="礼让镇").pk))
    page.fill("input[name=address]", "礼让镇川西村")
    page.screenshot(path=screenshot_dir / "admin-producer-add.png", full_page=True)
    # "Publish" sits in the dropdown next to "Save draft"
    page.click("footer .dropdown-toggle, [data-w-dropdown-target='toggle']")
    page.click("button[name=action-publish]")
    page.wait_for_url(f"{live_server.url}/admin/snippets/gi_registry/producer/")

    producer = Producer.objects.get(credit_code="91350100M000100Y43")
    assert producer.live

    public = browser.new_page(viewport=PHONE)
    public.goto(f"{live_server.url}/producers/?q=浏览器测试")
    assert public.locator("text=梁平区浏览器测试柚子专业合作社").count() == 1
    public.click("text=梁平区浏览器测试柚子专业合作社")
    assert "91350100M000100Y43" in public.content()


def test_public_pages_screenshots(live_server, browser, screenshot_dir):
    gi = GeographicalIndicationFactory(
        name="梁平柚",
        slug="liangping-pomelo",
        holder="梁平区柚子协会",
        protected_area="梁平区礼让镇、金带街道等12个乡镇（演示数据）",
        protected_area_geojson=POLYGON,
        is_demo=True,
    )
    gi.townships.set(Township.objects.all()[:8])
    gi.save()
    for i in range(4):
        AuthorisationFactory(
            geographical_indication=gi, producer=ProducerFactory(name=f"梁平区示例柚子专业合作社{i}", is_demo=True)
        )
    standard = StandardFactory(code="DB50/T 1001-2024", title="梁平柚栽培技术规程", is_demo=True)
    standard.geographical_indications.add(gi)
    standard.save()
    pages = {
        "home": "/",
        "gi": gi.get_absolute_url(),
        "directory": "/producers/",
        "standards": "/standards/",
    }
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_page(viewport=viewport)
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            # nothing overflows sideways on a phone
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} overflows by {overflow}px at {viewport_name}"
            page.screenshot(path=screenshot_dir / f"{name}-{viewport_name}.png", full_page=True)
        page.close()
