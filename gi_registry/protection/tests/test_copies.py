"""Suspected copies: the network, place and far-apart rules, thresholds per product family, the
ranking, the reports counted, and a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gi_registry.factories import family
from gi_registry.protection.copies import suspected_batches, suspected_copies
from gi_registry.protection.models import Case, CopyThreshold, Report
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import ScanLog, ScanRecord, coarse_origin

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
H = datetime.timedelta(hours=1)


def codes_of(family_slug: str, count: int = 1):
    batch = BatchFactory(authorisation__geographical_indication__product_family=family(family_slug))
    issue_codes(batch, count)
    return list(batch.codes.order_by("pk"))


def net(n: int) -> str:
    return coarse_origin(f"198.18.{n}.7")


def scans(code, *rows, counted=True):
    """rows: (hours ago, network number, place)."""
    records = [
        ScanRecord(code.pk, NOW - hours * H, net(network), Scan.Client.WECHAT, counted, place)
        for hours, network, place in rows
    ]
    ScanLog().write(records, settle=False)


def ids(copies):
    return [c.code_id for c in copies]


def test_a_household_rescanning_a_pomelo_box_from_one_network_is_not_a_copy():
    (box,) = codes_of("pomelo")
    scans(box, *[(hours, 1, "重庆市") for hours in range(0, 240, 6)])  # 40 scans over ten days
    assert suspected_copies(now=NOW) == []


def test_a_duck_code_scanned_in_three_cities_is_a_copy():
    (duck,) = codes_of("duck")
    scans(duck, (200, 1, "重庆市"), (120, 2, "成都市"), (30, 3, "上海市"))
    (copy,) = suspected_copies(now=NOW)
    assert copy.code_id == duck.pk
    assert copy.too_many_places and copy.places == 3
    assert copy.place_names == ["上海市", "成都市", "重庆市"]
    assert not copy.far_apart_within_window  # days apart: only the count of cities breaks a rule
    assert copy.far_apart_places == ("重庆市", "成都市") and copy.far_apart_hours == 80.0


def test_two_cities_within_the_window_are_a_copy_and_hours_apart_beyond_it_are_not():
    near, far = codes_of("pomelo", 2)
    scans(near, (10, 1, "重庆市"), (9, 1, "重庆市"), (6, 2, "广州市"))  # 3 h apart, default window 6 h
    scans(far, (40, 1, "重庆市"), (20, 2, "广州市"))  # 20 h apart
    (copy,) = suspected_copies(now=NOW)
    assert copy.code_id == near.pk
    assert copy.far_apart_within_window and copy.far_apart_hours == 3.0
    assert copy.far_apart_places == ("重庆市", "广州市")
    assert not copy.too_many_places and not copy.too_many_networks


def test_the_shortest_interval_is_between_neighbours_whatever_the_order():
    (code,) = codes_of("pomelo")
    # 重庆 … 重庆 (long) … 成都, then 重庆 again 2 h later: the shortest is 2 h, 成都 → 重庆
    scans(code, (100, 1, "重庆市"), (50, 1, "重庆市"), (30, 2, "成都市"), (28, 1, "重庆市"))
    (copy,) = suspected_copies(now=NOW)
    assert copy.far_apart == 2 * H
    assert copy.far_apart_places == ("成都市", "重庆市")


def test_too_many_networks_is_a_copy_even_without_places():
    many, few = codes_of("pomelo", 2)
    scans(many, *[(n, n, "") for n in range(6)])  # 6 networks > 5
    scans(few, *[(n, n, "") for n in range(5)])  # 5: not more than 5
    (copy,) = suspected_copies(now=NOW)
    assert copy.code_id == many.pk and copy.too_many_networks and copy.networks == 6


def test_uncounted_scans_and_scans_before_the_window_do_not_count(settings):
    settings.PROTECTION_COPY_WINDOW_DAYS = 30
    crawled, old = codes_of("pomelo", 2)
    scans(crawled, *[(n, n, f"城市{n}") for n in range(8)], counted=False)  # link previews
    scans(old, *[(24 * 40 + n, n, f"城市{n}") for n in range(8)])  # 40 days ago
    assert suspected_copies(now=NOW) == []


def test_thresholds_per_family_differ_and_the_default_row_applies_to_the_others():
    pomelo, rice = codes_of("pomelo")[0], codes_of("rice")[0]
    duck = codes_of("duck")[0]
    for code in (pomelo, rice, duck):
        scans(code, (50, 1, "重庆市"), (40, 2, "成都市"), (30, 3, "重庆市"), (20, 4, "成都市"))  # 4 networks, 2 cities
    assert suspected_copies(now=NOW) == []  # defaults: 5 networks, 2 cities, 6 h
    CopyThreshold.objects.create(product_family=family("duck"), max_networks=3, max_places=1, far_apart_hours=12)
    assert ids(suspected_copies(now=NOW)) == [duck.pk]
    duck_copy = suspected_copies(now=NOW)[0]
    assert duck_copy.too_many_networks and duck_copy.too_many_places and duck_copy.far_apart_within_window
    CopyThreshold.objects.create(product_family=None, max_networks=3, max_places=5, far_apart_hours=1)
    assert set(ids(suspected_copies(now=NOW))) == {duck.pk, pomelo.pk, rice.pk}
    CopyThreshold.objects.create(product_family=family("pomelo"), max_networks=10, max_places=5, far_apart_hours=1)
    assert set(ids(suspected_copies(now=NOW))) == {duck.pk, rice.pk}
    assert ids(suspected_copies(now=NOW, family_id=family("rice").pk)) == [rice.pk]


def test_ranked_by_how_far_over_recency_and_reports():
    slightly, badly, stale, reported = codes_of("pomelo", 4)
    scans(slightly, *[(1, n, "") for n in range(6)])  # 6 networks of 5
    scans(badly, *[(1, n, "") for n in range(15)])  # 15 of 5
    scans(stale, *[(24 * 60, n, "") for n in range(15)])  # as bad, two months ago
    scans(reported, *[(1, n, "") for n in range(6)])  # as slight as the first, but reported twice
    case = Case.objects.create(trace_code=reported)
    for _ in range(2):
        Report.objects.create(case=case, trace_code=reported, where_bought=Report.WhereBought.MARKET)
    copies = suspected_copies(now=NOW)
    assert ids(copies) == [badly.pk, reported.pk, slightly.pk, stale.pk]
    assert copies[1].reports == 2 and copies[1].cases == 1 and copies[2].reports == 0
    assert copies[0].score > copies[1].score > copies[2].score > copies[3].score > 0


def test_details_name_the_batch_producer_and_family_and_batches_group_codes():
    first, second = codes_of("duck", 2)
    scans(first, (3, 1, "重庆市"), (2, 2, "成都市"))
    scans(second, (5, 3, "上海市"), (4, 4, "北京市"))
    copies = suspected_copies(now=NOW)
    assert {c.code.batch.producer_id for c in copies} == {first.batch.producer_id}
    assert copies[0].code.batch.authorisation.geographical_indication.product_family.slug == "duck"
    (batch,) = suspected_batches(copies)
    assert batch.batch.pk == first.batch_id and len(batch.codes) == 2
    assert batch.place_names == ["上海市", "北京市", "成都市", "重庆市"]


def test_a_few_queries_whatever_the_number_of_codes():
    codes = codes_of("duck", 30)
    for n, code in enumerate(codes):
        scans(code, (3, n, "重庆市"), (2, n + 1, "成都市"), (1, n + 2, "上海市"))
    with CaptureQueriesContext(connection) as queries:
        copies = suspected_copies(now=NOW)
    assert len(copies) == 30
    assert len(queries) <= 7, [q["sql"][:120] for q in queries]
