"""Scan counting: what counts, crawlers and previews that do not, the suspicious verdict, the rate limit."""

import pytest
from django.test import override_settings

from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import client_class, coarse_origin, flush_scans

pytestmark = pytest.mark.django_db

WECHAT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0.47"
ALIPAY = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 AlipayClient/10.5.90"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
CRAWLERS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Sogou web spider/4.0",
    "Mozilla/5.0 (compatible; YandexBot/3.0)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "SomeCrawler/1.0",
    "",
]


@pytest.fixture
def code():
    return issue_codes(BatchFactory(), 1)[0]


def scan(client, code, ua=SAFARI, ip="203.0.113.9", method="get", path="/t/"):
    return getattr(client, method)(f"{path}{code.printed_code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    ("ua", "expected"),
    [(WECHAT, "wechat"), (ALIPAY, "alipay"), (SAFARI, "browser"), ("Nokia6300/2.0", "other")]
    + [(ua, "crawler") for ua in CRAWLERS],
)
def test_client_classes(ua, expected):
    assert client_class(ua) == expected


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


@override_settings(TRACE_RATE_LIMIT=5, TRACE_RATE_WINDOW=60)
def test_rate_limit_answers_429_and_the_client_cannot_fill_the_log(client, code):
    for _ in range(5):
        assert scan(client, code).status_code == 200
    for path in ("/t/", "/api/v1/trace/"):
        response = scan(client, code, path=path)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
    flush_scans()
    assert Scan.objects.count() == 5
    # another client is not affected
    assert scan(client, code, ip="198.51.100.7").status_code == 200


@override_settings(TRACE_RATE_LIMIT=3, TRACE_RATE_WINDOW=60)
def test_forged_codes_count_against_the_limit_too(client, code):
    for _ in range(3):
        assert client.get("/t/AAAAAAAAAAAAAAAAAAAA", REMOTE_ADDR="192.0.2.50").status_code == 404
    assert client.get("/api/v1/trace/AAAAAAAAAAAAAAAAAAAA", REMOTE_ADDR="192.0.2.50").status_code == 429
