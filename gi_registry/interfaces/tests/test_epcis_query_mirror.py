"""Events entered by hand (the producer's batch flow in the admin, the demo loader) answer EPCIS
queries: each trace event is mirrored into an EPCIS ObjectEvent when it is added, changed or
deleted; ``manage.py mirror_trace_events`` catches up with events recorded before."""

from __future__ import annotations

import datetime
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command

from core.origin import site_origin
from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory
from gi_registry.interfaces.epcis.mirror import mirror, mirror_document
from gi_registry.interfaces.models import ApiToken, EpcisEvent
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceEvent
from gi_registry.trace.tests.test_flow import event_data, flow
from gi_registry.trace.tests.test_flow_event_edit import delete_url, edit_url

pytestmark = pytest.mark.django_db

GTIN = "06901234567892"


@pytest.fixture
def my_batch(producer_user):
    """The producer account's own batch with a harvest and a packing event."""
    auth = AuthorisationFactory(yearly_quota=100, geographical_indication=GeographicalIndicationFactory(name="梁平柚"))
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    batch = BatchFactory(authorisation=auth, lot_number="LP2026-MINE")
    day = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    TraceEventFactory(
        batch=batch, business_step="commissioning", event_time=day, read_point="川西村3组", note="人工采收"
    )
    TraceEventFactory(
        batch=batch, business_step="packing", event_time=day + datetime.timedelta(days=1), note="错写的包装"
    )
    return batch


def query(client, secret=None, **params):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    response = client.get("/epcis/events", params, HTTP_ACCEPT_LANGUAGE="en", **extra)
    assert response.status_code == 200, response.content
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_an_event_added_in_the_batch_flow_is_queryable(
    client, producer_user, my_batch, django_capture_on_commit_callbacks
):
    my_batch.gtin = GTIN
    my_batch.save()
    client.force_login(producer_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            flow(my_batch, "events/"),
            event_data(
                "shipping", "2026-11-05T09:30", read_point="梁平区物流园", disposition="in_transit", note="冷链车"
            ),
        )
    assert response.status_code == 302
    client.logout()
    events = query(client, EQ_bizStep="shipping")
    assert len(events) == 1
    event = events[0]
    assert event["type"] == "ObjectEvent" and event["action"] == "OBSERVE"
    assert event["bizStep"] == "https://ref.gs1.org/cbv/BizStep-shipping"
    assert event["disposition"] == "https://ref.gs1.org/cbv/Disp-in_transit"
    assert event["eventTime"] == "2026-11-05T09:30:00+08:00"
    assert event["eventTimeZoneOffset"] == "+08:00"
    assert event["readPoint"]["lp:name"] == "梁平区物流园"
    assert event["readPoint"]["id"] == "urn:liangping:place:" + quote("梁平区物流园", safe="")
    assert event["lp:note"] == "冷链车"
    assert event["quantityList"] == [{"epcClass": f"{site_origin()}/01/{GTIN}/10/LP2026-MINE"}]
    assert event["eventID"].startswith("ni:///sha-256;") and event["eventID"].endswith("?ver=CBV2.0")
    # found by its class in any spelling, and by its ID
    assert (
        query(client, MATCH_anyEPCClass=f"https://id.gs1.org/01/{GTIN}/10/LP2026-MINE")[0]["eventID"]
        == event["eventID"]
    )
    credit = my_batch.producer.credit_code
    by_urn = query(client, MATCH_anyEPCClass=f"urn:liangping:lot:{credit}:LP2026-MINE")
    assert [e["eventID"] for e in by_urn] == [event["eventID"]]
    assert client.get("/epcis/events/" + quote(event["eventID"], safe="")).status_code == 200


def test_commissioning_is_add_and_a_batch_without_gtin_is_named_by_its_lot_urn(db):
    batch = BatchFactory(gtin="", lot_number="NOGTIN-1")
    harvest = TraceEventFactory(batch=batch, business_step="commissioning", disposition="")
    event = mirror(harvest)
    assert event.document["action"] == "ADD"
    assert "disposition" not in event.document
    urn = f"urn:liangping:lot:{batch.producer.credit_code}:NOGTIN-1"
    assert event.document["quantityList"] == [{"epcClass": urn}]
    assert list(event.epcs.values_list("level", "value")) == [("class", urn)]
    assert (event.biz_step, event.event_type, event.batch_id) == ("commissioning", "ObjectEvent", batch.pk)


def test_a_corrected_event_is_corrected_in_the_query(
    client, producer_user, my_batch, django_capture_on_commit_callbacks
):
    issue_codes(my_batch, 1)  # a public batch
    call_command("mirror_trace_events", stdout=StringIO())
    packing = my_batch.events.get(business_step="packing")
    before = EpcisEvent.objects.get(trace_event=packing)
    client.force_login(producer_user)
    when = "2026-11-06T10:00"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(my_batch, packing), event_data("packing", when, read_point="礼让镇包装车间", note="分级装箱")
        )
    assert response.status_code == 302
    after = EpcisEvent.objects.get(trace_event=packing)
    assert after.pk == before.pk and after.event_id != before.event_id  # a new hash, the same row
    assert EpcisEvent.objects.filter(batch=my_batch).count() == 2
    client.logout()
    events = {e["lp:note"]: e for e in query(client)}
    assert set(events) == {"人工采收", "分级装箱"}
    assert events["分级装箱"]["readPoint"]["lp:name"] == "礼让镇包装车间"
    assert client.get("/epcis/events/" + quote(before.event_id, safe="")).status_code == 404


def test_a_deleted_event_leaves_the_query(client, producer_user, my_batch, django_capture_on_commit_callbacks):
    issue_codes(my_batch, 1)
    call_command("mirror_trace_events", stdout=StringIO())
    packing = my_batch.events.get(business_step="packing")
    client.force_login(producer_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url(my_batch, packing)).status_code == 302
    assert not TraceEvent.objects.filter(pk=packing.pk).exists()
    client.logout()
    assert [e["lp:note"] for e in query(client)] == ["人工采收"]


def test_a_captured_event_is_never_overwritten_by_its_trace_event(db, django_capture_on_commit_callbacks):
    """Capture creates the trace event and its EPCIS event in one transaction: the mirror leaves
    the captured event as it came (and does not add a second one)."""
    batch = BatchFactory(gtin=GTIN)
    captured_doc = {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving", "epcList": ["urn:x:1"]}
    with django_capture_on_commit_callbacks(execute=True):
        trace_event = TraceEventFactory(batch=batch, business_step="receiving")
        EpcisEvent.objects.create(
            event_id="urn:uuid:captured",
            event_hash="ni:///sha-256;cafe?ver=CBV2.0",
            event_type="ObjectEvent",
            event_time=trace_event.event_time,
            biz_step="receiving",
            document=captured_doc,
            batch=batch,
            trace_event=trace_event,
        )
    assert list(EpcisEvent.objects.values_list("event_id", flat=True)) == ["urn:uuid:captured"]
    trace_event.note = "改"
    trace_event.save()
    assert mirror(trace_event) is None
    assert EpcisEvent.objects.get().document == captured_doc
    trace_event.delete()
    assert EpcisEvent.objects.filter(event_id="urn:uuid:captured").exists()  # the captured event stays


def test_mirror_command_mirrors_existing_events_once_and_reports(db):
    batch = BatchFactory(gtin=GTIN)
    for step in ("commissioning", "packing", "shipping"):
        TraceEvent.objects.bulk_create(
            [
                TraceEvent(
                    batch=batch,
                    business_step=step,
                    event_time=datetime.datetime(2026, 11, 3, tzinfo=datetime.UTC),
                    event_hash=step,
                )
            ]
        )  # bulk_create: no signal, as events recorded before the mirror existed
    out = StringIO()
    call_command("mirror_trace_events", stdout=out)
    assert EpcisEvent.objects.filter(batch=batch).count() == 3
    assert "3 trace events: 3 mirrored, 0 unchanged" in out.getvalue()
    out = StringIO()
    call_command("mirror_trace_events", stdout=out)
    assert "3 trace events: 0 mirrored, 3 unchanged" in out.getvalue()
    assert EpcisEvent.objects.count() == 3


def test_demo_data_is_queryable(client, db, django_capture_on_commit_callbacks):
    from core.demo import load_demo_data

    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data(StringIO(), StringIO(), verbosity=0)
    events = query(client, EQ_bizStep="commissioning", perPage="100")
    assert events, "the demo batches' harvests answer an anonymous query"
    assert {e["action"] for e in events} == {"ADD"}
    assert all("lp:name" in e["readPoint"] for e in events if "readPoint" in e)
    # the README's example: a demo lot by its URN (the demo batches have no GTIN)
    lot = query(client, MATCH_anyEPCClass="urn:liangping:lot:93500155MA9000011Q:CX2611-01")
    assert [e["bizStep"].rsplit("-", 1)[1] for e in lot][:1] == ["commissioning"]
    assert len(lot) >= 3


def test_mirror_document_is_stable(db):
    """The same trace event always gives the same event (and so the same hash)."""
    event = TraceEventFactory(batch=BatchFactory(gtin=GTIN), business_step="packing")
    assert mirror_document(event) == mirror_document(TraceEvent.objects.get(pk=event.pk))


def test_own_token_sees_mirrored_events_of_a_batch_without_public_page(client, db):
    batch = BatchFactory(gtin="", lot_number="PRIV-1")
    mirror(TraceEventFactory(batch=batch, business_step="packing"))
    assert query(client) == []
    secret = ApiToken.issue(name="erp", producer=batch.producer)[1]
    assert len(query(client, secret)) == 1
