"""In a real browser, as a registry officer, in Chinese: download the import template, fill it and
import it (the preview shows what each cell was understood as; confirming writes); import a file
with one bad row (nothing written, the row and cell named); register an authorisation (its number
shown before saving, given on save); add a producer with a wrong, then a right credit code.
Screenshots at 1280 and 390 px go to the screenshot directory."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from browser import DESKTOP, PHONE
from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, make_credit_code
from gi_registry.models import Authorisation, Producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
YEAR = timezone.localdate().year
IMPORT_URL = "/admin/registry-import/"


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"importnum-{name}.png"
    page.screenshot(path=path, full_page=True)


def page_width_fits(page) -> bool:
    """The page itself is no wider than the screen (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def open_as_officer(browser, base: str, viewport, **kwargs):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **kwargs)
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return context, page


def upload(page, base: str, kind: str, path: Path) -> None:
    page.goto(f"{base}{IMPORT_URL}")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("[data-import-rows]")


def test_officer_imports_from_the_template_and_a_bad_file_writes_nothing(
    live_server, browser, officer, screenshot_dir, tmp_path
):
    GeographicalIndicationFactory(name="梁平柚")
    base = live_server.url
    context, page = open_as_officer(browser, base, DESKTOP, accept_downloads=True)
    page.goto(f"{base}{IMPORT_URL}")
    shoot(page, screenshot_dir, "upload-1280")
    with page.expect_download() as download_info:
        page.locator("[data-template-xlsx=producers]").click()
    download = download_info.value
    assert download.suggested_filename == "producers-template.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[:2] == ["生产主体", "填写说明"]
    sheet = workbook.worksheets[0]
    good = make_credit_code(921)
    sheet.append(
        [good, "梁平区礼让镇金柚专业合作社", "合作社", "礼让", "川西村3组", None, None, "柚子", "李四", None, "否"]
    )
    filled = tmp_path / "生产主体.xlsx"
    workbook.save(filled)

    upload(page, base, "producers", filled)
    row = page.locator("tr[data-row='3']")
    assert "专业合作社" in row.locator("[data-field=kind]").inner_text()
    assert "合作社" in row.locator("[data-field=kind] s").inner_text()  # what the file said
    assert "礼让镇" in row.locator("[data-field=township]").inner_text()
    assert "示例行" in page.locator("tr[data-row='2']").inner_text()
    assert not Producer.objects.exists()
    shoot(page, screenshot_dir, "preview-good-1280")
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/admin/snippets/gi_registry/producer/")
    assert Producer.objects.get().credit_code == good
    page.wait_for_selector(".messages .success", state="visible")
    page.wait_for_timeout(800)  # the message slides in
    shoot(page, screenshot_dir, "imported-1280")

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "统一社会信用代码,名称,类型,乡镇,有效期\n"
        f"{make_credit_code(922)},甲合作社,合作社,礼让镇,\n"
        f"{make_credit_code(923)},乙公司,公司,月亮镇,\n",
        encoding="utf-8-sig",
    )
    upload(page, base, "producers", bad)
    error = page.locator("[data-import-errors] tr[data-error-cell='D3']")
    assert "第 3 行" in error.inner_text() and "月亮镇" in error.inner_text()
    assert page.locator("form[action$='/confirm/']").count() == 0
    assert Producer.objects.count() == 1
    shoot(page, screenshot_dir, "preview-bad-1280")
    context.close()

    context, phone = open_as_officer(browser, base, PHONE, device_scale_factor=2)
    phone.goto(f"{base}{IMPORT_URL}")
    assert page_width_fits(phone)
    shoot(phone, screenshot_dir, "upload-390")
    upload(phone, base, "producers", filled)
    assert "无变化" in phone.locator("tr[data-row='3']").inner_text()  # imported already: unchanged
    assert page_width_fits(phone)
    shoot(phone, screenshot_dir, "preview-good-390")
    upload(phone, base, "producers", bad)
    assert page_width_fits(phone)
    shoot(phone, screenshot_dir, "preview-bad-390")
    context.close()


def choose(page, field: str, name: str) -> None:
    """Pick ``name`` in the chooser of ``field`` (Wagtail's modal)."""
    page.locator(f"#id_{field}-chooser .unchosen button").click()
    page.locator(".modal a", has_text=name).first.click()
    page.wait_for_selector(f"#id_{field}-chooser:not(.blank)")


def test_officer_registers_an_authorisation_and_adds_producers(live_server, browser, officer, screenshot_dir):
    GeographicalIndicationFactory(name="梁平柚")
    ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    base = live_server.url
    context, page = open_as_officer(browser, base, DESKTOP)
    page.goto(f"{base}/admin/snippets/gi_registry/authorisation/add/")
    expected = f"LPGI-{YEAR}-00001"
    assert page.get_attribute("input[name=number]", "placeholder") == expected
    assert f"将分配编号 {expected}" in page.locator("main").inner_text()
    shoot(page, screenshot_dir, "authorisation-add-1280")
    choose(page, "producer", "金柚专业合作社")
    choose(page, "geographical_indication", "梁平柚")
    page.fill("input[name=valid_from]", f"{YEAR}-01-01")
    page.fill("input[name=valid_until]", f"{YEAR + 2}-12-31")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/snippets/gi_registry/authorisation/**")
    assert Authorisation.objects.get().number == expected
    assert expected in page.locator("body").inner_text()
    shoot(page, screenshot_dir, "authorisation-saved-1280")
    context.close()

    context, phone = open_as_officer(browser, base, PHONE, device_scale_factor=2)
    phone.goto(f"{base}/admin/snippets/gi_registry/authorisation/add/")
    assert f"LPGI-{YEAR}-00002" in phone.locator("main").inner_text()
    assert page_width_fits(phone)
    shoot(phone, screenshot_dir, "authorisation-add-390")

    phone.goto(f"{base}/admin/snippets/gi_registry/producer/add/")
    good = make_credit_code(931)
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    phone.fill("input[name=name]", "梁平区虎城镇示范家庭农场")
    phone.fill("input[name=credit_code]", wrong)
    phone.select_option("select[name=kind]", "family_farm")
    phone.select_option("select[name=township]", index=1)
    phone.locator("footer button[type=submit]").first.click()
    phone.wait_for_selector(".error-message")
    field = phone.locator("[data-field-wrapper]:has(#id_credit_code)")
    assert "校验码有误" in field.inner_text()
    assert phone.input_value("input[name=credit_code]") == wrong
    assert not Producer.objects.filter(name="梁平区虎城镇示范家庭农场").exists()
    field.scroll_into_view_if_needed()
    assert page_width_fits(phone)
    shoot(phone, screenshot_dir, "producer-wrong-code-390")
    phone.fill("input[name=credit_code]", good)
    phone.locator("footer button[type=submit]").first.click()
    phone.wait_for_url(f"{base}/admin/snippets/gi_registry/producer/**")
    assert Producer.objects.get(name="梁平区虎城镇示范家庭农场").credit_code == good
    shoot(phone, screenshot_dir, "producer-saved-390")
    context.close()

    context, page = open_as_officer(browser, base, DESKTOP)
    page.goto(f"{base}/admin/snippets/gi_registry/producer/add/")
    page.fill("input[name=credit_code]", "91500155MA00")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_selector(".error-message")
    assert "应为18位" in page.locator("[data-field-wrapper]:has(#id_credit_code)").inner_text()
    shoot(page, screenshot_dir, "producer-short-code-1280")
    context.close()
