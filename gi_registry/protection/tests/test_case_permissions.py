"""Who sees and handles cases, on every admin address of the case queue: enforcement staff (执法人员)
handle, registry officers read (no phone numbers, no actions), producers and brand editors get nothing
— guessing another case's id included."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from gi_registry.factories import TEST_PASSWORD, make_user
from gi_registry.protection.models import Case, CaseNote, Holiday
from gi_registry.protection.setup import ENFORCEMENT_STAFF, ensure_enforcement_group
from gi_registry.setup import REGISTRY_OFFICERS

from . import staff_fixtures
from .staff_fixtures import PHONE, attach

# the fixtures of the enforcement staff's tests
case, other_case, own_producer, staff = (
    staff_fixtures.case,
    staff_fixtures.other_case,
    staff_fixtures.own_producer,
    staff_fixtures.staff,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig", "replace")


def refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard (and a message)."""
    if response.status_code == 302:
        return response.url == "/admin/" or response.url.startswith("/admin/login/")
    return response.status_code == 403


def read_urls(case):
    photo = case.reports.get().photos.get()
    attachment = attach(case)
    return {
        "index": reverse("protection_cases:index"),
        "export": reverse("protection_cases:index") + "?export=csv",
        "inspect": reverse("protection_cases:inspect", args=[case.pk]),
        "history": reverse("protection_cases:history", args=[case.pk]),
        "photo": reverse("protection_cases:photo", args=[photo.pk]),
        "attachment": reverse("protection_cases:attachment", args=[attachment.pk]),
        "holidays": reverse("protection_holidays:index"),
    }


def post_urls(case):
    return {
        "transition": (reverse("protection_cases:transition", args=[case.pk]), {"status": "accepted"}),
        "note": (reverse("protection_cases:note", args=[case.pk]), {"text": "打过电话"}),
        "merge": (reverse("protection_cases:merge", args=[case.pk]), {"target": "LPWQ-1999-00001"}),
    }


def test_the_group_and_its_permissions_exist_after_migrate_and_setup_is_idempotent():
    staff_group = Group.objects.get(name=ENFORCEMENT_STAFF)
    before = set(staff_group.permissions.values_list("codename", flat=True))
    assert {"handle_case", "view_case", "change_case", "add_holiday"} <= before
    assert "delete_case" not in before
    officers = set(Group.objects.get(name=REGISTRY_OFFICERS).permissions.values_list("codename", flat=True))
    assert {"view_case", "view_holiday", "change_holiday"} <= officers
    assert not {"handle_case", "change_case"} & officers
    ensure_enforcement_group()
    assert set(staff_group.permissions.values_list("codename", flat=True)) == before
    assert Group.objects.filter(name=ENFORCEMENT_STAFF).count() == 1


def test_enforcement_staff_see_and_handle_cases(client, staff, case):
    login(client, staff)
    for name, url in read_urls(case).items():
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    assert PHONE in page
    assert 'data-form="transition"' in page
    assert client.get(reverse("protection_cases:edit", args=[case.pk])).status_code == 200
    for name, (url, data) in post_urls(case).items():
        assert client.post(url, data).status_code in (302, 400), name
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert CaseNote.objects.filter(case=case).count() == 1
    assert PHONE in body(client.get(reverse("protection_cases:index") + "?export=csv"))


def test_registry_officers_see_cases_read_only_without_phone_numbers(client, officer, case):
    login(client, officer)
    for name, url in read_urls(case).items():
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    assert PHONE not in page
    assert "data-form=" not in page
    assert PHONE not in body(client.get(reverse("protection_cases:index") + "?export=csv"))
    assert refused(client.get(reverse("protection_cases:edit", args=[case.pk])))
    for name, (url, data) in post_urls(case).items():
        assert refused(client.post(url, data)), name
    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert not CaseNote.objects.exists()
    # they keep the holiday list
    response = client.post(
        reverse("protection_holidays:add"), {"date": "2027-01-01", "name": "元旦", "is_working_day": ""}
    )
    assert response.status_code == 302
    assert Holiday.objects.filter(name="元旦").exists()


def test_an_officer_who_is_also_enforcement_staff_handles_cases(client, officer, case):
    officer.groups.add(Group.objects.get(name=ENFORCEMENT_STAFF))
    login(client, officer)
    url, data = post_urls(case)["transition"]
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED


@pytest.mark.parametrize("account", ["producer_user", "brand_editor"])
def test_producers_and_brand_editors_see_no_case_url(client, request, account, case, other_case):
    user = request.getfixturevalue(account)
    login(client, user)
    # their own producer's case and another producer's (id guessing) alike
    for subject in (case, other_case):
        for name, url in read_urls(subject).items():
            response = client.get(url)
            assert refused(response), (name, response.status_code)
            assert PHONE not in body(response)
        assert refused(client.get(reverse("protection_cases:edit", args=[subject.pk])))
        for name, (url, data) in post_urls(subject).items():
            assert refused(client.post(url, data)), name
    assert not CaseNote.objects.exists()
    assert Case.objects.filter(status=Case.Status.NEW).count() == 2
    assert refused(client.post(reverse("protection_holidays:add"), {"date": "2027-01-01", "name": "元旦"}))
    assert not Holiday.objects.exists()


@pytest.mark.parametrize("account", ["officer", "producer_user", "brand_editor"])
def test_deleting_cases_and_other_wagtail_urls_are_refused_to_all_but_staff_rights(client, request, account, case):
    holiday = Holiday.objects.create(date="2027-02-17", name="春节")
    user = request.getfixturevalue(account)
    login(client, user)
    delete = reverse("protection_cases:delete", args=[case.pk])
    assert refused(client.get(delete)) and refused(client.post(delete))
    assert refused(client.get(reverse("protection_cases:usage", args=[case.pk])))
    assert refused(client.post(reverse("protection_cases:announce", args=[case.pk])))
    attach_url = reverse("protection_cases:attach", args=[case.pk])
    assert refused(client.post(attach_url, {"title": "x"}))
    assert Case.objects.filter(pk=case.pk).exists() and not case.attachments.exists()
    holiday_urls = (
        reverse("protection_holidays:edit", args=[holiday.pk]),
        reverse("protection_holidays:delete", args=[holiday.pk]),
    )
    if account == "officer":  # officers keep the holiday list
        assert all(client.get(url).status_code == 200 for url in holiday_urls)
    else:
        assert all(refused(client.get(url)) for url in holiday_urls)
        assert refused(client.post(holiday_urls[1]))
        assert Holiday.objects.filter(pk=holiday.pk).exists()


def test_enforcement_staff_cannot_delete_cases(client, staff, case):
    login(client, staff)
    assert refused(client.post(reverse("protection_cases:delete", args=[case.pk])))
    assert Case.objects.filter(pk=case.pk).exists()


def test_guessed_ids_of_missing_records_are_not_found(client, staff, case):
    login(client, staff)
    for url in (
        reverse("protection_cases:inspect", args=[case.pk + 1000]),
        reverse("protection_cases:photo", args=[99999]),
        reverse("protection_cases:attachment", args=[99999]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("protection_cases:note", args=[case.pk + 1000]), {"text": "x"}).status_code == 404


def test_a_user_outside_every_group_is_refused(client, case):
    user = make_user("nobody")
    login(client, user)
    assert refused(client.get(reverse("protection_cases:index")))


@pytest.mark.parametrize(
    ("account", "queue", "holidays", "own_reports"),
    [
        ("staff", True, True, False),
        ("officer", True, True, False),
        ("producer_user", False, False, True),
        ("brand_editor", False, False, False),
    ],
)
def test_the_menu_shows_each_group_what_it_may_open(client, request, account, queue, holidays, own_reports, case):
    user = request.getfixturevalue(account)
    login(client, user)
    page = client.get("/admin/").content.decode()
    assert (reverse("protection_cases:index") in page) is queue
    assert (reverse("protection_holidays:index") in page) is holidays
    assert (reverse("protection_producer_reports") in page) is own_reports


@pytest.mark.parametrize("account", ["producer_user", "brand_editor"])
def test_the_history_url_does_not_tell_whether_a_case_exists(client, request, account, case):
    """An existing case's history and a made-up id answer alike to those who may not see cases."""
    login(client, request.getfixturevalue(account))
    existing = client.get(reverse("protection_cases:history", args=[case.pk]))
    unknown = client.get(reverse("protection_cases:history", args=[case.pk + 1000]))
    assert existing.status_code == unknown.status_code
    assert existing.get("Location") == unknown.get("Location")
    assert refused(existing) and refused(unknown)
