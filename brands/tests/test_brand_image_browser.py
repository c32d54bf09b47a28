"""In a real browser: a brand editor opens a brand page in the admin, adds an image block to the
story, uploads a picture through the image chooser (it lands in 品牌素材), writes its alt text and
submits the page for moderation; a registry officer approves it on a phone; the public brand page
shows the picture with that alt text. Screenshots at 1280 and 390 px go to the screenshot directory."""

import re

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.models import WorkflowState

from brands.factories import brand_page
from browser import DESKTOP, PHONE, wait_for_image
from core.demo_art import product_illustration
from gi_registry.factories import TEST_PASSWORD
from gi_registry.media_collections import BRAND_ASSETS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ALT = "秋日晒场上的梁平柚与豆筋"


def shoot(page, screenshot_dir, name: str, full_page: bool = True) -> None:
    path = screenshot_dir / f"brand-image-{name}.png"
    page.screenshot(path=path, full_page=full_page)


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def test_editor_uploads_a_story_image_the_officer_approves_the_public_page_shows_it(
    live_server, browser, brand_editor, officer, screenshot_dir, tmp_path
):
    page_record = brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", story=[("text", "<p>晒秋。</p>")])
    picture = tmp_path / "shaiqiu.png"
    product_illustration("pomelo").save(picture)
    base = live_server.url

    # the editor, at a desk: image block, chooser, upload, alt text, submit for moderation
    editor = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(editor, base, "editor")
    editor.goto(f"{base}/admin/pages/{page_record.pk}/edit/")
    editor.locator(".c-sf-add-button").last.click()  # after the story's text
    editor.locator(".w-combobox__option", has_text=re.compile("^图片$")).first.click()
    choose_buttons = editor.locator("button:visible", has_text="选择一个图片")
    expect(choose_buttons).to_have_count(2)  # the logo's, then the new block's once it has rendered
    choose_buttons.last.click()
    modal = editor.locator(".modal-dialog")
    modal.wait_for()
    modal.locator("[role=tab]", has_text="上传").click()
    # one collection the editor may add to: no collection to pick, the upload goes to 品牌素材
    assert modal.locator("select[name=image-chooser-upload-collection]").count() == 0
    modal.locator("#id_image-chooser-upload-file").set_input_files(str(picture))
    modal.locator("#id_image-chooser-upload-title").fill("三峡晒秋 晒场")
    shoot(editor, screenshot_dir, "chooser-upload-1280", full_page=False)
    modal.locator("form button[type=submit]").last.click()
    modal.wait_for(state="detached")
    uploaded = Image.objects.get(title="三峡晒秋 晒场")
    assert uploaded.collection.name == BRAND_ASSETS
    assert uploaded.uploaded_by_user == brand_editor

    alt = editor.locator("input[name$='-value-alt']:visible").last
    alt.fill(ALT)
    alt.scroll_into_view_if_needed()
    shoot(editor, screenshot_dir, "editor-block-1280", full_page=False)
    editor.locator("footer .w-dropdown__toggle").first.click()
    editor.locator("footer button[name=action-submit]").click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page_record.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert ALT not in editor.context.request.get(f"{base}/brands/sanxia-shaiqiu/").text()  # not live yet
    editor.close()

    # the officer, on a phone: approve from the page's action menu
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    phone = context.new_page()
    log_in(phone, base, "officer")
    phone.goto(f"{base}/admin/pages/{page_record.pk}/edit/")
    phone.locator("footer .w-dropdown__toggle").first.click()
    shoot(phone, screenshot_dir, "officer-approve-390", full_page=False)
    phone.locator("footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()
    phone.wait_for_load_state()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED

    # the public page, on the phone and at a desk
    phone.goto(f"{base}/brands/sanxia-shaiqiu/")
    figure = phone.locator(f"figure.story-figure img[alt='{ALT}']")
    figure.scroll_into_view_if_needed()
    wait_for_image(figure)
    assert figure.evaluate("img => img.getBoundingClientRect().right <= window.innerWidth")
    shoot(phone, screenshot_dir, "public-390")
    context.close()
    desk = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desk.goto(f"{base}/brands/sanxia-shaiqiu/")
    image = desk.locator(f"figure.story-figure img[alt='{ALT}']")
    wait_for_image(image)
    assert ".webp" in image.get_attribute("src")
    shoot(desk, screenshot_dir, "public-1280")
    desk.close()
    # the picture is what was uploaded (its rendition keeps the illustration's proportions)
    with PillowImage.open(uploaded.file.path) as stored:
        assert stored.size == (1200, 800)
