"""The whole journey in real browsers. A consumer on a 390 px phone opens a forged code's trace page,
goes to the report form, reports with a photo (shrunk on the phone by the form's script) and gets a
case number and a follow link. An enforcement officer (group 执法人员, created by the protection
setup after migrate) signs in to the admin on a phone, finds the case in the queue, accepts it,
moves it to investigating and closes it as a confirmed fake with a public outcome. The consumer's
follow page then shows that outcome. axe-core on every consumer and case page; screenshots at
390 and 1280 px."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from PIL import Image

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import make_user
from gi_registry.protection.models import Case, Report
from gi_registry.protection.setup import ENFORCEMENT_STAFF
from website.tests.test_browser_pages import (
    AXE,
    assert_axe_clean,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FORGED = "DEMOXFAKEXCODEX2345X"
PUBLIC_OUTCOME = "经查实为假冒产品，已依法查处，感谢您的举报。"


def shoot(page, screenshot_dir, name: str, full_page: bool = True) -> None:
    path = screenshot_dir / f"journey-{name}.png"
    page.screenshot(path=path, full_page=full_page)


def fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "IMG_3120.jpg"
    Image.effect_noise((2400, 1800), 60).convert("RGB").save(path, "JPEG", quality=80)
    return path


def test_forged_code_to_a_closed_case_and_back_to_the_consumer(live_server, browser, screenshot_dir, photo):
    base = live_server.url
    # the group exists because setup ran on post_migrate, not because the test made it
    assert Group.objects.filter(name=ENFORCEMENT_STAFF).exists()
    make_user("enforcer", ENFORCEMENT_STAFF, email="enforcer@example.invalid")

    # 1. the consumer, on a phone, with JavaScript
    consumer = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    consumer.add_init_script(path=AXE)
    page = consumer.new_page()
    page.goto(f"{base}/t/{FORGED}")
    assert "未登记的追溯码" in page.inner_text("main")
    page.locator(".trace-report").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "1-trace-forged-390")
    assert_axe_clean(page)
    fits_phone(page)
    page.click(".trace-report button")
    page.wait_for_url(f"{base}/report/?code={FORGED}")
    shoot(page, screenshot_dir, "2-form-390")
    assert_axe_clean(page)
    fits_phone(page)
    page.check("input[name=where_bought][value=shop]")
    page.fill("input[name=shop_name]", "双桂街道果品店")
    page.fill("input[name=place]", "梁平区双桂街道")
    page.fill("input[name=price_paid]", "88")
    page.check("input[name=problems][value=code_fails]")
    page.fill("textarea[name=description]", "扫码显示追溯码未登记，包装印刷模糊。")
    page.fill("input[name=phone]", "13900139000")
    page.check("input[name=contact_consent]")
    page.check("input[name=data_consent]")
    page.set_input_files("input[name=photos]", photo)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/report/sent/*")
    case = Case.objects.get()
    text = page.inner_text("main")
    assert case.number in text and "您的案件编号" in text
    report = Report.objects.get()
    assert report.photos.count() == 1 and max(report.photos.get().width, report.photos.get().height) == 1600
    assert report.phone == "13900139000" and report.contact_consent
    shoot(page, screenshot_dir, "3-sent-390")
    assert_axe_clean(page)
    fits_phone(page)
    follow_href = page.locator(".follow-link a").get_attribute("href")
    token = follow_href.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) > 30 and Case.from_follow_token(token) == case  # a signed token, not the id
    page.click(".follow-link a")
    page.wait_for_url(f"{base}/report/f/*")
    follow_url = page.url
    assert case.number in page.inner_text("main") and "已收到" in page.inner_text("main")
    shoot(page, screenshot_dir, "4-follow-new-390")
    assert_axe_clean(page)

    # 2. enforcement staff on a phone: the queue, the case, accept → investigating → closed
    staff_context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    staff_context.add_init_script(path=AXE)
    staff = staff_context.new_page()
    log_in(staff, base, username="enforcer")
    staff.goto(f"{base}/admin/protection/cases/")
    row = staff.locator("table.listing tbody tr", has_text=case.number)
    row.wait_for()
    assert "双桂街道" in row.inner_text() or "梁平区" in row.inner_text()
    assert no_overflow(staff), staff.evaluate(FIELDS_INSIDE)
    shoot(staff, screenshot_dir, "5-queue-390")
    assert_axe_clean(staff)
    row.locator(f"a:has-text('{case.number}')").first.click()
    staff.wait_for_url(f"{base}/admin/protection/cases/inspect/{case.pk}/")
    staff.locator("img[alt='照片 1']").wait_for()
    case_text = staff.inner_text("main")
    assert "双桂街道果品店" in case_text and "13900139000" in case_text  # staff see the contact (consented)
    assert staff.inner_text("[data-shop]") == "梁平区双桂街道 · 双桂街道果品店"  # not the matching key "shop:…|…"
    assert no_overflow(staff), staff.evaluate(FIELDS_INSIDE)
    shoot(staff, screenshot_dir, "6-case-new-390")
    assert_axe_clean(staff)

    def move(status: str, **fields) -> None:
        form = staff.locator("form[data-form=transition]")
        form.locator("select[name=status]").select_option(status)
        for name, value in fields.items():
            field = form.locator(f"[name={name}]")
            if name == "outcome":
                field.select_option(value)
            else:
                field.fill(value)
        form.locator("button[type=submit]").click()
        staff.locator(f"[data-status={status}]").wait_for()

    move("accepted")
    move("investigating")
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING and case.decided_at
    move("closed", outcome="confirmed_fake", public_outcome=PUBLIC_OUTCOME)
    assert PUBLIC_OUTCOME in staff.locator("[data-public-outcome]").inner_text()
    shoot(staff, screenshot_dir, "7-case-closed-390")
    assert_axe_clean(staff)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.CONFIRMED_FAKE and case.closed_at
    staff_context.close()

    # the same case page and queue at 1280 px
    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.add_init_script(path=AXE)
    log_in(desktop, base, username="enforcer")
    desktop.goto(f"{base}/admin/protection/cases/?status=closed")
    desktop.locator("table.listing tbody tr", has_text=case.number).wait_for()
    shoot(desktop, screenshot_dir, "8-queue-closed-1280")
    assert_axe_clean(desktop)
    desktop.goto(f"{base}/admin/protection/cases/inspect/{case.pk}/")
    shoot(desktop, screenshot_dir, "9-case-closed-1280")
    assert_axe_clean(desktop)
    desktop.goto(follow_url)
    shoot(desktop, screenshot_dir, "10-follow-closed-1280")
    desktop.close()

    # 3. the consumer's follow page now shows the outcome, and nobody's personal data
    page.goto(follow_url)
    text = page.inner_text("main")
    assert PUBLIC_OUTCOME in text and case.number in text
    assert "13900139000" not in text and "enforcer" not in text
    fits_phone(page)
    shoot(page, screenshot_dir, "11-follow-closed-390")
    assert_axe_clean(page)
    consumer.close()
