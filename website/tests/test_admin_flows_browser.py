"""In a real browser, two tasks of the issue end to end, with screenshots at 1280 and 390 px:

- publish through moderation: a brand editor edits a brand page and submits it; the registry officer
  sees it marked "审核中" in the page explorer, approves it from the edit page, is told it is live,
  and the public page shows the change;
- translate a page: the officer uses "Translate" (wagtail.contrib.simple_translation) on a brand
  page, edits the English copy, publishes it, and /en/brands/... shows it.

Also the registry's own branding: the login page, the dashboard and a listing, looked at as each
viewport shows them, with the text on the primary colours measured for contrast.
"""

from pathlib import Path

import pytest
from wagtail.models import Locale, Page

from brands.factories import brand_index, brand_page
from brands.models import BrandPage
from browser import DESKTOP, PHONE, log_in, no_overflow
from gi_registry.factories import ProducerFactory

from .test_localisation import translate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
NAME = "梁平地理标志与农产品品牌登记"


def shoot(page, screenshot_dir: Path, name: str, full_page: bool = True) -> None:
    path = screenshot_dir / f"admin-{name}.png"
    page.screenshot(path=path, full_page=full_page)


def messages(page) -> str:
    return " ".join(page.locator(".messages li").all_inner_texts())


def footer_action(page, selector: str) -> str:
    """Press the edit form's footer button ``selector``: the main button, or one in the menu beside
    it. Returns its label, as the user reads it."""
    footer = page.locator("footer")
    button = footer.locator(selector).first
    if not button.is_visible():
        footer.locator("[data-w-dropdown-target='toggle']").first.click()
    label = button.inner_text().strip()
    button.click()
    return label


@pytest.fixture
def sanxia(db):
    brand_index()
    return brand_page(
        title="三峡晒秋", slug="sanxia-shaiqiu", slogan="三峡晒秋，丰味梁平", brand_owner="梁平区农业农村委员会"
    )


def test_brand_page_published_through_moderation(live_server, browser, brand_editor, officer, sanxia, screenshot_dir):
    base = live_server.url
    editor = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(editor, base, "editor")
    editor.goto(f"{base}/admin/pages/{sanxia.pk}/edit/")
    editor.fill("input[name=slogan]", "晒出丰收，晒出梁平")
    assert "提交" in footer_action(editor, "button[name=action-submit]")
    editor.wait_for_load_state()
    assert "已经提交进行审核" in messages(editor)
    shoot(editor, screenshot_dir, "moderation-1-submitted-1280", full_page=False)
    editor.close()
    sanxia.refresh_from_db()
    assert sanxia.slogan == "三峡晒秋，丰味梁平"  # not public yet

    for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, base, "officer")
        page.goto(f"{base}/admin/pages/{sanxia.get_parent().pk}/")
        row = page.locator("tr", has_text="三峡晒秋")
        assert "审核中" in row.inner_text()  # Wagtail's status tag: 发布+审核中
        assert no_overflow(page)
        shoot(page, screenshot_dir, f"moderation-2-explorer-{size}")
        if size == "390":
            page.goto(f"{base}/admin/pages/{sanxia.pk}/edit/")
            assert no_overflow(page)
            assert footer_action(
                page, "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
            ).startswith("批准")
            page.wait_for_url(f"{base}/admin/pages/{sanxia.get_parent().pk}/")
            said = messages(page)
            assert "已批准并发布" in said and "三峡晒秋" in said, said
            assert "审核中" not in page.locator("tr", has_text="三峡晒秋").inner_text()
            shoot(page, screenshot_dir, f"moderation-3-approved-{size}")
        context.close()

    sanxia.refresh_from_db()
    assert sanxia.live and sanxia.slogan == "晒出丰收，晒出梁平"
    public = browser.new_page(viewport=PHONE)
    public.goto(f"{base}/brands/sanxia-shaiqiu/")
    assert "晒出丰收，晒出梁平" in public.content()
    shoot(public, screenshot_dir, "moderation-4-public-390")
    public.close()


def test_officer_translates_a_page_and_english_visitors_see_it(live_server, browser, officer, sanxia, screenshot_dir):
    base = live_server.url
    # the English home and brand index exist, as on the demo site ("Translate" asks for parents first)
    translate(sanxia.get_parent().specific, title="Brands")
    for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, base, "officer")
        if size == "1280":
            page.goto(f"{base}/admin/pages/{sanxia.get_parent().pk}/")
            row = page.locator("tr", has_text="三峡晒秋")
            row.locator("[data-w-dropdown-target='toggle']").first.click()
            row.get_by_role("link", name="翻译").click()
            page.wait_for_url(f"{base}/admin/translation/submit/page/{sanxia.pk}/")
            shoot(page, screenshot_dir, f"translate-1-form-{size}")
            english_box = page.get_by_label("English")
            if english_box.is_enabled():  # the only other locale is offered checked and fixed
                english_box.check()
            assert english_box.is_checked()
            page.locator("main form [type=submit]").click()
            page.wait_for_url("**/edit/")
            english = BrandPage.objects.get(translation_key=sanxia.translation_key, locale__language_code="en")
            page.fill("input[name=title]", "Sanxia Shaiqiu")
            page.fill("input[name=slogan]", "Autumn drying in the Three Gorges")
            shoot(page, screenshot_dir, f"translate-2-english-edit-{size}")
            assert footer_action(page, "button[name=action-publish]") == "发布"
            page.wait_for_load_state()
            assert "Sanxia Shaiqiu" in messages(page)
        else:
            page.goto(f"{base}/admin/pages/{english.pk}/edit/")
            assert no_overflow(page)
            shoot(page, screenshot_dir, f"translate-2-english-edit-{size}", full_page=False)
        context.close()

    english.refresh_from_db()
    assert english.live and english.locale == Locale.objects.get(language_code="en")
    for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
        public = browser.new_page(viewport=viewport)
        response = public.goto(f"{base}/en/brands/sanxia-shaiqiu/")
        assert response.status == 200
        html = public.content()
        assert "Autumn drying in the Three Gorges" in html and "三峡晒秋，丰味梁平" not in html
        shoot(public, screenshot_dir, f"translate-3-public-en-{size}")
        public.close()
    # the Chinese page is untouched
    assert Page.objects.get(pk=sanxia.pk).specific.slogan == "三峡晒秋，丰味梁平"


CONTRAST = """(selector) => {
    const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const bg = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
        if (!/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255,255,255)'; };
    const e = document.querySelector(selector); const [a, b] = [lum(getComputedStyle(e).color), lum(bg(e))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }"""


# Scroll the listing's own box to its end: its last column comes into view (Wagtail clips the page
# sideways, so a table wider than a phone lost its right-hand columns before admin-brand.css).
LAST_COLUMN_REACHABLE = """() => { const table = document.querySelector('table.listing'); const box = table.parentElement;
    box.scrollLeft = box.scrollWidth; const last = table.querySelector('thead th:last-child').getBoundingClientRect();
    return last.right <= window.innerWidth + 1 && last.left >= 0; }"""


def test_the_admin_wears_the_registry_name_mark_and_colours(live_server, browser, officer, screenshot_dir):
    base = live_server.url
    producer = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    producer.save_revision().publish()
    for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/admin/login/")
        assert NAME in page.locator("h1").inner_text()
        assert page.title().endswith(NAME)
        assert no_overflow(page)
        assert page.evaluate(CONTRAST, "button[type=submit]") >= 4.5  # white on the registry's green
        shoot(page, screenshot_dir, f"brand-login-{size}")
        log_in(page, base, "officer")
        assert NAME in page.locator("h1").first.inner_text()
        if size == "1280":
            logo = page.locator("#wagtail-sidebar img[src$='registry-logo.svg']")
            assert logo.is_visible() and logo.get_attribute("alt") == NAME
            assert page.evaluate(CONTRAST, "#wagtail-sidebar .sidebar-menu-item__link") >= 4.5
        shoot(page, screenshot_dir, f"brand-dashboard-{size}", full_page=False)
        page.goto(f"{base}/admin/snippets/gi_registry/producer/")
        assert page.locator("tr", has_text="梁平区礼让镇金柚专业合作社").count() == 1
        assert no_overflow(page)
        shoot(page, screenshot_dir, f"brand-listing-{size}", full_page=False)
        assert page.evaluate(LAST_COLUMN_REACHABLE), "the listing's last column is out of reach"
        context.close()

    # links on the page in the light and the dark theme (the admin follows the system's by default)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN", color_scheme=scheme)
        page = context.new_page()
        log_in(page, base, "officer")
        assert page.evaluate(CONTRAST, "main a[href*='/admin/account/']") >= 4.5, scheme
        shoot(page, screenshot_dir, f"brand-dashboard-{scheme}-1280", full_page=False)
        context.close()
