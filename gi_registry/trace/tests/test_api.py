"""The trace JSON, /api/v1/trace/<code>: the same facts as the page, for apps and other registries."""

import pytest

from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes

from .conftest import PHONE as UA

pytestmark = pytest.mark.django_db
KEYS = {
    "verdict",
    "scan_count",
    "first_scanned_at",
    "product",
    "gi",
    "batch",
    "producer",
    "authorisation",
    "standard",
    "inspection",
    "events",
}


def test_genuine_code_json(client):
    batch = BatchFactory(gtin="6901234567892", lot_number="LP-0918")
    TraceEventFactory(batch=batch, business_step="commissioning", read_point="礼让镇")
    code = issue_codes(batch, 1)[0]
    response = client.get(f"/api/v1/trace/{code.printed_code.lower()}", **UA)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) >= KEYS
    assert data["verdict"] == "genuine" and data["scan_count"] == 1 and data["code"] == code.printed_code
    assert data["batch"]["lot"] == "LP-0918"
    assert data["product"]["gtin"] == "06901234567892"
    assert data["producer"]["credit_code"] == batch.producer.credit_code
    assert data["producer"]["contact_phone"] is None  # not published by the producer
    assert data["gi"]["name"] == batch.authorisation.geographical_indication.name
    assert data["authorisation"]["number"] == batch.authorisation.number
    assert data["standard"]["code"] == batch.standard.code
    assert data["inspection"]["results"][0]["item"] == "可溶性固形物"
    assert data["events"][0]["business_step"] == "commissioning"
    assert data["events"][0]["read_point"] == "礼让镇"


def test_unknown_and_withdrawn_json(client):
    batch = BatchFactory()
    code = issue_codes(batch, 1)[0]
    unknown = client.get("/api/v1/trace/AAAAAAAAAAAAAAAAAAAA", **UA)
    assert unknown.status_code == 404
    assert unknown.json()["verdict"] == "unknown" and set(unknown.json()) >= KEYS
    assert unknown.json()["batch"] is None
    batch.withdraw()
    withdrawn = client.get(f"/api/v1/trace/{code.printed_code}", **UA)
    assert withdrawn.status_code == 410 and withdrawn.json()["verdict"] == "withdrawn"
    assert withdrawn.json()["batch"]["status"] == "withdrawn"


def test_query_count_is_fixed(client, django_assert_max_num_queries):
    batch = BatchFactory()
    for _ in range(5):
        TraceEventFactory(batch=batch)
    code = issue_codes(batch, 1)[0]
    # the code; its batch's row (once per batch and process: fastpath.CodeQuery); batch details,
    # events (the scan is buffered: scans.ScanLog)
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/trace/{code.printed_code}", **UA).status_code == 200
    # the batch's details are then cached for every code of the batch
    with django_assert_max_num_queries(1):
        assert client.get(f"/api/v1/trace/{code.printed_code}", **UA).status_code == 200
    client.get(f"/t/{code.printed_code}", **UA)
    with django_assert_max_num_queries(1):
        assert client.get(f"/t/{code.printed_code}", **UA).status_code == 200


def test_query_count_when_each_scan_is_written_at_once(client, django_assert_max_num_queries, settings):
    settings.TRACE_SCAN_LOG_ASYNC = False
    batch = BatchFactory()
    code = issue_codes(batch, 1)[0]
    client.get(f"/t/{code.printed_code}", **UA)
    # code (+ batch row); scan: savepoint, the code's row locked (PostgreSQL), insert, counters,
    # release; its origin is known to be written already, so no look-up
    with django_assert_max_num_queries(6):
        assert client.get(f"/t/{code.printed_code}", **UA).status_code == 200


def test_cached_details_follow_new_events_and_withdrawal_at_once(client):
    batch = BatchFactory()
    code = issue_codes(batch, 1)[0]
    assert client.get(f"/api/v1/trace/{code.printed_code}", **UA).json()["events"] == []
    client.get(f"/t/{code.printed_code}", **UA)
    TraceEventFactory(batch=batch, business_step="shipping", read_point="梁平区物流园")
    data = client.get(f"/api/v1/trace/{code.printed_code}", **UA).json()
    assert [e["read_point"] for e in data["events"]] == ["梁平区物流园"]
    assert "梁平区物流园" in client.get(f"/t/{code.printed_code}", **UA).content.decode()
    batch.withdraw(reason="测试撤回")
    data = client.get(f"/api/v1/trace/{code.printed_code}", **UA).json()
    assert data["verdict"] == "withdrawn" and data["batch"]["withdrawal_reason"] == "测试撤回"
