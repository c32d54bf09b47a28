"""In a real browser, a producer on a 390 px phone issues the compliance certificate of its batch,
downloads the A6 PDF, and opens the certificate's public page from a code's trace page; nothing is
wider than the phone. Screenshots at 390 and 1280 px go to the screenshot directory."""

import pytest

from browser import DESKTOP, PHONE
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import ComplianceCertificate
from website.tests.test_browser_pages import AXE_OPTIONS, FAILING_IMPACTS, describe, require_axe

from .test_batch_form_browser import FIELDS_INSIDE, log_in, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"certificate-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_producer_issues_a_certificate_on_a_phone_and_a_buyer_opens_it(
    live_server, browser, producer_user, screenshot_dir
):
    batch = BatchFactory(product_name="梁平柚 礼盒装", lot_number="LP2026-0201")
    batch.producer.name = "梁平区礼让镇川西柚子专业合作社"
    batch.producer.contact_person = "陈明"
    batch.producer.contact_phone = "023-53220000"
    batch.producer.accounts.add(producer_user)
    batch.producer.save()
    code = issue_codes(batch, 1)[0]
    form_url = f"{live_server.url}/admin/trace/batch/{batch.pk}/certificate/"

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url)
    page.goto(form_url)
    assert "本批次销售时需要开具承诺达标合格证" in page.inner_text("main")
    assert page.input_value("input[name=producer_name]") == "梁平区礼让镇川西柚子专业合作社"
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "form-390")
    # a bad quantity: a Chinese message, nothing written
    page.fill("input[name=quantity]", "0")
    page.click("button[type=submit]:has-text('开具合格证')")
    assert "数量必须大于零" in page.inner_text("main")
    assert not ComplianceCertificate.objects.exists()
    shoot(page, screenshot_dir, "form-error-390")
    page.fill("input[name=quantity]", "1200")
    page.click("button[type=submit]:has-text('开具合格证')")
    page.wait_for_url(f"{form_url}#certificate-*")
    cert = ComplianceCertificate.objects.get()
    assert cert.quantity == 1200 and cert.producer_contact == "陈明 023-53220000"
    with page.expect_download() as download:
        page.click("text=PDF（A6）")
    assert download.value.suggested_filename.endswith(".pdf")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, "issued-390")

    # a buyer scans a box: the trace page links to the certificate
    buyer = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2).new_page()
    buyer.add_init_script(path=require_axe())
    buyer.goto(f"{live_server.url}/t/{code.printed_code}")
    buyer.locator("a[data-certificate-link]").scroll_into_view_if_needed()
    shoot(buyer, screenshot_dir, "trace-page-390")
    buyer.click("a[data-certificate-link]")
    buyer.wait_for_url(f"{live_server.url}/c/{cert.token}")
    text = buyer.inner_text("main")
    assert "承诺达标合格证" in text and "不使用非法添加物" in text and "1200 千克" in text
    assert buyer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(buyer, screenshot_dir, "public-390")
    result = buyer.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not serious, describe(serious)
    buyer.goto(f"{live_server.url}/en/c/{cert.token}")
    shoot(buyer, screenshot_dir, "public-en-390")

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(desktop, live_server.url)
    desktop.goto(form_url)
    shoot(desktop, screenshot_dir, "form-1280")
    desktop.goto(f"{live_server.url}/c/{cert.token}")
    shoot(desktop, screenshot_dir, "public-1280")
    desktop.close()
    context.close()
