"""The suspected-copies listing, the copy thresholds and the protection dashboard in the admin, as
each group: enforcement staff and officers see them, producers and brand editors reach nothing."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from gi_registry.factories import family, make_user
from gi_registry.protection.models import Case, CopyThreshold, Report
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import ScanLog, ScanRecord, coarse_origin

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
LOT = "DUCKLOT-7731"


@pytest.fixture
def enforcer(db):
    group, _ = Group.objects.get_or_create(name="执法人员")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return make_user("enforcer", "执法人员")


@pytest.fixture
def copied_duck():
    batch = BatchFactory(lot_number=LOT, authorisation__geographical_indication__product_family=family("duck"))
    issue_codes(batch, 2)
    code = batch.codes.order_by("pk").first()
    now = timezone.now()
    places = ["重庆市", "成都市", "上海市"]
    records = [
        ScanRecord(code.pk, now - (5 - n) * H, coarse_origin(f"198.18.{n}.7"), Scan.Client.WECHAT, True, places[n % 3])
        for n in range(4)
    ]
    ScanLog().write(records, settle=False)
    case = Case.objects.create(trace_code=code, batch=batch, producer=batch.producer)
    Report.objects.create(case=case, trace_code=code, where_bought=Report.WhereBought.MARKET, place="成都市")
    return code


def urls(threshold=None):
    threshold = threshold or CopyThreshold.objects.create(product_family=family("rice"), max_networks=9)
    return [
        reverse("protection_copies:index"),
        reverse("protection_dashboard:index"),
        reverse("protection_copy_thresholds:index"),
        reverse("protection_copy_thresholds:add"),
        reverse("protection_copy_thresholds:edit", args=[threshold.pk]),
        reverse("protection_copy_thresholds:delete", args=[threshold.pk]),
    ]


def test_enforcement_staff_see_the_ranked_copy_with_its_places_interval_and_reports(client, enforcer, copied_duck):
    client.force_login(enforcer)
    response = client.get(reverse("protection_copies:index"))
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf'<tr data-copy="{copied_duck.pk}">(.*?)</tr>', html, re.S).group(1)
    assert copied_duck.serial in row and LOT in row
    assert copied_duck.batch.producer.name in row and "鸭子" in row
    assert "上海市、成都市、重庆市" in row
    assert "1.0" in row  # one hour between two cities
    assert re.search(
        r'class="num"><a href="[^"]+" data-cases-link>1</a><span class="scan-link">1个案件</span>', row
    )  # one report, one case, linked to the queue
    assert "data-copy-batches" in html


def test_the_family_filter_narrows_and_a_bad_family_is_refused_in_chinese(client, enforcer, copied_duck):
    client.force_login(enforcer)
    assert (
        f'data-copy="{copied_duck.pk}"'
        not in client.get(reverse("protection_copies:index"), {"family": family("pomelo").pk}).content.decode()
    )
    assert (
        f'data-copy="{copied_duck.pk}"'
        in client.get(reverse("protection_copies:index"), {"family": family("duck").pk}).content.decode()
    )
    response = client.get(reverse("protection_copies:index"), {"family": "99999"})
    assert response.status_code == 400
    assert "没有这个产品类别" in response.content.decode()


def test_staff_set_a_family_threshold_in_the_admin_and_the_listing_follows(client, enforcer, copied_duck):
    client.force_login(enforcer)
    response = client.post(
        reverse("protection_copy_thresholds:add"),
        {"product_family": family("duck").pk, "max_networks": 20, "max_places": 5, "far_apart_hours": 0},
    )
    assert response.status_code == 302
    assert CopyThreshold.objects.get(product_family=family("duck")).max_places == 5
    assert "data-no-copies" in client.get(reverse("protection_copies:index")).content.decode()


@pytest.mark.parametrize("who", ["enforcer", "officer", "superuser"])
def test_enforcement_staff_and_officers_reach_every_url(client, who, request, copied_duck):
    client.force_login(request.getfixturevalue(who))
    for url in urls():
        assert client.get(url).status_code == 200, url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("protection_copies:index") in menu and reverse("protection_dashboard:index") in menu


@pytest.mark.parametrize("who", ["producer_user", "brand_editor"])
def test_producers_and_brand_editors_reach_nothing(client, who, request, copied_duck):
    user = request.getfixturevalue(who)
    client.force_login(user)
    threshold = CopyThreshold.objects.create(product_family=family("rice"), max_networks=9)
    for url in urls(threshold):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert copied_duck.serial not in response.content.decode()
    for url in urls(threshold)[3:]:
        client.post(url, {"product_family": "", "max_networks": 1, "max_places": 1, "far_apart_hours": 99})
    threshold.refresh_from_db()
    assert threshold.max_networks == 9 and CopyThreshold.objects.count() == 1
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("protection_copies:index") not in menu
    assert reverse("protection_dashboard:index") not in menu


def test_the_dashboard_draws_reports_and_copies_per_week_family_and_place(client, enforcer, copied_duck):
    client.force_login(enforcer)
    html = client.get(reverse("protection_dashboard:index")).content.decode()
    assert html.count("data-report-chart") == 2 and html.count("data-copy-chart") == 2  # wide and narrow
    assert re.search(r'data-total="reports">1<', html) and re.search(r'data-total="copies"><a[^>]*>1<', html)
    family_table = html.split('data-breakdown="family"')[1].split("</section>")[0]
    assert "鸭子" in family_table
    place_table = html.split('data-breakdown="place"')[1].split("</section>")[0]
    assert "成都市" in place_table and "上海市" in place_table
    assert "<script" not in html.split('<div class="scan-dashboard">')[1].split("</main>")[0]  # server-drawn, no JS


def test_a_second_default_row_is_refused_in_chinese_and_nothing_is_written(client, enforcer):
    CopyThreshold.objects.create(product_family=None, max_networks=5)
    client.force_login(enforcer)
    response = client.post(
        reverse("protection_copy_thresholds:add"),
        {"product_family": "", "max_networks": 3, "max_places": 2, "far_apart_hours": 6},
    )
    assert response.status_code == 200
    assert "已有默认阈值" in response.content.decode()
    assert list(CopyThreshold.objects.values_list("max_networks", flat=True)) == [5]
    default = CopyThreshold.objects.get()
    response = client.post(
        reverse("protection_copy_thresholds:edit", args=[default.pk]),
        {"product_family": "", "max_networks": 7, "max_places": 2, "far_apart_hours": 6},
    )
    assert response.status_code == 302
    default.refresh_from_db()
    assert default.max_networks == 7


def test_a_suspected_code_links_to_the_cases_about_it(client, enforcer, copied_duck):
    other = Case.objects.create(code_text="SOMEOTHERCODE")
    client.force_login(enforcer)
    listing = client.get(reverse("protection_copies:index")).content.decode()
    link = f"{reverse('protection_cases:index')}?trace_code={copied_duck.pk}"
    assert link in listing.replace("&amp;", "&")
    queue = client.get(link).content.decode()
    case = Case.objects.get(trace_code=copied_duck)
    assert case.number in queue
    assert other.number not in queue


def test_the_dashboards_overdue_count_opens_the_queue_of_overdue_cases(client, enforcer):
    late = Case.objects.create(code_text="LATECODE", received_at=timezone.now() - datetime.timedelta(days=30))
    on_time = Case.objects.create(code_text="FRESHCODE")
    client.force_login(enforcer)
    html = client.get(reverse("protection_dashboard:index")).content.decode()
    link = re.search(r'data-total="overdue"><a href="([^"]+)">1<', html)
    assert link, html.split('data-total="overdue"')[1][:200]
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert late.number in listing and on_time.number not in listing
