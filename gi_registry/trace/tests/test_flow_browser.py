"""The whole journey in a real browser, as the demo producer on a 390 px phone: from the workspace's
"登记新批次" through the guided flow — a batch copied from the last one, its harvest, inspection
(with results), packing and shipping, 24 codes, the print preview and the label PDF — to the
compliance certificate and its PDFs (every QR decoded with zxing-cpp), then a code's trace page and
the certificate's public page on the phone. Each step is checked with axe-core and shot at 390 and
1280 px (the screenshot directory, ``flow-*.png``)."""

import io
import re

import pypdfium2
import pytest

from browser import DESKTOP, PHONE, log_in, no_overflow, wait_for_image
from core.demo import load_demo_data
from gi_registry.demo import DEFAULT_DEMO_PASSWORD
from gi_registry.trace import certificates
from gi_registry.trace.models import Batch, ComplianceCertificate
from website.tests.test_browser_pages import AXE, AXE_OPTIONS, FAILING_IMPACTS, describe, require_axe, settle_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOT = "LP2026-FLOW1"


def shoot(page, screenshot_dir, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the admin's sticky header stays at the top of the shot
    page.screenshot(path=screenshot_dir / f"flow-{name}.png", full_page=True)


def axe_clean(page, where: str) -> None:
    """No serious or critical axe-core violation on the page."""
    require_axe()
    settle_messages(page)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    details = "\n".join(f"    {n['html'][:120]}: {n['failureSummary']}" for v in serious for n in v["nodes"][:3])
    assert not serious, f"{where}:\n{describe(serious)}\n{details}"


def pdf_pages(data: bytes, dpi: int = 200):
    doc = pypdfium2.PdfDocument(data)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def qr_texts(data: bytes, dpi: int = 300) -> list[str]:
    import zxingcpp

    found = []
    for image in pdf_pages(data, dpi):
        found += [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def download(page, locator) -> bytes:
    with page.expect_download() as info:
        page.click(locator)
    return open(info.value.path(), "rb").read()


def add_event(page, step: str, when: str, place: str, rows=()) -> None:
    page.select_option("select[name=business_step]", step)
    page.fill("input[name=event_time]", when)
    page.fill("input[name=read_point]", place)
    for i, row in enumerate(rows):
        page.fill(f"input[name=results-{i}-item]", row["item"])
        page.fill(f"input[name=results-{i}-value]", row["value"])
        page.fill(f"input[name=results-{i}-unit]", row["unit"])
        page.fill(f"input[name=results-{i}-limit]", row["limit"])
        page.select_option(f"select[name=results-{i}-pass]", "yes")
    count = page.locator("[data-events] li").count()
    page.click("button[data-add-event]")
    page.locator("[data-events] li").nth(count).wait_for()


def test_demo_producer_registers_a_batch_prints_labels_and_a_certificate_on_a_phone(
    live_server, browser, screenshot_dir
):
    load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, accept_downloads=True)
    page = context.new_page()
    log_in(page, base, "producer", DEFAULT_DEMO_PASSWORD)

    # the workspace: "登记新批次" opens step 1, the batch form; copy the last batch
    page.click("a[data-flow-start]")
    page.wait_for_url(f"{base}/admin/snippets/gi_registry/batch/add/?flow=1")
    page.click("a[data-copy-last]")
    page.wait_for_url(re.compile(r".*/batch/add/\?copy=last&flow=1$"))
    assert page.locator('[data-flow-step="batch"][data-current]').is_visible()
    assert "已按批次" in page.inner_text("main")  # prefilled from the last batch
    page.fill("input[name=lot_number]", LOT)
    page.fill("input[name=production_date]", "2026-11-20")
    page.fill("input[name=quantity]", "24")
    page.select_option("select[name=unit]", "box")
    assert no_overflow(page)
    shoot(page, screenshot_dir, "1-batch-390")
    axe_clean(page, "step 1, the batch form")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/trace/flow/\d+/events/$"))
    batch = Batch.objects.get(lot_number=LOT)
    flow = f"{base}/admin/trace/flow/{batch.pk}"

    # step 2: harvest, inspection with results, packing, shipping on one page
    assert "第 2 步，共 5 步" in page.inner_text("main")
    add_event(page, "commissioning", "2026-11-20T07:30", "礼让镇川西村柚园3号地块")
    rows = [
        {"item": "可溶性固形物", "value": "11.8", "unit": "%", "limit": "≥ 10"},
        {"item": "单果重", "value": "1420", "unit": "g", "limit": "≥ 1000"},
    ]
    add_event(page, "inspecting", "2026-11-21T10:00", "梁平区农产品质量检测站", rows)
    add_event(page, "packing", "2026-11-22T09:00", "合作社包装车间")
    add_event(page, "shipping", "2026-11-23T15:00", "梁平区双桂街道")
    assert page.locator("[data-event-checklist] [data-done]").count() == 4
    assert page.locator("[data-batch-results]").inner_text().count("是") >= 2
    batch.refresh_from_db()
    # the two rows measured; the other items copied from the last batch, left without a value, are not results
    assert [(r["item"], r["value"], r["pass"]) for r in batch.inspection_results] == [
        ("可溶性固形物", 11.8, True),
        ("单果重", 1420, True),
    ]
    assert no_overflow(page)
    shoot(page, screenshot_dir, "2-events-390")
    axe_clean(page, "step 2, events")

    # step 3: codes within the quota (the batch's 24 boxes proposed)
    page.click("a[data-flow-next]")
    page.wait_for_url(f"{flow}/codes/")
    assert page.input_value("input[name=count]") == "24"
    shoot(page, screenshot_dir, "3-codes-390")
    axe_clean(page, "step 3, codes")
    page.click("form[data-issue-form] button[type=submit]")
    page.wait_for_url(f"{flow}/labels/")
    assert batch.codes.count() == 24

    # step 4: the print preview, then the PDF
    preview = page.locator("[data-print-preview] img")
    preview.wait_for()
    wait_for_image(preview)
    assert preview.bounding_box()["width"] <= PHONE["width"]
    assert "24 个标签，共 1 张 A4" in page.inner_text("main")
    assert no_overflow(page)
    shoot(page, screenshot_dir, "4-labels-390")
    preview.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "flow-4-preview-390.png")
    axe_clean(page, "step 4, labels")
    pdf = download(page, "a[data-label-download]")
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf, dpi=150)
    assert len(pages) == 1 and pages[0].width < pages[0].height  # one A4 sheet, portrait

    # step 5: a fresh pomelo needs the certificate; issue it and download its PDFs
    page.click("a[data-flow-next]")
    page.wait_for_url(f"{flow}/certificate/")
    assert page.locator('[data-requirement="needed"]').is_visible()
    shoot(page, screenshot_dir, "5-certificate-390")
    axe_clean(page, "step 5, certificate")
    page.click("a[data-issue-certificate]")
    page.wait_for_url(f"{base}/admin/trace/batch/{batch.pk}/certificate/")
    assert page.input_value("input[name=quantity]") == "24"
    page.click("button[type=submit]:has-text('开具合格证')")
    page.wait_for_url(re.compile(r".*/certificate/#certificate-\d+$"))
    cert = ComplianceCertificate.objects.get(batch=batch)
    url = certificates.certificate_url(cert)
    a6 = download(page, "text=PDF（A6）")
    sheet = download(page, "text=PDF（A4，每页8张）")
    assert qr_texts(a6) == [url]  # every QR symbol of both PDFs opens the certificate's page
    assert qr_texts(sheet) == [url] * 8
    page.goto(f"{flow}/certificate/")
    assert page.locator("[data-flow-finished]").is_visible()
    shoot(page, screenshot_dir, "5-done-390")
    page.goto(f"{base}/admin/")
    assert page.locator(f'[data-unfinished="{LOT}"]').count() == 0

    # a buyer's phone: a code's trace page and the certificate's public page
    code = batch.codes.order_by("pk").first().printed_code
    buyer = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2).new_page()
    buyer.goto(f"{base}/t/{code}")
    assert LOT in buyer.inner_text("main") and "可溶性固形物" in buyer.inner_text("main")
    shoot(buyer, screenshot_dir, "trace-page-390")
    buyer.click("a[data-certificate-link]")
    buyer.wait_for_url(f"{base}/c/{cert.token}")
    assert "承诺达标合格证" in buyer.inner_text("main")
    assert buyer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(buyer, screenshot_dir, "certificate-public-390")
    context.close()

    # the same steps at 1280 px
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    log_in(desktop, base, "producer", DEFAULT_DEMO_PASSWORD)
    shoot(desktop, screenshot_dir, "workspace-1280")
    desktop.goto(f"{base}/admin/snippets/gi_registry/batch/add/?copy=last&flow=1")
    shoot(desktop, screenshot_dir, "1-batch-1280")
    axe_clean(desktop, "step 1 at 1280 px")
    for number, step in ((2, "events"), (3, "codes"), (4, "labels"), (5, "certificate")):
        desktop.goto(f"{flow}/{step}/")
        assert desktop.locator(f'[data-flow-step="{step}"][data-current]').is_visible()
        axe_clean(desktop, f"step {number} at 1280 px")
        shoot(desktop, screenshot_dir, f"{number}-{step}-1280")
    desktop.close()
