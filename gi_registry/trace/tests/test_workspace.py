"""The producer's workspace on the admin home: a producer account sees its own authorisations
(validity, codes left this year), renewals due (90 and 30 days), its batches, codes and scans per
month on a server-drawn chart and its certificates, and never another producer's; officers' and
brand editors' homes have no workspace; the number of queries does not grow with batches or scans."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.trace.admin.workspace import last_months
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan

HOME = "/admin/"
TZ = timezone.get_default_timezone()


def add_scans(code, when, n=1):
    Scan.objects.bulk_create(Scan(code=code, scanned_at=when, client="wechat") for _ in range(n))


@pytest.fixture
def world(db, producer_user):
    """The account's producer (one 梁平柚 authorisation, a batch with 3 codes, 5 scans) and another
    producer with its own authorisation, batch, codes and scans."""
    today = timezone.localdate()
    mine = ProducerFactory(name="梁平区礼让镇川西柚子专业合作社")
    mine.accounts.add(producer_user)
    mine.save()
    my_auth = AuthorisationFactory(
        producer=mine, number="LPGI-2026-00007", geographical_indication=GeographicalIndicationFactory(name="梁平柚")
    )
    my_batch = BatchFactory(authorisation=my_auth, lot_number="MINE-001")
    codes = issue_codes(my_batch, 3)
    add_scans(codes[0], timezone.now(), 5)
    theirs = ProducerFactory(name="重庆梁平竹乡笋制品有限公司")
    their_auth = AuthorisationFactory(
        producer=theirs, number="LPGI-2026-00099", valid_until=today + datetime.timedelta(days=10)
    )
    their_batch = BatchFactory(authorisation=their_auth, lot_number="THEIRS-77")
    add_scans(issue_codes(their_batch, 4)[0], timezone.now(), 9)
    return {"mine": mine, "auth": my_auth, "batch": my_batch}


def workspace_html(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_producer_home_shows_its_own_workspace_only(client, producer_user, world):
    html = workspace_html(client, producer_user)
    assert "data-producer-workspace" in html
    assert "梁平区礼让镇川西柚子专业合作社" in html
    assert 'data-authorisation="LPGI-2026-00007"' in html
    assert "997 / 1000" in html  # 3 codes issued this year of a quota of 1000
    assert 'data-batch="MINE-001"' in html
    assert f'href="/admin/trace/batch/{world["batch"].pk}/"' in html  # "codes and labels"
    assert f'href="/admin/trace/batch/{world["batch"].pk}/certificate/"' in html
    # the other producer's records are nowhere: not its authorisation, batch, codes or scans
    assert "LPGI-2026-00099" not in html and "THEIRS-77" not in html and "重庆梁平竹乡笋制品有限公司" not in html
    assert "<strong data-issued-total>3</strong>" in html
    assert "<strong data-scanned-total>5</strong>" in html
    # codes and scans per month on server-drawn SVG charts, the months dated under the axis
    assert html.count("data-issued-chart=") == 2 and html.count("data-scanned-chart=") == 2
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f"<title>{this_month}: 5</title>" in html and f"<title>{this_month}: 3</title>" in html
    # quick actions: a new batch and a copy of the last one open the guided flow
    assert 'href="/admin/snippets/gi_registry/batch/add/?copy=last&amp;flow=1"' in html
    assert 'href="/admin/snippets/gi_registry/batch/add/?flow=1"' in html and 'href="/admin/trace/scans/"' in html


def test_renewals_due_at_90_and_30_days(client, producer_user, world):
    today = timezone.localdate()
    AuthorisationFactory(
        producer=world["mine"], number="LPGI-2026-00060", valid_until=today + datetime.timedelta(days=60)
    )
    AuthorisationFactory(
        producer=world["mine"], number="LPGI-2026-00020", valid_until=today + datetime.timedelta(days=20)
    )
    html = workspace_html(client, producer_user)
    assert 'data-renewal="LPGI-2026-00060"' in html
    assert 'data-renewal="LPGI-2026-00020" data-urgent' in html
    assert 'data-renewal="LPGI-2026-00060" data-urgent' not in html
    assert 'data-renewal="LPGI-2026-00007"' not in html  # 335 days left: not due
    assert 'data-renewal="LPGI-2026-00099"' not in html  # another producer's, though due in 10 days


@pytest.mark.parametrize("who", ["officer", "brand_editor"])
def test_officer_and_editor_home_unchanged(client, world, who, request):
    html = workspace_html(client, request.getfixturevalue(who))
    assert "data-producer-workspace" not in html
    assert "LPGI-2026-00007" not in html and "MINE-001" not in html


def test_producer_in_the_group_without_a_linked_producer_has_no_workspace(client, db):
    from gi_registry.factories import make_user
    from gi_registry.setup import PRODUCERS

    html = workspace_html(client, make_user("lonely", PRODUCERS))
    assert "data-producer-workspace" not in html


def test_last_months_cross_the_year():
    months = last_months(datetime.date(2026, 3, 15))
    assert len(months) == 12
    assert months[0] == datetime.date(2025, 4, 1) and months[-1] == datetime.date(2026, 3, 1)


def home_queries(client, user) -> int:
    client.force_login(user)
    client.get(HOME)  # warm caches (site, settings, permissions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(HOME).status_code == 200
    return len(ctx.captured_queries)


def test_workspace_query_count_is_constant(client, producer_user, world):
    small = home_queries(client, producer_user)
    now = timezone.now()
    for n in range(49):  # 50 batches, 5,003 scans
        batch = BatchFactory(authorisation=world["auth"], lot_number=f"MORE-{n:03d}")
        code = issue_codes(batch, 2)[0]
        add_scans(code, now - datetime.timedelta(days=7 * (n % 40)), 102)
    assert Scan.objects.filter(code__batch__producer=world["mine"]).count() == 5 + 49 * 102
    large = home_queries(client, producer_user)
    assert large == small


def test_months_are_local_months(world):
    """A scan at 23:30 Beijing time on the last day of a month counts in that month (15:30 UTC),
    one at 00:30 on the first day of the next in the next (16:30 UTC the day before)."""
    from gi_registry.trace.admin.workspace import workspace_context

    today = timezone.localdate()
    first = today.replace(day=1)
    last_of_previous = first - datetime.timedelta(days=1)
    code = world["batch"].codes.first()
    add_scans(code, datetime.datetime.combine(last_of_previous, datetime.time(23, 30), tzinfo=TZ), 2)
    add_scans(code, datetime.datetime.combine(first, datetime.time(0, 30), tzinfo=TZ), 3)
    producer_user = world["mine"].accounts.get()
    charts = dict(workspace_context(producer_user, today)["scanned_charts"])
    per_month = {bar["day"]: bar["count"] for bar in charts["wide"].bars}
    assert per_month[last_of_previous.replace(day=1)] == 2
    assert per_month[first] == 5 + 3
