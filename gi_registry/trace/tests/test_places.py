"""A scan's coarse place: the city from the offline ip2region database, never the address."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings

from gi_registry.trace import places, scans
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import flush_scans

from .conftest import WECHAT, scan

# Addresses the shipped database maps to a city (looked up in the database itself): public DNS
# resolvers and carrier networks of these cities.
CHONGQING_TELECOM = "222.177.0.1"
CHONGQING_UNICOM = "113.204.0.1"
CHENGDU = "61.139.2.69"
SHANGHAI = "202.96.209.133"
GUANGZHOU = "202.96.128.86"


def test_the_database_ships_with_the_package_and_names_cities():
    assert places.database_path() is not None
    assert places.coarse_place(CHONGQING_TELECOM) == "重庆市"
    assert places.coarse_place(CHONGQING_UNICOM) == "重庆市"
    assert places.coarse_place(CHENGDU) == "成都市"
    assert places.coarse_place(SHANGHAI) == "上海市"
    assert places.coarse_place(GUANGZHOU) == "广州市"
    assert places.coarse_place(f"::ffff:{CHENGDU}") == "成都市"


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.1.5", "172.16.0.9", "198.18.3.7", "::1", "2001:db8::1", "", "x"]
)
def test_private_loopback_reserved_ipv6_and_garbage_have_no_place(address):
    assert places.coarse_place(address) == ""


def test_city_else_province_else_country():
    assert places.place_from_region("中国|0|四川省|成都市|电信") == "成都市"
    assert places.place_from_region("中国|0|西藏|0|0") == "西藏"
    assert places.place_from_region("美国|0|0|0|Level3") == "美国"
    assert places.place_from_region("0|0|0|内网IP|内网IP") == ""
    assert places.place_from_region("") == ""


@pytest.mark.django_db
def test_each_scan_records_its_city_and_never_the_address(client, code):
    scan(client, code, WECHAT, ip=CHONGQING_TELECOM)
    scan(client, code, WECHAT, ip=CHENGDU)
    scan(client, code, WECHAT, ip="203.0.113.9")  # documentation network: no place
    flush_scans()
    assert list(Scan.objects.order_by("scanned_at").values_list("place", flat=True)) == ["重庆市", "成都市", ""]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Scan._meta.db_table}")  # noqa: S608
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for address in (CHONGQING_TELECOM, CHENGDU, "222.177.0", "61.139.2"):
        assert address not in stored


@pytest.mark.django_db
@override_settings(TRACE_SCAN_PLACES=False)
def test_places_can_be_turned_off(client, code):
    scan(client, code, WECHAT, ip=CHONGQING_TELECOM)
    flush_scans()
    assert Scan.objects.get().place == ""


def test_the_journal_keeps_the_place_and_reads_lines_written_before_places():
    when = datetime.datetime(2026, 12, 1, 8, 30, tzinfo=datetime.UTC)
    record = scans.ScanRecord(7, when, "ab" * 8, Scan.Client.WECHAT, True, "重庆市")
    assert scans.parse_journal(scans.journal_line(record)) == [record]
    old_line = scans.journal_line(record).decode().rsplit("\t", 1)[0] + "\n"
    assert scans.parse_journal(old_line.encode()) == [scans.ScanRecord(7, when, "ab" * 8, "wechat", True, "")]


def test_a_network_is_looked_up_once_and_an_address_once(monkeypatch):
    """A scan pays one database search per /24 network at most: later addresses of the network and
    later scans from the same address are answered from memory (no timing: counted searches)."""
    places._place_of_network.cache_clear()
    places._place_of_address.cache_clear()
    reader = places._reader()
    assert reader is not None
    searches = []
    real_search = reader.search

    def counting_search(ip):
        searches.append(ip)
        return real_search(ip)

    monkeypatch.setattr(reader, "search", counting_search)
    addresses = [f"{a}.{b}.{c}.9" for a in (58, 61, 113, 222) for b in range(0, 250, 10) for c in range(0, 250, 25)]
    first = [places.coarse_place(address) for address in addresses]
    assert len(searches) == len(addresses)  # one /24 each
    again = [places.coarse_place(address) for address in addresses]
    neighbours = [places.coarse_place(address.rsplit(".", 1)[0] + ".200") for address in addresses]
    assert again == first == neighbours
    assert len(searches) == len(addresses)
    places._place_of_address.cache_clear()
    places._place_of_network.cache_clear()


def test_the_journal_line_of_a_scan_holds_the_city_not_the_address(rf):
    from gi_registry.trace.models import TraceCode
    from gi_registry.trace.scans import scan_record

    request = rf.get("/t/X", HTTP_USER_AGENT=WECHAT, REMOTE_ADDR=CHENGDU)
    line = scans.journal_line(scan_record(TraceCode(pk=7), request)).decode()
    assert line.rstrip("\n").endswith("\t成都市")
    assert CHENGDU not in line and "61.139" not in line
