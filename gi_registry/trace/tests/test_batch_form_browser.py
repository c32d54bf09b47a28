"""In a real browser, a producer on a 390 px phone registers a batch with two inspection results,
issues 24 codes and downloads the label PDF with error correction Q; nothing is wider than the phone.
Screenshots at 1280 and 390 px go to the screenshot directory."""

from pathlib import Path

import pytest

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import AuthorisationFactory
from gi_registry.trace.models import Batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"batchform-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_producer_registers_a_batch_on_a_phone_and_prints_sturdier_labels(
    live_server, browser, producer_user, screenshot_dir
):
    auth = AuthorisationFactory(yearly_quota=500, number="LPGI-2025-00042")
    auth.producer.name = "梁平区礼让镇金柚专业合作社"
    auth.producer.accounts.add(producer_user)
    auth.producer.save()

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/admin/snippets/gi_registry/batch/add/")
    shoot(desktop, screenshot_dir, "add-1280")
    desktop.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/snippets/gi_registry/batch/add/")
    # the only valid authorisation is already chosen
    assert page.input_value("select[name=authorisation]") == str(auth.pk)
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "add-top-390")
    page.fill("input[name=lot_number]", "LP2025-PHONE")
    page.fill("input[name=production_date]", "2025-10-20")
    page.fill("input[name=inspection_results-0-item]", "可溶性固形物")
    page.fill("input[name=inspection_results-0-value]", "11.4")
    page.fill("input[name=inspection_results-0-unit]", "%")
    page.fill("input[name=inspection_results-0-limit]", "≥ 10")
    page.select_option("select[name=inspection_results-0-pass]", "yes")
    page.fill("input[name=inspection_results-1-item]", "单果重")
    page.fill("input[name=inspection_results-1-value]", "1350")
    page.fill("input[name=inspection_results-1-unit]", "g")
    page.fill("input[name=inspection_results-1-limit]", "≥ 1000")
    page.select_option("select[name=inspection_results-1-pass]", "yes")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    page.locator("input[name=inspection_results-1-item]").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "add-results-390")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/snippets/gi_registry/batch/")

    batch = Batch.objects.get(lot_number="LP2025-PHONE")
    assert [row["item"] for row in batch.inspection_results] == ["可溶性固形物", "单果重"]
    assert batch.inspection_results[0]["value"] == 11.4 and batch.inspection_results[1]["pass"] is True

    page.goto(f"{live_server.url}/admin/trace/batch/{batch.pk}/")
    page.fill("input[name=count]", "24")
    page.locator("form[action$='/issue/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/trace/batch/{batch.pk}/")
    assert batch.codes.count() == 24
    page.select_option("select[name=ec]", "Q")
    page.select_option("select[name=layout]", "3x8")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    page.locator("select[name=ec]").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "codes-390")
    with page.expect_download() as download_info:
        page.locator("button[data-label-pdf]").first.click()
    download = download_info.value
    assert "ec=Q" in download.url and "layout=3x8" in download.url
    assert download.suggested_filename == "LP2025-PHONE-labels-3x8.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    context.close()

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/admin/trace/batch/{batch.pk}/")
    shoot(desktop, screenshot_dir, "codes-1280")
    desktop.goto(f"{live_server.url}/admin/snippets/gi_registry/batch/edit/{batch.pk}/")
    shoot(desktop, screenshot_dir, "edit-1280")
    desktop.close()
