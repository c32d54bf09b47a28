"""In a real browser: the producer account on a 390 px phone opens last year's usage report, sees
the labels used prefilled from the codes issued that year, tries a bad quantity (a Chinese
message, nothing written) and submits; an officer at 1280 px accepts it from the listing.
Screenshots go to the screenshot directory."""

import datetime

import pytest
from django.utils import timezone

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import AuthorisationFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceCode, UsageReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"usage-report-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_producer_files_on_a_phone_and_an_officer_accepts(live_server, browser, producer_user, officer, screenshot_dir):
    today = timezone.localdate()
    last_year = today.year - 1
    authorisation = AuthorisationFactory(
        number="LPGI-2025-00002",
        valid_from=datetime.date(last_year, 1, 1),
        valid_until=datetime.date(today.year + 2, 12, 31),
    )
    authorisation.producer.name = "梁平区礼让镇川西柚子专业合作社"
    authorisation.producer.accounts.add(producer_user)
    authorisation.producer.save()
    issue_codes(BatchFactory(authorisation=authorisation), 6)
    TraceCode.objects.update(issued_at=datetime.datetime(last_year, 11, 5, 9, tzinfo=timezone.get_default_timezone()))

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2).new_page()
    log_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/admin/trace/usage/")
    assert "LPGI-2025-00002" in phone.inner_text("main")
    assert no_overflow(phone), phone.evaluate(FIELDS_INSIDE)
    shoot(phone, screenshot_dir, "listing-390")
    phone.click(f"a[href='/admin/trace/usage/{authorisation.pk}/{last_year}/']")
    phone.wait_for_url(f"**/admin/trace/usage/{authorisation.pk}/{last_year}/")
    assert f"{last_year}年在该授权下共发放溯源码 6 个" in phone.inner_text("main")
    assert phone.input_value("input[name=labels_used]") == "6"
    assert no_overflow(phone), phone.evaluate(FIELDS_INSIDE)
    shoot(phone, screenshot_dir, "form-390")

    phone.fill("input[name=sales_regions], textarea[name=sales_regions]", "重庆市主城区、成都市")
    phone.fill("input[name=quantity_sold]", "-3")
    phone.click("button[name=submit]")
    assert "报告未保存" in phone.inner_text("main") and "数量不能为负数" in phone.inner_text("main")
    assert not UsageReport.objects.exists()
    shoot(phone, screenshot_dir, "form-error-390")
    phone.fill("input[name=quantity_sold]", "18600")
    phone.click("button[name=submit]")
    phone.wait_for_selector("[data-status=submitted]")
    assert "已提交登记管理部门" in phone.inner_text("body")
    report = UsageReport.objects.get()
    assert (report.status, report.labels_used, report.quantity_sold) == ("submitted", 6, 18600)
    assert no_overflow(phone)
    shoot(phone, screenshot_dir, "submitted-390")

    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    log_in(desk, live_server.url, "officer")
    assert desk.locator("[data-count=waiting]").inner_text() == "1"  # the dashboard panel
    shoot(desk, screenshot_dir, "dashboard-1280")
    desk.goto(f"{live_server.url}/admin/trace/usage/")
    assert "待审核 (1)" in desk.inner_text("main")
    shoot(desk, screenshot_dir, "officer-listing-1280")
    desk.click("[data-list=waiting] a")
    desk.check("input[name=decision][value=accept]")
    shoot(desk, screenshot_dir, "review-1280")
    desk.click("button:has-text('保存审核结论')")
    desk.wait_for_selector("[data-status=accepted]")
    assert "使用情况报告已通过" in desk.inner_text("body")
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == officer
    shoot(desk, screenshot_dir, "accepted-1280")
