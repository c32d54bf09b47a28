"""Scan counting: what counts, crawlers and previews that do not, the coarse origin, the suspicious verdict."""

import pytest
from django.test import override_settings

from gi_registry.trace.models import Scan
from gi_registry.trace.scans import coarse_origin, flush_scans

from .conftest import ALIPAY, CRAWLERS, SAFARI, WECHAT, scan

pytestmark = pytest.mark.django_db


def test_each_page_and_api_resolution_is_logged_and_counted(client, code):
    scan(client, code, WECHAT)
    scan(client, code, ALIPAY, path="/api/v1/trace/")
    data = scan(client, code, SAFARI, path="/api/v1/trace/").json()
    assert data["scan_count"] == 3
    assert data["first_scanned_at"] is not None
    flush_scans()
    assert list(Scan.objects.order_by("scanned_at").values_list("client", flat=True)) == ["wechat", "alipay", "browser"]


@pytest.mark.parametrize("ua", CRAWLERS)
def test_crawlers_and_link_previews_are_not_counted(client, code, ua):
    scan(client, code, ua)
    flush_scans()
    assert Scan.objects.get().counted is False
    assert scan(client, code, path="/api/v1/trace/").json()["scan_count"] == 1


def test_head_requests_are_not_counted(client, code):
    scan(client, code, method="head")
    flush_scans()
    assert Scan.objects.get().counted is False


def test_origin_is_a_coarse_hash_never_the_address(client, code):
    scan(client, code, ip="203.0.113.9")
    scan(client, code, ip="203.0.113.200")  # same /24
    scan(client, code, ip="198.51.100.7")
    flush_scans()
    origins = list(Scan.objects.order_by("scanned_at").values_list("origin", flat=True))
    assert origins[0] == origins[1] != origins[2]
    assert all(len(o) == 16 and "203" not in o for o in origins)
    assert coarse_origin("2001:db8:1234:5678::1") == coarse_origin("2001:db8:1234:ffff::2")  # same /48
    assert coarse_origin("2001:db8:1234::1") != coarse_origin("2001:db8:1235::1")
    assert coarse_origin("::ffff:203.0.113.9") == coarse_origin("203.0.113.1")
    assert coarse_origin("not an ip") == ""


@override_settings(TRACE_SUSPICIOUS_SCANS=3)
def test_many_scans_make_the_code_suspicious(client, code):
    for _ in range(3):
        assert scan(client, code, path="/api/v1/trace/").json()["verdict"] == "genuine"
    response = scan(client, code)
    assert response.status_code == 200
    assert b"verdict-suspicious" in response.content
    assert scan(client, code, path="/api/v1/trace/").json()["verdict"] == "suspicious"


@override_settings(TRACE_SUSPICIOUS_ORIGINS=2)
def test_scans_from_implausibly_many_places_make_the_code_suspicious(client, code):
    for i in range(2):
        assert scan(client, code, ip=f"198.51.{i}.1", path="/api/v1/trace/").json()["verdict"] == "genuine"
    assert scan(client, code, ip="192.0.2.1", path="/api/v1/trace/").json()["verdict"] == "suspicious"


@override_settings(TRACE_SUSPICIOUS_SCANS=2)
def test_crawlers_do_not_make_a_code_suspicious(client, code):
    for _ in range(5):
        scan(client, code, "facebookexternalhit/1.1")
    assert scan(client, code, path="/api/v1/trace/").json()["verdict"] == "genuine"
