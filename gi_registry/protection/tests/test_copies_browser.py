"""In a real browser: an officer opens the suspected copies and the protection dashboard at 1280 px
and on a 390 px phone; nothing is wider than the screen, axe-core finds nothing serious in the
page's content. Screenshots go to the screenshot directory."""

import datetime

import pytest
from django.utils import timezone

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import family
from gi_registry.protection.models import Case, Report
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import ScanLog, ScanRecord, coarse_origin
from website.tests.test_browser_pages import AXE_OPTIONS, FAILING_IMPACTS, describe, require_axe, settle_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PLACES = ["重庆市", "成都市", "上海市", "广州市", "武汉市"]


def world():
    now = timezone.now()
    for n, (slug, lot) in enumerate([("duck", "YZ2611-07"), ("pomelo", "CX2611-02"), ("duck", "YZ2610-03")]):
        batch = BatchFactory(lot_number=lot, authorisation__geographical_indication__product_family=family(slug))
        issue_codes(batch, 2)
        code = batch.codes.order_by("pk").first()
        records = [
            ScanRecord(
                code.pk,
                now - datetime.timedelta(hours=3 * i + 20 * n),
                coarse_origin(f"198.18.{i}.7"),
                Scan.Client.WECHAT,
                True,
                PLACES[(i + n) % (5 - n)],
            )
            for i in range(8 - 2 * n)
        ]
        ScanLog().write(records, settle=False)
        for week in range(n + 1):
            case = Case.objects.create(trace_code=code, batch=batch, received_at=now - datetime.timedelta(weeks=week))
            Report.objects.create(
                case=case,
                trace_code=code,
                where_bought=Report.WhereBought.MARKET,
                place=PLACES[week],
                submitted_at=now - datetime.timedelta(weeks=week),
            )


def shoot(page, screenshot_dir, name: str) -> None:
    """The whole page: the admin scrolls its main area, so the window is made as tall as it."""
    size = dict(page.viewport_size)
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.querySelector('main').scrollHeight + 200)"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=screenshot_dir / f"protection-{name}.png", full_page=True)
    page.set_viewport_size(size)


def check_axe(page) -> None:
    page.add_script_tag(path=require_axe())
    settle_messages(page)
    result = page.evaluate("options => axe.run(document.querySelector('main'), options)", AXE_OPTIONS)
    serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not serious, describe(serious)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_officer_reads_the_copies_and_the_dashboard(live_server, browser, officer, screenshot_dir, viewport):
    world()
    page = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=2).new_page()
    log_in(page, live_server.url, username="officer")
    width = viewport["width"]

    page.goto(f"{live_server.url}/admin/protection/copies/")
    page.locator("tr[data-copy]").first.wait_for()
    assert page.locator("tr[data-copy]").count() == 3
    text = page.inner_text("main")
    assert "疑似复制" in text and "YZ2611-07" in text and "重庆市" in text
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, f"copies-{width}")
    check_axe(page)

    page.goto(f"{live_server.url}/admin/protection/dashboard/")
    chart = "data-report-chart"
    page.locator(f"svg[{chart}='{'narrow' if width < 600 else 'wide'}']").wait_for()
    assert page.locator(f"svg[{chart}='{'wide' if width < 600 else 'narrow'}']").is_hidden()
    assert page.locator("[data-total=reports]").inner_text() == "6"
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, f"dashboard-{width}")
    check_axe(page)

    page.goto(f"{live_server.url}/admin/protection/copy-thresholds/new/")
    page.select_option("select[name=product_family]", label="鸭子")
    page.fill("input[name=max_networks]", "3")
    page.fill("input[name=max_places]", "1")
    page.fill("input[name=far_apart_hours]", "12")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, f"threshold-form-{width}")
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/admin/protection/copy-thresholds/")
    assert "鸭子" in page.inner_text("main")
    shoot(page, screenshot_dir, f"thresholds-{width}")
