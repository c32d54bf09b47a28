"""In a real browser, a producer on a 390 px phone creates an API token, copies its secret with the
copy button, finds it in the listing (without the secret) and revokes it after confirming; every
page fits the phone and is axe clean. An officer's listing at 1280 px too. Screenshots go to the
screenshot directory."""

import pytest
from playwright.sync_api import expect

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import ProducerFactory
from gi_registry.interfaces.models import ApiToken, Organisation
from website.tests.test_browser_pages import assert_axe_clean, require_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"tokens-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_producer_creates_copies_and_revokes_a_token_on_a_phone(
    live_server, browser, producer_user, officer, screenshot_dir
):
    producer = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    producer.accounts.add(producer_user)
    producer.save()
    other = ProducerFactory(name="别家合作社")
    ApiToken.issue(name="别家的令牌", producer=other)

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.add_init_script(path=require_axe())
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/interfaces/tokens/")
    expect(page.locator(".api-tokens__empty")).to_have_count(1)
    assert "别家的令牌" not in page.content()
    assert_axe_clean(page)

    page.get_by_role("link", name="新建 API 令牌").click()
    page.wait_for_url("**/interfaces/tokens/new/")
    assert no_overflow(page), (page.evaluate(FIELDS_INSIDE), page.evaluate("document.documentElement.scrollWidth"))
    assert_axe_clean(page)
    shoot(page, screenshot_dir, "new-390")
    page.fill("input[name=name]", "二号包装线")
    page.get_by_role("button", name="创建令牌").click()

    secret_box = page.locator("[data-api-token-secret]")
    expect(secret_box).to_have_count(1)
    secret = secret_box.input_value()
    token = ApiToken.objects.get(name="二号包装线")
    assert secret.startswith(f"lp_{token.key}_")
    expect(page.get_by_text("请立即复制密钥：它不会再次显示。")).to_be_visible()
    assert no_overflow(page), (page.evaluate(FIELDS_INSIDE), page.evaluate("document.documentElement.scrollWidth"))
    assert_axe_clean(page)
    page.locator("[data-api-token-copy]").click()
    expect(page.locator(".api-tokens__copied")).to_have_text("已复制。")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    shoot(page, screenshot_dir, "created-390")

    page.get_by_role("link", name="我已复制：返回令牌列表").click()
    row = page.locator(f"tr[data-token='{token.key}']")
    expect(row).to_have_count(1)
    assert secret not in page.content()
    expect(row.get_by_text("有效")).to_be_visible()
    assert no_overflow(page), (page.evaluate(FIELDS_INSIDE), page.evaluate("document.documentElement.scrollWidth"))
    assert_axe_clean(page)
    shoot(page, screenshot_dir, "list-390")

    row.get_by_role("link", name="撤销").click()
    page.wait_for_url(f"**/interfaces/tokens/{token.pk}/revoke/")
    assert no_overflow(page), (page.evaluate(FIELDS_INSIDE), page.evaluate("document.documentElement.scrollWidth"))
    assert_axe_clean(page)
    shoot(page, screenshot_dir, "revoke-390")
    page.get_by_role("button", name="确认撤销").click()
    page.wait_for_url("**/interfaces/tokens/")
    expect(page.locator(f"tr[data-token='{token.key}']").get_by_text("已撤销")).to_be_visible()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_axe_clean(page)
    shoot(page, screenshot_dir, "revoked-390")

    page.goto(f"{live_server.url}/admin/interfaces/tokens/{token.pk}/")
    expect(page.get_by_text("API 令牌已撤销")).to_be_visible()
    assert secret not in page.content()
    assert no_overflow(page), (page.evaluate(FIELDS_INSIDE), page.evaluate("document.documentElement.scrollWidth"))
    assert_axe_clean(page)
    shoot(page, screenshot_dir, "detail-390")
    context.close()

    organisation = Organisation.objects.create(name="梁平冷链物流有限公司", kind=Organisation.Kind.LOGISTICS)
    organisation.producers.add(producer)
    ApiToken.issue(name="冷链对接", organisation=organisation, can_capture=False)
    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    desktop.add_init_script(path=require_axe())
    log_in(desktop, live_server.url, "officer")
    desktop.goto(f"{live_server.url}/admin/interfaces/tokens/")
    expect(desktop.locator("tr[data-token]")).to_have_count(3)
    assert_axe_clean(desktop)
    shoot(desktop, screenshot_dir, "list-officer-1280")
    desktop.goto(f"{live_server.url}/admin/interfaces/tokens/new/")
    assert_axe_clean(desktop)
    shoot(desktop, screenshot_dir, "new-officer-1280")
    desktop.goto(f"{live_server.url}/admin/interfaces/organisations/{organisation.pk}/producers/")
    expect(desktop.locator("tr[data-producer]")).to_have_count(1)
    assert_axe_clean(desktop)
    # the officer adds a producer with the registry's producer chooser
    desktop.locator("[data-contentpath=producer] button[data-chooser-action-choose]").click()
    choice = desktop.locator(".modal a[data-chooser-modal-choice]", has_text="别家合作社")
    expect(choice).to_have_count(1)
    choice.click()
    desktop.wait_for_selector(".modal", state="detached")
    desktop.get_by_role("button", name="加入名单").click()
    expect(desktop.locator("tr[data-producer]")).to_have_count(2)
    assert set(organisation.producers.all()) == {producer, other}
    shoot(desktop, screenshot_dir, "organisation-producers-1280")
    desktop.close()
