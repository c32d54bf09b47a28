"""What leaves the queue: a confirmed fake as a draft announcement (公告) without personal data, in
page moderation; the producer's view of reports about its own codes, anonymous; and who sees each."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from gi_registry.factories import TEST_PASSWORD
from gi_registry.protection.models import Case, CaseNote
from gi_registry.protection.producer_reports import reports_about_producer
from website.models import AnnouncementIndexPage, AnnouncementPage, HomePage

from . import staff_fixtures
from .staff_fixtures import PHONE, attach, make_case

case, other_case, own_producer, staff = (
    staff_fixtures.case,
    staff_fixtures.other_case,
    staff_fixtures.own_producer,
    staff_fixtures.staff,
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def announcement_index(db):
    index = AnnouncementIndexPage(title="公告与新闻", slug="announcements")
    HomePage.objects.get().add_child(instance=index)
    return index


def close_as_fake(case):
    case.status = Case.Status.CLOSED
    case.outcome = Case.Outcome.CONFIRMED_FAKE
    case.public_outcome = "经查实为假冒产品，已依法查处。"
    case.save()


def test_a_confirmed_fake_becomes_a_draft_announcement_without_personal_data(client, staff, case, announcement_index):
    close_as_fake(case)
    client.login(username="staff", password=TEST_PASSWORD)
    page_before = client.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    assert 'data-form="announce"' in page_before
    response = client.post(reverse("protection_cases:announce", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    page = AnnouncementPage.objects.get()
    assert case.announcement_id == page.pk
    assert page.get_parent().specific == announcement_index
    assert not page.live  # a draft: officers publish it
    assert page.workflow_in_progress  # submitted to the usual review
    assert "假冒" in page.title and case.number in page.title
    text = page.title + page.intro + page.body
    assert case.code_text in text and "经查实为假冒产品" in text
    for private in (PHONE, "双桂街道水果店", "盒子上的标志印得很模糊", "我同意", "report-photos"):
        assert private not in text, private
    assert "protection.case.announce" in ModelLogEntry.objects.for_instance(case).values_list("action", flat=True)
    # once only
    assert (
        'data-form="announce"' not in client.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    )
    client.post(reverse("protection_cases:announce", args=[case.pk]))
    assert AnnouncementPage.objects.count() == 1


def test_only_a_closed_confirmed_fake_is_announced_and_only_by_staff(client, staff, officer, case, announcement_index):
    client.login(username="staff", password=TEST_PASSWORD)
    client.post(reverse("protection_cases:announce", args=[case.pk]))  # still new
    assert not AnnouncementPage.objects.exists()
    close_as_fake(case)
    client.login(username="officer", password=TEST_PASSWORD)
    response = client.post(reverse("protection_cases:announce", args=[case.pk]))
    assert response.status_code in (302, 403) and response.url != reverse("protection_cases:inspect", args=[case.pk])
    assert not AnnouncementPage.objects.exists()


def test_a_producer_sees_reports_about_its_own_codes_anonymously(client, producer_user, own_producer, case, other_case):
    assert list(reports_about_producer(own_producer)) == list(case.reports.all())
    CaseNote.objects.create(case=case, text="打过电话，举报人住在礼让镇")
    attach(case, title="现场照片")
    client.login(username="producer", password=TEST_PASSWORD)
    response = client.get(reverse("protection_producer_reports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page and other_case.number not in page
    assert "梁平区" in page and "追溯码验证不通过" in page
    for private in (
        PHONE,
        "双桂街道水果店",
        "盒子上的标志印得很模糊",
        "我同意执法人员",
        "/photo/",
        "打过电话",
        "现场照片",
    ):
        assert private not in page, private
    home = client.get("/admin/").content.decode()
    assert 'id="producer-reports-heading"' in home and 'data-count="reports">1<' in home
    assert reverse("protection_producer_reports") in home


def test_a_report_about_another_producers_code_in_the_same_case_is_not_shown(own_producer, case):
    """Same shop, two producers' boxes: the reports share a case, each producer sees only its own."""
    from gi_registry.factories import ProducerFactory
    from gi_registry.trace.factories import BatchFactory
    from gi_registry.trace.issuance import issue_codes

    stranger = ProducerFactory(name="别的合作社")
    their_code = issue_codes(BatchFactory(authorisation__producer=stranger, producer=stranger), 1)[0]
    theirs = make_case(producer=stranger, photo=False).reports.get()
    theirs.trace_code = their_code
    theirs.case = case  # joined the own producer's case (same shop)
    theirs.save()
    assert list(reports_about_producer(own_producer)) == [r for r in case.reports.all() if r.pk != theirs.pk]
    assert list(reports_about_producer(stranger)) == [theirs]


def test_the_producer_sees_the_public_outcome_of_a_merged_case_s_target(client, producer_user, own_producer, case):
    other = make_case(producer=own_producer, code_text=case.code_text, photo=False)
    from gi_registry.protection.merging import merge_case

    merge_case(case, other)
    close_as_fake(other)
    client.login(username="producer", password=TEST_PASSWORD)
    page = client.get(reverse("protection_producer_reports")).content.decode()
    assert other.number in page and "经查实为假冒产品" in page


@pytest.mark.parametrize("account", ["officer", "brand_editor", "staff"])
def test_the_producer_listing_is_for_producer_accounts_only(client, request, account, case):
    user = request.getfixturevalue(account)
    client.login(username=user.username, password=TEST_PASSWORD)
    response = client.get(reverse("protection_producer_reports"))
    assert response.status_code in (302, 403)
    assert case.number not in response.content.decode()
    assert 'id="producer-reports-heading"' not in client.get("/admin/").content.decode()
