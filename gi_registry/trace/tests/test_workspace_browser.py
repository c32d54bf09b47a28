"""In a real browser, with the demo data loaded, the demo ``producer`` account signs in on a 390 px
phone and lands on its workspace: its authorisations with the codes left this year, its batches,
the monthly charts drawn on the server, nothing wider than the phone; the same at 1280 px.
Screenshots go to the screenshot directory."""

import io

import pytest

from browser import DESKTOP, PHONE, log_in, no_overflow
from core.demo import load_demo_data
from gi_registry.demo import DEFAULT_DEMO_PASSWORD
from gi_registry.models import Authorisation
from gi_registry.trace.models import Batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"workspace-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_demo_producer_sees_its_workspace_on_a_phone(live_server, browser, screenshot_dir):
    load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)
    own = Authorisation.objects.filter(producer__accounts__username="producer")
    own_batches = Batch.objects.filter(producer__accounts__username="producer")
    assert own.exists() and own_batches.exists()
    others = Batch.objects.exclude(producer__accounts__username="producer").values_list("lot_number", flat=True)

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    log_in(page, live_server.url, "producer", DEFAULT_DEMO_PASSWORD)
    workspace = page.locator("[data-producer-workspace]")
    assert workspace.is_visible()
    text = workspace.inner_text()
    assert "我的工作台" in text and "我的授权" in text and "本年度剩余码量" in text and "我的批次" in text
    for auth in own:
        assert page.locator(f'[data-authorisation="{auth.number}"] [data-quota]').is_visible()
    lot = own_batches.order_by("-created_at", "-pk").first().lot_number
    assert page.locator(f'[data-batch="{lot}"]').is_visible()
    assert not any(f'data-batch="{other}"' in page.content() for other in others)
    # the phone gets the narrow drawing of each monthly chart, dated under the axis
    assert page.locator('svg[data-issued-chart="narrow"]').is_visible()
    assert page.locator('svg[data-scanned-chart="narrow"]').is_visible()
    assert not page.locator('svg[data-scanned-chart="wide"]').is_visible()
    assert page.locator('svg[data-scanned-chart="narrow"] [data-date-tick]').count() >= 3
    assert no_overflow(page), page.evaluate("document.documentElement.scrollWidth")
    shoot(page, screenshot_dir, "390")
    page.locator('svg[data-issued-chart="narrow"]').scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "workspace-390-charts.png")
    page.click(f'[data-batch="{lot}"] a')
    page.wait_for_url(f"{live_server.url}/admin/trace/batch/*/")
    context.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    log_in(desktop, live_server.url, "producer", DEFAULT_DEMO_PASSWORD)
    assert desktop.locator('svg[data-scanned-chart="wide"]').is_visible()
    shoot(desktop, screenshot_dir, "1280")
    desktop.locator('svg[data-scanned-chart="wide"]').scroll_into_view_if_needed()
    desktop.screenshot(path=screenshot_dir / "workspace-1280-charts.png")
