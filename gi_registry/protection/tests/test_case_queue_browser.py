"""In a real browser, enforcement staff find an overdue case first in the queue, open it, accept it
and close it as a confirmed fake, on a 1280 px desktop and a 390 px phone; nothing is wider than the
phone. Screenshots of the queue and the case page go to the screenshot directory."""

import datetime

import pytest
from django.utils import timezone

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow, wait_for_image
from gi_registry.factories import ProducerFactory
from gi_registry.protection.models import Case
from website.tests.test_browser_pages import (
    assert_axe_clean,
    require_axe,
)

from . import staff_fixtures
from .staff_fixtures import make_case

staff = staff_fixtures.staff
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str, full_page: bool = True) -> None:
    path = screenshot_dir / f"cases-{name}.png"
    page.screenshot(path=path, full_page=full_page)


def test_staff_handle_an_overdue_case_on_desktop_and_phone(live_server, browser, staff, screenshot_dir):
    producer = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    make_case(producer=producer, code_text="ZNSQTMAWKGXPTPU54Y5H", photo=False)
    late = make_case(
        producer=producer,
        code_text="DEMOXFAKEXCODEX2345X",
        received_at=timezone.now() - datetime.timedelta(days=21),
        shop_key="重庆市渝北区某超市",
    )

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.add_init_script(path=require_axe())
    log_in(desktop, live_server.url, username="staff")
    panel = desktop.locator("#case-panel-heading").locator("xpath=..")
    assert panel.locator("[data-count=overdue]").inner_text() == "1"
    assert late.number in panel.locator("[data-overdue-case]").inner_text()
    shoot(desktop, screenshot_dir, "home-1280", full_page=False)
    desktop.goto(f"{live_server.url}/admin/protection/cases/")
    first_row = desktop.locator("table.listing tbody tr").first
    assert late.number in first_row.inner_text() and "已逾期" in first_row.inner_text()
    shoot(desktop, screenshot_dir, "queue-1280")
    assert_axe_clean(desktop)
    desktop.goto(f"{live_server.url}/admin/protection/cases/inspect/{late.pk}/")
    photo = desktop.locator("img[alt='照片 1']")
    photo.wait_for()
    assert wait_for_image(photo) == 40
    shoot(desktop, screenshot_dir, "case-1280")
    assert_axe_clean(desktop)
    desktop.locator("[data-report]").first.scroll_into_view_if_needed()
    shoot(desktop, screenshot_dir, "case-reports-1280", full_page=False)
    desktop.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    log_in(page, live_server.url, username="staff")
    page.goto(f"{live_server.url}/admin/protection/cases/")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "queue-390")
    page.goto(f"{live_server.url}/admin/protection/cases/inspect/{late.pk}/")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "case-390")
    page.locator("form[data-form=transition]").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "case-status-390", full_page=False)
    page.locator("form[data-form=merge]").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "case-merge-390", full_page=False)

    form = page.locator("form[data-form=transition]")
    form.locator("select[name=status]").select_option("accepted")
    form.locator("button[type=submit]").click()
    page.locator("[data-status=accepted]").wait_for()
    form = page.locator("form[data-form=transition]")
    form.locator("select[name=status]").select_option("closed")
    form.locator("select[name=outcome]").select_option("confirmed_fake")
    form.locator("textarea[name=public_outcome]").fill("经查实为假冒产品，已依法查处。")
    form.locator("button[type=submit]").click()
    page.locator("[data-status=closed]").wait_for()
    assert "经查实为假冒产品" in page.locator("[data-public-outcome]").inner_text()
    shoot(page, screenshot_dir, "case-closed-390")
    late.refresh_from_db()
    assert late.status == Case.Status.CLOSED and late.outcome == Case.Outcome.CONFIRMED_FAKE
    context.close()


def test_a_producer_reads_reports_about_its_codes_on_a_phone(live_server, browser, producer_user, screenshot_dir):
    producer = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    producer.accounts.add(producer_user)
    producer.save()
    case = make_case(producer=producer)
    page = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2).new_page()
    page.add_init_script(path=require_axe())
    log_in(page, live_server.url)
    page.locator("#producer-reports-heading").wait_for()
    page.click("#producer-reports-heading ~ p a")
    page.locator("[data-producer-report]").first.wait_for()
    text = page.inner_text("main")
    assert case.number in text and "追溯码验证不通过" in text
    assert "13800138000" not in text and "双桂街道水果店" not in text
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "producer-reports-390", full_page=False)
    assert_axe_clean(page)
