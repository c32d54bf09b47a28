"""The yearly usage report (地理标志专用标志使用情况): its rules at their boundaries (due date,
overdue, dormant, the labels-used prefill), filing and review as each group, id guessing, bad
input (a Chinese message, nothing written), the officers' listing and dashboard panel."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from gi_registry.factories import AuthorisationFactory
from gi_registry.trace import usage
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceCode, UsageReport

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
TZ = timezone.get_default_timezone()


def years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


def authorisation(**kwargs):
    kwargs.setdefault("valid_from", years_ago(2))
    kwargs.setdefault("valid_until", years_ago(-2))
    return AuthorisationFactory(**kwargs)


@pytest.fixture
def own(producer_user):
    auth = authorisation(number="LPGI-2024-00101")
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    return auth


@pytest.fixture
def other():
    return authorisation(number="LPGI-2024-00202")


def refused(response) -> bool:
    """Wagtail answers a refused admin page with 403, or (a plain browser request) a redirect to
    the dashboard with "no permission"."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def report_url(auth, year=LAST_YEAR):
    return reverse("usage_reports:report", args=[auth.pk, year])


def filled(**overrides):
    data = {
        "quantity_sold": "3200.5",
        "unit": "kg",
        "sales_regions": "重庆市、成都市",
        "labels_used": "24",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- rules ---------------------------------------------------------------------------------------


def test_the_report_is_due_on_the_configured_day_of_the_next_year(settings):
    assert usage.due_date(2025) == datetime.date(2026, 3, 31)
    settings.USAGE_REPORT_DUE = "02-29"
    assert usage.due_date(2027) == datetime.date(2028, 2, 29)  # a leap year
    assert usage.due_date(2025) == datetime.date(2026, 2, 28)  # a common year: its last February day
    settings.USAGE_REPORT_DUE = "13-01"
    with pytest.raises(ImproperlyConfigured):
        usage.due_date(2025)


def test_a_report_is_overdue_from_the_day_after_the_due_day(own):
    due = usage.due_date(LAST_YEAR)
    assert not usage.is_overdue(None, own, LAST_YEAR, due)  # the due day itself
    assert usage.is_overdue(None, own, LAST_YEAR, due + datetime.timedelta(days=1))
    late = due + datetime.timedelta(days=1)
    for status, overdue in [("draft", True), ("returned", True), ("submitted", False), ("accepted", False)]:
        report = UsageReport(authorisation=own, year=LAST_YEAR, status=status)
        assert usage.is_overdue(report, own, LAST_YEAR, late) is overdue, status


def test_no_report_is_overdue_for_a_year_the_authorisation_was_not_in_force():
    newer = authorisation(valid_from=TODAY.replace(month=1, day=1))
    late = usage.due_date(LAST_YEAR) + datetime.timedelta(days=1)
    assert not usage.is_overdue(None, newer, LAST_YEAR, late)
    revoked = authorisation(status="revoked")
    assert not usage.is_overdue(None, revoked, LAST_YEAR, late)


def test_dormant_after_the_configured_months_to_the_day(settings):
    last = datetime.datetime(2024, 5, 10, 15, 0, tzinfo=TZ)
    assert not usage.is_dormant(last, datetime.date(2026, 5, 10))  # 24 months later, that same day
    assert usage.is_dormant(last, datetime.date(2026, 5, 11))
    settings.USAGE_DORMANT_MONTHS = 12
    assert not usage.is_dormant(last, datetime.date(2025, 5, 10))
    assert usage.is_dormant(last, datetime.date(2025, 5, 11))


def test_dormant_authorisations_have_no_recent_codes_and_no_recent_report(officer):
    quiet = authorisation(valid_from=years_ago(3), valid_until=years_ago(-1))
    busy = authorisation(valid_from=years_ago(3), valid_until=years_ago(-1))
    issue_codes(BatchFactory(authorisation=busy), 2, officer)
    reported = authorisation(valid_from=years_ago(3), valid_until=years_ago(-1))
    UsageReport.objects.create(authorisation=reported, year=LAST_YEAR, status="submitted", submitted_at=timezone.now())
    young = authorisation(valid_from=years_ago(1))
    dormant = {item.authorisation for item in usage.dormant_authorisations()}
    assert quiet in dormant
    assert not dormant & {busy, reported, young}
    # codes issued long ago do not count as use now
    TraceCode.objects.update(issued_at=timezone.now() - datetime.timedelta(days=800))
    assert busy in {item.authorisation for item in usage.dormant_authorisations()}


def test_prefill_counts_the_codes_issued_in_that_calendar_year_in_liangping_time(own, officer):
    batch = BatchFactory(authorisation=own)
    issue_codes(batch, 5, officer)
    codes = list(TraceCode.objects.order_by("pk"))
    last_instant = datetime.datetime(LAST_YEAR, 12, 31, 23, 59, tzinfo=TZ)  # 15:59 UTC
    TraceCode.objects.filter(pk__in=[c.pk for c in codes[:3]]).update(issued_at=last_instant)
    TraceCode.objects.filter(pk=codes[3].pk).update(issued_at=last_instant + datetime.timedelta(minutes=1))
    assert usage.prefill(own, LAST_YEAR) == {"labels_used": 3}
    assert usage.prefill(own, TODAY.year) == {"labels_used": 2}


# --- filing as the producer ------------------------------------------------------------------------


def test_the_producer_files_and_submits_its_report(client, producer_user, own, officer):
    issue_codes(BatchFactory(authorisation=own), 4, officer)
    TraceCode.objects.update(issued_at=datetime.datetime(LAST_YEAR, 6, 1, tzinfo=TZ))
    client.force_login(producer_user)
    listing = client.get(reverse("usage_reports:index"))
    assert listing.status_code == 200
    assert own.number in listing.content.decode() and "填报" in listing.content.decode()
    page = client.get(report_url(own))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-prefilled="4"' in text and "共发放溯源码 4 个" in text
    assert 'name="labels_used" value="4"' in text

    draft = client.post(report_url(own), {"save": "1", **filled(sales_regions="", labels_used="4")})
    assert draft.status_code == 302
    report = UsageReport.objects.get()
    assert report.status == "draft" and report.labels_used == 4

    response = client.post(report_url(own), {"submit": "1", **filled()})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == producer_user
    assert str(report.quantity_sold) == "3200.50" and report.sales_regions == "重庆市、成都市"
    assert ModelLogEntry.objects.filter(object_id=str(report.pk), action="trace.usage_report.submit").exists()
    after = client.get(report_url(own)).content.decode()
    assert "已提交" in after and 'name="quantity_sold"' not in after  # read-only once submitted
    assert refused(client.post(report_url(own), {"submit": "1", **filled(labels_used="1")}))
    report.refresh_from_db()
    assert report.labels_used == 24


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quantity_sold": "三千"}, "请用数字填写数量"),
        ({"quantity_sold": "-5"}, "数量不能为负数"),
        ({"sales_regions": ""}, "提交前请填写销售地区"),
        ({"labels_used": "-1"}, "确保该值大于或等于0"),
    ],
)
def test_an_invalid_field_gets_a_chinese_message_and_nothing_is_written(client, producer_user, own, fields, message):
    client.force_login(producer_user)
    response = client.post(report_url(own), {"submit": "1", **filled(**fields)})
    text = response.content.decode()
    assert response.status_code == 400
    assert "报告未保存" in text and message in text
    assert not UsageReport.objects.exists()


# --- review as an officer ---------------------------------------------------------------------------


def submitted(auth, user):
    return UsageReport.objects.create(
        authorisation=auth,
        year=LAST_YEAR,
        status="submitted",
        quantity_sold=100,
        sales_regions="重庆市",
        labels_used=10,
        submitted_at=timezone.now(),
        submitted_by=user,
    )


def test_an_officer_returns_with_a_reason_then_accepts(client, officer, producer_user, own):
    report = submitted(own, producer_user)
    review = reverse("usage_reports:review", args=[report.pk])
    client.force_login(officer)
    page = client.get(report_url(own)).content.decode()
    assert "审核结论" in page and 'name="quantity_sold"' not in page  # reviews, does not fill in

    no_reason = client.post(review, {"decision": "return", "reason": " "})
    assert no_reason.status_code == 400 and "请说明退回原因" in no_reason.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"

    assert client.post(review, {"decision": "return", "reason": "销售地区不完整"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "returned" and report.return_reason == "销售地区不完整"
    assert report.reviewed_by == officer
    entry = ModelLogEntry.objects.get(object_id=str(report.pk), action="trace.usage_report.return")
    assert entry.user == officer and entry.data["reason"] == "销售地区不完整"

    client.force_login(producer_user)
    returned = client.get(report_url(own)).content.decode()
    assert "销售地区不完整" in returned and 'name="quantity_sold"' in returned  # can correct it
    assert client.post(report_url(own), {"submit": "1", **filled()}).status_code == 302

    client.force_login(officer)
    assert client.post(review, {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted" and report.return_reason == ""
    assert ModelLogEntry.objects.filter(object_id=str(report.pk), action="trace.usage_report.accept").exists()
    assert client.post(review, {"decision": "return", "reason": "再看"}).status_code == 302  # refused, kept
    report.refresh_from_db()
    assert report.status == "accepted"


def test_an_officer_does_not_review_a_report_he_submitted(client, officer, own):
    report = submitted(own, officer)
    client.force_login(officer)
    client.post(reverse("usage_reports:review", args=[report.pk]), {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_officers_see_what_stands_out_on_the_listing_and_the_dashboard(client, officer, producer_user, own):
    quiet = authorisation(number="LPGI-2023-00009", valid_from=years_ago(3))
    submitted(own, producer_user)
    client.force_login(officer)
    text = client.get(reverse("usage_reports:index")).content.decode()
    assert "待审核 (1)" in text and own.number in text
    assert "长期未使用的授权" in text and quiet.number in text
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-count="waiting">1<' in dashboard and 'data-count="dormant">1<' in dashboard
    client.force_login(producer_user)
    assert "usage-panel" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_overdue_listing_on_a_day_after_the_due_day(officer, producer_user, own, other):
    submitted(own, producer_user)
    late = usage.due_date(LAST_YEAR) + datetime.timedelta(days=1)
    assert {item.authorisation for item in usage.overdue_authorisations(late)} == {other}
    assert usage.overdue_authorisations(usage.due_date(LAST_YEAR)) == []


# --- who may do what ----------------------------------------------------------------------------------


def test_id_guessing_answers_403_or_404(client, producer_user, own, other, officer):
    report_b = submitted(other, officer)
    client.force_login(producer_user)
    assert refused(client.get(report_url(other)))
    assert refused(client.post(report_url(other), {"submit": "1", **filled()}))
    assert client.get(reverse("usage_reports:report", args=[99999, LAST_YEAR])).status_code == 404
    assert client.get(report_url(own, TODAY.year + 1)).status_code == 404  # a year not yet begun
    assert client.get(report_url(own, 1990)).status_code == 404  # before the authorisation
    review = reverse("usage_reports:review", args=[report_b.pk])
    assert refused(client.post(review, {"decision": "accept"}))
    listing = client.get(reverse("usage_reports:index")).content.decode()
    assert other.number not in listing and own.number in listing
    report_b.refresh_from_db()
    assert report_b.status == "submitted"


def test_brand_editors_have_no_access(client, brand_editor, own):
    report = submitted(own, None)
    client.force_login(brand_editor)
    for url in (reverse("usage_reports:index"), report_url(own)):
        assert refused(client.get(url))
    assert refused(client.post(reverse("usage_reports:review", args=[report.pk]), {"decision": "accept"}))
    assert "使用情况报告" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_officers_read_but_do_not_file(client, officer, own):
    client.force_login(officer)
    assert client.get(report_url(own)).status_code == 200
    assert refused(client.post(report_url(own), {"submit": "1", **filled()}))
    assert not UsageReport.objects.exists()
