"""A phone in a real browser opens a genuine, a forged and a withdrawn code (screenshots in screenshots/)."""

import pytest

from browser import PHONE
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import flush_scans

# serialized_rollback: a transactional test flushes the tables, the migrations' reference data with them
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WECHAT = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 "
    "MicroMessenger/8.0.47.2560 NetType/4G Language/zh_CN"
)


def test_phone_opens_genuine_forged_and_withdrawn_codes(live_server, browser, screenshot_dir):
    batch = BatchFactory(lot_number="LP2025-1018", product_name="梁平柚 礼盒装 (5 个)", grade="特级")
    for step, place, note in [
        ("commissioning", "礼让镇川西村柚园", "采收"),
        ("inspecting", "梁平区农产品质量安全检测站", "抽检合格"),
        ("packing", "礼让镇分拣包装中心", ""),
        ("shipping", "梁平区物流园", "发往重庆主城"),
    ]:
        TraceEventFactory(batch=batch, business_step=step, read_point=place, note=note)
    genuine, withdrawn_code = issue_codes(batch, 2)
    recalled = BatchFactory(lot_number="LP2025-0901")
    recalled_code = issue_codes(recalled, 1)[0]
    recalled.withdraw(recalled.Status.RECALLED, reason="抽检发现农药残留超标")

    context = browser.new_context(viewport=PHONE, user_agent=WECHAT, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()

    response = page.goto(f"{live_server.url}/T/{genuine.printed_code}")
    assert response.status == 200
    verdict = page.locator(".verdict")
    assert "verdict-genuine" in verdict.get_attribute("class")
    assert verdict.bounding_box()["y"] < 200  # the verdict is the first thing on the screen
    page.screenshot(path=screenshot_dir / "trace-genuine-phone.png", full_page=True)

    forged = genuine.printed_code[:-2] + ("AB" if genuine.printed_code[-2:] != "AB" else "CD")
    response = page.goto(f"{live_server.url}/t/{forged}")
    assert response.status == 404
    assert "verdict-unknown" in page.locator(".verdict").get_attribute("class")
    assert "12315" in page.content()
    page.screenshot(path=screenshot_dir / "trace-forged-phone.png", full_page=True)

    response = page.goto(f"{live_server.url}/t/{recalled_code.printed_code}")
    assert response.status == 410
    assert "抽检发现农药残留超标" in page.content()
    page.screenshot(path=screenshot_dir / "trace-withdrawn-phone.png", full_page=True)

    response = page.goto(f"{live_server.url}/en/t/{genuine.printed_code}")
    assert response.status == 200
    page.screenshot(path=screenshot_dir / "trace-genuine-phone-en.png", full_page=True)
    context.close()
    flush_scans()
    assert Scan.objects.filter(code=genuine, counted=True, client="wechat").count() == 2
    assert not withdrawn_code.scans.exists()
