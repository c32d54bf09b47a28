"""In a real browser: an officer adding an authorisation finds the producer in the chooser by a
substring (合作社, 礼让镇), by pinyin and by a piece of its credit code, and picks it; a producer
account's batch chooser and producer chooser list only its own records. Screenshots at 1280 and
390 px go to the screenshot directory."""

from urllib.parse import unquote

import pytest

from browser import DESKTOP, PHONE
from gi_registry.factories import AuthorisationFactory, ProducerFactory
from gi_registry.models import Township
from gi_registry.trace.factories import BatchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
OWN_CODE = "93500155MA9000011Q"


def shoot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"choosers-{name}.png"
    page.screenshot(path=path, full_page=True)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def search_chooser(page, query: str) -> list[str]:
    """Type into the open chooser's search box; the names it then lists."""
    box = page.locator(".modal input[name=q]")
    # wait for the chooser's own search request for this query (it is sent after a pause in typing),
    # not a fixed time: on a loaded machine the answer can come after any fixed pause
    with page.expect_response(lambda r: "/results/" in r.url and query in unquote(r.url), timeout=15000) as answer:
        box.fill(query)
    answer.value.finished()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # the results are swapped in once the answer is read
    return [t.strip() for t in page.locator(".modal a[data-chooser-modal-choice]").all_inner_texts()]


@pytest.fixture
def producers(producer_user):
    lirang, renxian = Township.objects.get(name="礼让镇"), Township.objects.get(name="仁贤街道")
    own = ProducerFactory(name="梁平区礼让镇川西金柚专业合作社", credit_code=OWN_CODE, township=lirang)
    own.accounts.add(producer_user)
    own.save()
    other = ProducerFactory(
        name="重庆梁平都梁米业有限公司", credit_code="91500155MA90000702", township=renxian, address="工业园区A区6号"
    )
    for n in range(6):
        ProducerFactory(name=f"梁平区仁贤街道稻米家庭农场{n}", township=renxian, address="仁贤街道正街1号")
    own_batch = BatchFactory(authorisation=AuthorisationFactory(producer=own), lot_number="JY2025-A1")
    BatchFactory(authorisation=AuthorisationFactory(producer=other), lot_number="MY2025-B2")
    return own, other, own_batch


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_officer_finds_a_producer_by_substring_pinyin_and_code(
    live_server, browser, officer, producers, viewport, screenshot_dir
):
    own, _other, _batch = producers
    width = viewport["width"]
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    log_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/admin/snippets/gi_registry/authorisation/add/")
    page.locator("[data-contentpath=producer] button[data-chooser-action-choose]").click()
    page.wait_for_selector(".modal input[name=q]")
    # the chooser lists every producer at once, with their count, credit code and township
    assert page.locator(".modal a[data-chooser-modal-choice]").count() == 8
    assert "8 条记录" in page.locator(".modal").inner_text()
    page.wait_for_timeout(600)  # the modal fades in
    shoot(page, screenshot_dir, f"officer-chooser-{width}")
    for query in ("合作社", "礼让镇", "chuanxi", "MA9000011"):
        names = search_chooser(page, query)
        assert names == [own.name], (query, names)
    shoot(page, screenshot_dir, f"officer-chooser-code-{width}")
    assert (
        "1 个" in page.locator(".modal #search-results").inner_text()
        or "符合" in page.locator(".modal #search-results").inner_text()
    )
    page.locator(".modal a[data-chooser-modal-choice]").first.click()
    page.wait_for_selector(".modal", state="detached")
    assert own.name in page.locator("[data-contentpath=producer]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, screenshot_dir, f"officer-chosen-{width}")
    if width == DESKTOP["width"]:  # the sidebar's search box (folded away on a phone)
        page.goto(f"{live_server.url}/admin/")
        page.locator("[data-wagtail-sidebar] input[name=q], #wagtail-sidebar input[name=q]").first.fill("金柚")
        page.keyboard.press("Enter")
        page.wait_for_url("**/admin/registry/search/?q=*")
        assert own.name in page.locator("main").inner_text()
        shoot(page, screenshot_dir, f"officer-sidebar-search-{width}")
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_producer_choosers_list_only_its_own_records(
    live_server, browser, producer_user, producers, viewport, screenshot_dir
):
    own, _other, own_batch = producers
    width = viewport["width"]
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    log_in(page, live_server.url, "producer")
    # the choosers' results, as their modals load them: only its own producer and batch
    for model, own_text, others in (
        ("producer", own.name, ("都梁米业", "稻米家庭农场")),
        ("batch", own_batch.lot_number, ("MY2025-B2",)),
        ("traceevent", "", ("MY2025-B2",)),
    ):
        for query in ("", "合作社", "都梁", "MY2025", "91500155MA90000702", "有限公司", "liangping"):
            page.goto(f"{live_server.url}/admin/snippets/choose/gi_registry/{model}/results/?q={query}")
            text = page.locator("body").inner_text()
            assert not any(other in text for other in others), (model, query)
        page.goto(f"{live_server.url}/admin/snippets/choose/gi_registry/{model}/results/")
        assert own_text in page.locator("body").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the listing's search box, by pinyin that the other producers' names also hold
    page.goto(f"{live_server.url}/admin/snippets/gi_registry/producer/?q=liangping")
    text = page.locator("main").inner_text()
    assert own.name in text and "都梁米业" not in text and "稻米家庭农场" not in text
    shoot(page, screenshot_dir, f"producer-listing-search-{width}")
    page.goto(f"{live_server.url}/admin/registry/search/?q=梁平")
    text = page.locator("main").inner_text()
    assert own.name in text and "都梁米业" not in text
    shoot(page, screenshot_dir, f"producer-sidebar-search-{width}")
    page.close()
