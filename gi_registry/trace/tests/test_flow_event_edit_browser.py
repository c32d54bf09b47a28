"""Step 2 of the guided flow on a 390 px phone: the producer corrects a recorded event (the form
fills with it, saving returns to step 2) and deletes another after confirming; nothing overflows the
screen and axe-core finds no serious violation (screenshots ``flow-event-*.png``)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser import FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.trace.factories import BatchFactory, TraceEventFactory

from .test_flow_browser import axe_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_producer_corrects_and_deletes_events_on_a_phone(live_server, browser, producer_user, screenshot_dir):
    batch = BatchFactory(lot_number="LP2026-EDIT1")
    batch.producer.accounts.add(producer_user)
    batch.producer.save()
    day = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=3)
    TraceEventFactory(
        batch=batch, business_step="commissioning", event_time=day, read_point="川西村3组", note="人工采收"
    )
    TraceEventFactory(batch=batch, business_step="packing", event_time=day, read_point="错的地点", note="包装")
    TraceEventFactory(batch=batch, business_step="storing", event_time=day, read_point="冷库", note="多录的一条")
    step2 = f"{live_server.url}/admin/trace/flow/{batch.pk}/events/"
    back_on_step2 = re.compile(re.escape(step2) + r"(#.*)?$")  # the form's #add-event-title stays

    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    log_in(page, live_server.url)
    page.goto(step2)
    expect(page.locator("[data-edit-event]")).to_have_count(3)
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    axe_clean(page, "step 2 with change and delete")

    # correct the packing event's place
    page.locator("li[data-event=packing] [data-edit-event]").click()
    expect(page.locator("#add-event-title")).to_contain_text("修改事件")
    assert page.input_value("input[name=read_point]") == "错的地点"
    page.fill("input[name=read_point]", "合作社包装车间")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    page.screenshot(path=screenshot_dir / "flow-event-edit-390.png", full_page=True)
    page.click("[data-save-event]")
    page.wait_for_url(back_on_step2)
    expect(page.locator("li[data-event=packing]")).to_contain_text("合作社包装车间")
    assert "已修改批次 LP2026-EDIT1 的事件" in page.inner_text("body")
    axe_clean(page, "step 2 after a correction")

    # delete the event recorded by mistake, after confirming
    page.locator("li[data-event=storing] [data-delete-event]").click()
    expect(page.locator("[data-confirm-delete]")).to_have_count(1)
    assert "多录的一条" in page.inner_text("main")
    assert no_overflow(page), page.evaluate(FIELDS_INSIDE)
    axe_clean(page, "delete confirmation")
    page.screenshot(path=screenshot_dir / "flow-event-delete-390.png", full_page=True)
    page.click("[data-confirm-delete]")
    page.wait_for_url(back_on_step2)
    expect(page.locator("li[data-event]")).to_have_count(2)
    assert batch.events.count() == 2 and not batch.events.filter(business_step="storing").exists()
    assert batch.events.get(business_step="packing").read_point == "合作社包装车间"
