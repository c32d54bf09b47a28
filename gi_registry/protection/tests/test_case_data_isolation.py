"""No Wagtail surface shows a case's data to a group that may not see it: every address under /admin/
(the sidebar search, choosers, reports such as the site history, bulk actions, exports, the admin
API, history and usage views, workflow tasks) is requested as a producer account (the case is about
its own producer), a brand editor and a registry officer, with its ids filled with the case's,
its report's, photo's, note's and attachment's, and with searches for the case's texts.

- A brand editor may not see anything of a case: not its number, the report's shop, description,
  phone, a staff note or an attachment's title.
- A producer sees its own reports' numbers and what was found (``producer_reports``), never the
  reporter's shop, description or phone, a staff note or an attachment's title.
- A registry officer reads cases (issue 13), but never the reporter's phone number.
"""

import re

import pytest
from wagtail.log_actions import log

from gi_registry.protection.models import CaseNote
from gi_registry.tests.test_admin_isolation import admin_routes, body_text

from . import staff_fixtures
from .staff_fixtures import PHONE, attach, make_case

own_producer, staff = staff_fixtures.own_producer, staff_fixtures.staff

pytestmark = pytest.mark.django_db

SHOP = "隔离标记水果店LEAKSHOP"
DESCRIPTION = "LEAKDESC-7731 盒子上的标志很模糊"
NOTE = "LEAKNOTE-7731 打过电话"
ATTACHMENT = "LEAKATTACH-7731 检验报告"
SKIP = {"wagtailadmin_logout", "logout", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite"}


@pytest.fixture
def case_world(own_producer, staff):
    case = make_case(producer=own_producer, shop_key=SHOP)
    report = case.reports.get()
    report.shop_name = SHOP
    report.description = DESCRIPTION
    report.save()
    note = CaseNote.objects.create(case=case, author=staff, text=NOTE)
    attachment = attach(case, title=ATTACHMENT)
    # what the case page writes to Wagtail's log (the site history report and the case's history)
    log(case, "protection.case.note", user=staff, data={"note": note.pk})
    log(case, "protection.case.attach", user=staff, data={"title": attachment.title})
    ids = {case.pk, report.pk, report.photos.get().pk, note.pk, attachment.pk}
    return case, sorted(ids)


def urls(case, ids) -> list[str]:
    found = []
    for route, name in admin_routes():
        if name in SKIP or "^.*" in route:
            continue
        params = re.findall(r"<(\w+)>", route)
        if {"app_label", "model_name", "action"} <= set(params):
            for model in ("case", "report", "reportphoto", "casenote", "caseattachment"):
                for action in ("delete", "export", "publish", "unpublish", "add_to_collection"):
                    found.append(f"/admin/bulk/protection/{model}/{action}/?id={case.pk}")
            continue
        variants = [route] if not params else [re.sub(r"<(\w+)>", str(pk), route) for pk in ids]
        for url in variants:
            found.append(url)
            if not params:
                # parts of the markers: a search box echoing its query does not show a whole marker
                for query in (case.number[:9], "LEAKSHOP", PHONE[:7], "LEAKNOTE", "LEAKDESC"):
                    found.append(f"{url}?q={query}")
                found += [f"{url}?export=csv", f"{url}?export=xlsx"]
    found += [
        f"/admin/registry/search/?q={case.number[:9]}",
        f"/admin/registry/search/?q={PHONE[:7]}",
        "/admin/reports/site-history/?export=csv",
        "/admin/api/main/pages/?search=LEAKSHOP",
    ]
    return list(dict.fromkeys(found))


def leaks_for(client, user, markers, addresses) -> list[str]:
    client.force_login(user)
    leaks = []
    for url in addresses:
        response = client.get(url)
        text = body_text(response)
        leaks += [f"{user.username} {url} {response.status_code}: {m}" for m in markers if m in text]
    return leaks


def test_no_wagtail_surface_shows_a_case_to_producers_editors_or_its_phone_to_officers(
    client, case_world, producer_user, brand_editor, officer, staff
):
    client.raise_request_exception = False
    case, ids = case_world
    addresses = urls(case, ids)
    assert len(addresses) > 500  # the walk reaches every registered admin view

    # the markers are really on the pages a case's handlers open: the walk would see a leak
    seen = leaks_for(client, staff, [case.number, PHONE, NOTE, ATTACHMENT, SHOP], addresses)
    assert {line.rsplit(": ", 1)[1] for line in seen} == {case.number, PHONE, NOTE, ATTACHMENT, SHOP}

    everything = [case.number, SHOP, DESCRIPTION, PHONE, NOTE, ATTACHMENT]
    leaks = leaks_for(client, producer_user, everything[1:], addresses)
    leaks += leaks_for(client, brand_editor, everything, addresses)
    leaks += leaks_for(client, officer, [PHONE], addresses)
    assert leaks == [], "\n".join(leaks)
