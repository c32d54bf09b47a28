"""In a real browser: a producer on a 390 px phone and an officer at 1280 px open the scan
dashboard, set a date range, read the breakdowns and export the CSV; the producer downloads the
alignment sheet and a label PDF of a long-named cooperative. Screenshots go to the screenshot
directory; the PDFs are rendered to PNG there too."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from browser import DESKTOP, PHONE
from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan

from .test_label_sheets import LONGEST_DEMO_PRODUCER, font_dictionaries, page_text
from .test_labels import decode, pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TZ = timezone.get_default_timezone()


def shoot(page, screenshot_dir, name: str) -> None:
    """The whole page: Wagtail's admin scrolls inside its layout, so the window is made as tall
    as the content for the picture."""
    path = screenshot_dir / f"scanlabels-{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.querySelector('main')?.scrollHeight || 0)"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 200, 6000))})
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def wider_than_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") > page.viewport_size["width"]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def scans(code, day: datetime.date, n: int, client: str) -> None:
    when = datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ)
    Scan.objects.bulk_create(Scan(code=code, scanned_at=when, client=client) for _ in range(n))


@pytest.fixture
def scanned(producer_user, officer):
    pomelo = GeographicalIndicationFactory(name="梁平柚")
    mine = BatchFactory(
        authorisation=AuthorisationFactory(
            producer=ProducerFactory(name=LONGEST_DEMO_PRODUCER), geographical_indication=pomelo
        ),
        lot_number="LP2025-1018",
        product_name="梁平柚 礼盒装 10斤",
    )
    mine.producer.accounts.add(producer_user)
    mine.producer.save()
    theirs = BatchFactory(
        authorisation=AuthorisationFactory(producer=ProducerFactory(name="重庆梁平竹乡笋制品有限公司")),
        lot_number="THEIRS-77",
    )
    today = timezone.localdate()
    codes = issue_codes(mine, 24)
    their_code = issue_codes(theirs, 1)[0]
    for i, code in enumerate(codes[:12]):
        scans(code, today - datetime.timedelta(days=i * 3 % 40), 1 + i % 5, ("wechat", "alipay", "browser")[i % 3])
    scans(their_code, today - datetime.timedelta(days=2), 9, "browser")
    return {"mine": mine, "theirs": theirs, "today": today}


def set_range(page, start: datetime.date, end: datetime.date) -> None:
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=end]", end.isoformat())
    page.locator("form.scan-range button[type=submit]").click()
    page.wait_for_load_state()


def read_csv(download) -> list[list[str]]:
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_producer_on_a_phone_reads_its_scans_and_prints_labels(live_server, browser, scanned, screenshot_dir):
    today = scanned["today"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "producer")
    page.goto(f"{live_server.url}/admin/trace/scans/")
    assert page.locator("[data-scan-total]").inner_text() != ""
    assert page.locator("[data-date-tick]").count() >= 4
    # the phone gets the narrow drawing (its text readable), not the wide one scaled down
    assert page.locator("[data-scan-chart=narrow]").is_visible()
    assert not page.locator("[data-scan-chart=wide]").is_visible()
    assert not wider_than_screen(page)
    shoot(page, screenshot_dir, "dashboard-producer-390")
    # a range with a start after its end: a Chinese message, what was typed kept
    page.fill("input[name=start]", "2025-10-31")
    page.fill("input[name=end]", "2025-10-01")
    page.locator("form.scan-range button[type=submit]").click()
    page.wait_for_load_state()
    assert "开始日期晚于结束日期" in page.locator("[data-range-error]").inner_text()
    assert page.input_value("input[name=start]") == "2025-10-31"
    shoot(page, screenshot_dir, "dashboard-bad-range-390")
    set_range(page, today - datetime.timedelta(days=13), today)
    assert page.locator("[data-date-tick]").first.text_content() == (today - datetime.timedelta(days=13)).isoformat()
    html = page.content()
    assert "LP2025-1018" in html and "THEIRS-77" not in html and "竹乡" not in html
    assert page.locator('[data-breakdown="batch"] tbody tr').count() == 1
    assert not wider_than_screen(page)
    shoot(page, screenshot_dir, "dashboard-range-390")
    with page.expect_download() as info:
        page.locator("[data-scan-csv]").click()
    rows = read_csv(info.value)
    assert len([r for r in rows if r[0] == "日"]) == 14
    assert {r[1] for r in rows if r[0] == "批次"} == {"LP2025-1018"}

    # the codes page: the alignment sheet, then the labels
    page.goto(f"{live_server.url}/admin/trace/batch/{scanned['mine'].pk}/")
    assert not wider_than_screen(page)
    page.locator("[data-alignment-sheet='4x10']").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "codes-alignment-390")
    with page.expect_download() as info:
        page.locator("[data-alignment-sheet='4x10']").click()
    alignment = Path(info.value.path()).read_bytes()
    assert alignment.startswith(b"%PDF") and info.value.suggested_filename == "label-alignment-4x10.pdf"
    assert all(embedded for _, embedded in font_dictionaries(alignment))
    with page.expect_download() as info:
        page.locator("button[data-label-pdf]").first.click()
    pdf = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "LP2025-1018-labels-3x8.pdf"
    assert all(embedded for _, embedded in font_dictionaries(pdf))
    assert "".join(page_text(pdf).split()).count(LONGEST_DEMO_PRODUCER) == 24
    assert len(decode(pdf_pages(pdf)[0])) == 24
    for name, body in (("labels-3x8", pdf), ("alignment-4x10", alignment)):
        path = screenshot_dir / f"scanlabels-{name}.png"
        pdf_pages(body, dpi=110)[0].save(path)
    context.close()


def test_officer_at_1280_sees_every_producer_and_exports(live_server, browser, scanned, screenshot_dir):
    today = scanned["today"]
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    log_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/admin/trace/scans/")
    set_range(page, today - datetime.timedelta(days=59), today)
    html = page.content()
    assert "THEIRS-77" in html and "LP2025-1018" in html and "重庆梁平竹乡笋制品有限公司" in html
    for kind in ("gi", "producer", "batch", "client"):
        assert page.locator(f'[data-breakdown="{kind}"] tbody tr').count() >= 1
    assert page.locator("[data-scan-chart=wide]").is_visible()
    shoot(page, screenshot_dir, "dashboard-officer-1280")
    # drill down to one producer from its breakdown row
    page.locator('[data-breakdown="producer"] a', has_text="竹乡").click()
    page.wait_for_load_state()
    assert page.locator("[data-scan-total]").inner_text() == "9"
    shoot(page, screenshot_dir, "dashboard-officer-producer-1280")
    with page.expect_download() as info:
        page.locator("[data-scan-csv]").click()
    rows = read_csv(info.value)
    assert len([r for r in rows if r[0] == "日"]) == 60
    assert {r[1] for r in rows if r[0] == "批次"} == {"THEIRS-77"}
    # the codes page offers both alignment sheets
    page.goto(f"{live_server.url}/admin/trace/batch/{scanned['mine'].pk}/")
    assert page.locator("[data-alignment-sheet]").count() == 2
    shoot(page, screenshot_dir, "codes-officer-1280")
    page.close()
