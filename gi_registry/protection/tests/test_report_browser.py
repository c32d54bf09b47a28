"""In a real browser on a 390 px phone: a forged code's trace page → the report form (a mistake
first: the message, what was typed kept) → a photo sent through the phone's shrinking script →
the page with the case number → the follow page. The same without JavaScript (the photo is
shrunk by the server instead). Screenshots at 390 and 1280 px; axe-core on each page."""

import io

import pytest
from django.core.cache import cache
from PIL import Image

from browser import DESKTOP, PHONE
from gi_registry.protection.models import Case, Report, private_storage
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from website.tests.test_browser_pages import (
    assert_axe_clean,
    require_axe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FORGED = "DEMOXFAKEXCODEX2345X"


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"report-{name}.png"
    page.screenshot(path=path, full_page=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit windows of 127.0.0.1 (every live-server request's address) start empty and end empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def big_photo(tmp_path):
    """A 3000×2000 phone photo (noise, so it does not compress to nothing)."""
    path = tmp_path / "IMG_2041.jpg"
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(path, "JPEG", quality=80)
    return path


def fill_report(page, *, consent: bool) -> None:
    page.check("input[name=where_bought][value=market]")
    page.fill("input[name=shop_name]", "双桂农贸市场 3号摊")
    page.fill("input[name=place]", "梁平区双桂街道")
    page.fill("input[name=price_paid]", "68")
    page.check("input[name=problems][value=code_fails]")
    page.fill("textarea[name=description]", "箱子上的二维码扫出来说未登记。")
    if consent:
        page.check("input[name=data_consent]")


def stored_size(report: Report) -> tuple[int, int]:
    photo = report.photos.get()
    with private_storage.open(photo.image.name) as f:
        return Image.open(io.BytesIO(f.read())).size


def report_flow(browser, base, screenshot_dir, big_photo, *, javascript: bool, tag: str) -> Report:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, java_script_enabled=javascript)
    if javascript:
        context.add_init_script(path=require_axe())
    page = context.new_page()
    page.goto(f"{base}/t/{FORGED}")
    assert "未登记的追溯码" in page.inner_text("main")
    if javascript:
        page.locator(".trace-report").scroll_into_view_if_needed()
        shoot(page, screenshot_dir, "trace-forged-390")
    page.click("button:has-text('我要举报')")
    page.wait_for_url(f"{base}/report/?code={FORGED}")
    assert "DEMOX FAKEX CODEX 2345X" in page.inner_text("main")
    # a mistake first: no consent ticked
    fill_report(page, consent=False)
    page.set_input_files("input[name=photos]", big_photo)
    page.click("button[type=submit]")
    page.locator(".report-errors").wait_for()
    assert "请同意处理您的举报" in page.inner_text("main")
    assert page.input_value("input[name=shop_name]") == "双桂农贸市场 3号摊"
    assert page.is_checked("input[name=problems][value=code_fails]")
    assert not Report.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, screenshot_dir, f"form-error-390{tag}")
    if javascript:
        assert_axe_clean(page)
    # send it
    page.check("input[name=data_consent]")
    page.set_input_files("input[name=photos]", big_photo)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/report/sent/*")
    case = Case.objects.get()
    text = page.inner_text("main")
    assert case.number in text and "您的案件编号" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, screenshot_dir, f"sent-390{tag}")
    if javascript:
        assert_axe_clean(page)
    page.click(".follow-link a")
    page.wait_for_url(f"{base}/report/f/*")
    text = page.inner_text("main")
    assert case.number in text and "已收到" in text and "13800138000" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, screenshot_dir, f"follow-390{tag}")
    if javascript:
        assert_axe_clean(page)
    context.close()
    return Report.objects.get()


def test_report_from_a_forged_code_on_a_phone_with_the_photo_shrunk_on_the_phone(
    live_server, browser, screenshot_dir, big_photo
):
    report = report_flow(browser, live_server.url, screenshot_dir, big_photo, javascript=True, tag="")
    # the phone's script sent a 1600 px JPEG (the server alone would keep 2048 px)
    assert max(stored_size(report)) == 1600
    assert report.shop_name == "双桂农贸市场 3号摊" and report.verdict == "unknown"

    # a genuine box: "something wrong with this box?" below the batch's details
    code = issue_codes(BatchFactory(lot_number="LP2026-0301"), 1)[0]
    phone = browser.new_page(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    phone.goto(f"{live_server.url}/t/{code.printed_code}")
    phone.locator(".trace-report").scroll_into_view_if_needed()
    assert "这箱有问题？" in phone.inner_text(".trace-report")
    shoot(phone, screenshot_dir, "trace-genuine-390")
    phone.click(".trace-report button")
    phone.wait_for_url(f"{live_server.url}/report/?code=*")
    assert "正品" in phone.inner_text(".report-code")
    phone.close()

    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.goto(f"{live_server.url}/t/{FORGED}")
    shoot(desktop, screenshot_dir, "trace-forged-1280")
    desktop.goto(f"{live_server.url}/report/?code={FORGED}")
    desktop.click("button[type=submit]")
    desktop.locator(".report-errors").wait_for()
    shoot(desktop, screenshot_dir, "form-error-1280")
    token = report.case.follow_token
    desktop.goto(f"{live_server.url}/report/sent/{token}")
    shoot(desktop, screenshot_dir, "sent-1280")
    desktop.goto(f"{live_server.url}/report/f/{token}")
    shoot(desktop, screenshot_dir, "follow-1280")
    desktop.close()


def test_report_without_javascript(live_server, browser, screenshot_dir, big_photo):
    report = report_flow(browser, live_server.url, screenshot_dir, big_photo, javascript=False, tag="-nojs")
    assert max(stored_size(report)) == 2048  # the server shrank it
    assert report.photos.get().size < big_photo.stat().st_size
