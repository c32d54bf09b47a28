"""In a real browser, as a registry officer, at 1280 px and on a 390 px phone: add a webhook
subscription (the secret shown once), open a paused one (why, and "恢复"), read a delivery's
requests. Nothing is wider than the screen; axe-core finds nothing serious. Screenshots go to the
screenshot directory."""

import datetime

import pytest
from django.utils import timezone

from browser import DESKTOP, FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.interfaces.models import Delivery, DeliveryAttempt, Organisation, Subscription
from gi_registry.interfaces.setup import ensure_webhook_permissions
from website.tests.test_browser_pages import assert_axe_clean, require_axe

from .webhook_fixtures import change, subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    size = dict(page.viewport_size)
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.querySelector('main').scrollHeight + 200)"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=screenshot_dir / f"webhooks-{name}.png", full_page=True)
    page.set_viewport_size(size)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_officer_manages_webhooks(live_server, browser, officer, screenshot_dir, viewport):
    ensure_webhook_permissions()
    organisation = Organisation.objects.create(name="重庆某果品电商平台", kind=Organisation.Kind.PLATFORM)
    paused = subscription("https://hooks.platform.example.com/registry", organisation=organisation)
    paused.consecutive_failures = 10
    paused.save()
    paused.pause("连续 10 次推送失败后已暂停；最后一次：接收方返回 HTTP 503。")
    delivery = Delivery.objects.create(
        subscription=paused, change=change(), status=Delivery.Status.ABANDONED, attempts=2, last_status_code=503
    )
    now = timezone.now()
    for number, status in [(1, 503), (2, 503)]:
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            attempted_at=now - datetime.timedelta(minutes=10 - number),
            timestamp=int(now.timestamp()),
            status_code=status,
            response_excerpt='{"error": "service unavailable, try later"}',
            duration_ms=143,
            error="接收方返回 HTTP 503。",
        )
    width = viewport["width"]
    page = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1).new_page()
    page.add_init_script(path=require_axe())
    log_in(page, live_server.url, username="officer")

    page.goto(f"{live_server.url}/admin/interfaces/webhooks/subscriptions/new/")
    page.select_option("select[name=organisation]", label="重庆某果品电商平台")
    page.fill("input[name=target_url]", "https://erp.packhouse.example.com/hooks/gi")
    page.get_by_label("批次召回").check()
    page.get_by_label("授权撤销").check()
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, f"add-{width}")
    page.locator("main button[type=submit]").first.click()
    page.locator("[data-webhook-secret]").wait_for()
    secret = Subscription.objects.get(target_url__startswith="https://erp.").secret
    assert page.inner_text("[data-webhook-secret]") == secret
    assert no_overflow(page)
    shoot(page, screenshot_dir, f"secret-{width}")
    assert_axe_clean(page)

    page.goto(f"{live_server.url}/admin/interfaces/webhooks/subscriptions/edit/{paused.pk}/")
    page.locator("[data-webhook-paused]").wait_for()
    assert "接收方返回 HTTP 503" in page.inner_text("[data-webhook-paused]")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    shoot(page, screenshot_dir, f"paused-{width}")
    assert_axe_clean(page)

    page.goto(f"{live_server.url}/admin/interfaces/webhooks/deliveries/inspect/{delivery.pk}/")
    page.locator("[data-attempt-log] tbody tr").nth(1).wait_for()
    assert "service unavailable" in page.inner_text("[data-attempt-log]")
    assert no_overflow(page)
    shoot(page, screenshot_dir, f"delivery-{width}")
    assert_axe_clean(page)

    page.goto(f"{live_server.url}/admin/interfaces/webhooks/deliveries/")
    page.locator("main table").wait_for()
    assert no_overflow(page)
    shoot(page, screenshot_dir, f"deliveries-{width}")
