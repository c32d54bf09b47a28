"""Every admin add form, and an edit form of each kind, fits a 390 px phone: as a registry officer,
a brand editor, a producer account and enforcement staff, on the demo data (long standard titles, every page type).

The forms are found from the registered viewsets and permission policies (``admin_forms.py``), so a
new model or page type is walked too. Fails on any page wider than the screen or any field or widget
(select, input, rich text, StreamField, chooser, panel) reaching past its edge. Screenshots of each
form (the top of it, as the phone shows it) go to the screenshot directory.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import FIELDS_INSIDE, PHONE, log_in, no_overflow
from gi_registry.factories import make_user
from gi_registry.models import Producer
from gi_registry.protection.setup import ENFORCEMENT_STAFF

from .admin_forms import admin_form_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, screenshot_dir: Path, name: str) -> None:
    path = screenshot_dir / f"phone-form-{name}.png"
    page.screenshot(path=path)


@pytest.fixture
def linked_producer(demo_site, producer_user):
    """The producer account linked to a demo producer, in the revision that is live."""
    producer = Producer.objects.filter(authorisations__isnull=False).order_by("pk").first()
    producer.accounts.add(producer_user)
    producer.save_revision().publish()
    return producer


@pytest.fixture
def enforcement_staff(db):
    return make_user("staff", ENFORCEMENT_STAFF)


def tabs_fit(page) -> list[str]:
    """Open each tab of a tabbed form (a producer's public profile tab, a page's promote tab): the
    names of those whose fields reach past the screen's edge."""
    wide = []
    tabs = page.locator("main [role=tab]")
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if not tab.is_visible():
            continue
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        if not no_overflow(page):
            wide.append(" ".join(tab.inner_text().split()))
    return wide


def test_every_admin_form_fits_a_phone_for_each_group(
    live_server,
    browser,
    demo_site,
    officer,
    brand_editor,
    producer_user,
    enforcement_staff,
    linked_producer,
    screenshot_dir,
):
    expected = {
        officer: {
            "add gi_registry.Producer",
            "add gi_registry.Standard",
            "add trace.Batch",
            "registry import",
            "add protection.Holiday",
            "usage report review",
        },
        brand_editor: {"add page brands.BrandPage", "edit page brands.BrandPage", "add page website.AnnouncementPage"},
        producer_user: {
            "add trace.Batch",
            "add trace.TraceEvent",
            "edit gi_registry.Producer",
            "trace flow_events",
            "trace flow_codes",
            "trace flow_labels",
            "trace flow_certificate",
            "trace certificate",
            "usage report file",
        },
        enforcement_staff: {"add protection.Holiday", "case page protection.Case"},
    }
    wide, seen = [], 0
    for user, must_include in expected.items():
        forms = admin_form_urls(user)
        assert must_include <= {name for name, _url in forms}, (user, forms)
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server.url, user.username)
        for name, url in forms:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (user.username, name, url, response.status)
            if not name.startswith("trace flow"):  # a flow step may be a summary with a link onwards
                assert page.locator("main form").count() >= 1, (user.username, name)
            seen += 1
            wide += [(user.username, name, "tab", tab) for tab in tabs_fit(page)]
            if not no_overflow(page):
                wide.append(
                    (
                        user.username,
                        name,
                        page.evaluate("document.documentElement.scrollWidth"),
                        page.evaluate(FIELDS_INSIDE),
                    )
                )
            shoot(page, screenshot_dir, f"{user.username}-{name.replace(' ', '-').replace('.', '-')}")
        context.close()
    assert seen >= 40
    assert wide == [], "wider than a 390 px phone:\n" + "\n".join(map(str, wide))


MODAL_INSIDE = """() => [...document.querySelectorAll('.modal-content *')]
    .filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 || r.left < -1; })
    .map(e => e.name || e.className)"""


def test_a_chooser_opened_from_a_phone_form_fits_the_phone(live_server, browser, demo_site, officer, screenshot_dir):
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    log_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/admin/snippets/gi_registry/authorisation/add/")
    page.locator("[data-chooser-action-choose]").first.click()  # the producer chooser
    page.wait_for_selector(".modal-content table")
    assert page.locator(".modal-content tbody tr").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(MODAL_INSIDE) == []
    shoot(page, screenshot_dir, "officer-producer-chooser")
    page.close()
