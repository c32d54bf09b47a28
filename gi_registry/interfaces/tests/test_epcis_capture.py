"""EPCIS capture over HTTP: POST /epcis/capture (jobs, rollback/proceed, limit), POST /epcis/events
(201 / 409 by event hash), the batches a token may speak for, and who sees a job."""

import json
import uuid

import pytest

from gi_registry.interfaces.epcis import mapping
from gi_registry.interfaces.models import ApiToken, CaptureJob, EpcisEvent, EpcisEventEpc, Organisation
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceEvent

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
GTIN_A = "06901234567892"
GTIN_B = "06901234567908"


@pytest.fixture(autouse=True)
def english(client):
    """Most tests read the messages in English (Accept-Language); one checks the Chinese default."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def batch_a(db):
    return BatchFactory(gtin=GTIN_A, lot_number="LP2026-A")


@pytest.fixture
def batch_b(db):
    return BatchFactory(gtin=GTIN_B, lot_number="LP2026-B")


@pytest.fixture
def codes_a(batch_a):
    return [code.printed_code for code in issue_codes(batch_a, 3)]


@pytest.fixture
def codes_b(batch_b):
    return [code.printed_code for code in issue_codes(batch_b, 2)]


@pytest.fixture
def secret_a(batch_a):
    return ApiToken.issue(producer=batch_a.producer, name="packing line")[1]


def _dl(code, gtin=GTIN_A, lot="LP2026-A", host="https://id.gs1.org"):
    return f"{host}/01/{gtin}/10/{lot}/21/{code}"


def _event(epcs, step="shipping", time="2026-11-02T08:30:00+08:00", **extra):
    event = {
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": "+08:00",
        "epcList": epcs,
        "action": "OBSERVE",
        "bizStep": step,
        "disposition": "in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
    }
    event.update(extra)
    return event


def _document(events):
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-02T09:00:00+08:00",
        "epcisBody": {"eventList": events},
    }


def _post(client, url, body, secret, content_type="application/ld+json", **headers):
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type, headers=headers)


def _job(client, response, secret):
    assert response.status_code == 202, response.content
    location = response["Location"]
    assert location.startswith("/epcis/capture/")
    answer = client.get(location, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    return answer.json()


# --- capture of a document ---------------------------------------------------------------------


def test_a_document_is_captured_onto_its_batch_and_trace_page(client, batch_a, codes_a, secret_a):
    events = [
        _event([_dl(codes_a[0]), _dl(codes_a[1], host="https://trace.example.cn")], step="packing"),
        _event([f"urn:liangping:code:{codes_a[2]}"], time="2026-11-03T10:00:00+08:00"),
    ]
    response = _post(client, "/epcis/capture", _document(events), secret_a)
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    assert response["GS1-CBV-Version"] == "2.0.0"
    assert response["GS1-EPCIS-Capture-Limit"] == "10000"
    job = _job(client, response, secret_a)
    assert job["status"] == "success"
    assert (job["running"], job["success"], job["errors"]) == (False, True, [])
    assert job["capturedCount"] == 2

    stored = list(EpcisEvent.objects.order_by("event_time"))
    assert [e.batch for e in stored] == [batch_a, batch_a]
    assert [e.biz_step for e in stored] == ["packing", "shipping"]
    assert all(e.event_hash.startswith("ni:///sha-256;") and e.event_id == e.event_hash for e in stored)
    # Every EPC under both of our spellings (and as sent), so a query finds it either way.
    values = set(EpcisEventEpc.objects.filter(event=stored[1]).values_list("value", flat=True))
    assert f"urn:liangping:code:{codes_a[2]}" in values
    assert f"http://testserver/01/{GTIN_A}/10/LP2026-A/21/{codes_a[2]}" in values
    # The steps the trace page knows became trace events of the batch, with the place.
    trace = list(TraceEvent.objects.filter(batch=batch_a).order_by("event_time"))
    assert [t.business_step for t in trace] == ["packing", "shipping"]
    assert trace[1].read_point == "urn:epc:id:sgln:6901234.00001.0"
    assert trace[1].disposition == "in_transit"
    assert stored[1].trace_event == trace[1]


def test_a_retried_capture_makes_no_second_event(client, batch_a, codes_a, secret_a):
    document = _document([_event([_dl(codes_a[0])]), _event([_dl(codes_a[0])])])  # the same event twice
    first = _job(client, _post(client, "/epcis/capture", document, secret_a), secret_a)
    assert (first["status"], first["capturedCount"]) == ("success", 1)
    # The link dropped; the packing house sends the document again, the code spelt the other way.
    document["epcisBody"]["eventList"][0]["epcList"] = [f"https://id.gs1.org/01/{GTIN_A}/21/{codes_a[0]}"]
    again = _job(client, _post(client, "/epcis/capture", document, secret_a), secret_a)
    assert (again["status"], again["capturedCount"]) == ("success", 0)
    assert EpcisEvent.objects.count() == 1
    assert TraceEvent.objects.filter(batch=batch_a).count() == 1


def test_rollback_stores_nothing_and_lists_every_bad_event(client, batch_a, codes_a, secret_a):
    document = _document(
        [
            _event([_dl(codes_a[0])]),
            _event([_dl(codes_a[1])], step="shiping"),
            _event([f"https://id.gs1.org/01/{GTIN_A}/10/NO-SUCH-LOT"]),
        ]
    )
    job = _job(client, _post(client, "/epcis/capture", document, secret_a), secret_a)
    assert (job["status"], job["running"], job["success"], job["captureErrorBehaviour"]) == (
        "failed",
        False,
        False,
        "rollback",
    )
    assert [e["index"] for e in job["errors"]] == [1, 2]
    assert job["errors"][0]["type"] == "epcisException:ValidationException"
    assert "$.epcisBody.eventList[1].bizStep" in job["errors"][0]["detail"]
    assert "shiping" in job["errors"][0]["detail"]
    assert "names no batch" in job["errors"][1]["detail"]
    assert EpcisEvent.objects.count() == 0
    assert TraceEvent.objects.count() == 0
    assert CaptureJob.objects.get().document is None  # the document is not kept


def test_proceed_keeps_the_good_events(client, batch_a, codes_a, secret_a):
    document = _document([_event([_dl(codes_a[0])]), _event([_dl(codes_a[1])], step="shiping")])
    response = _post(client, "/epcis/capture", document, secret_a, **{"GS1-Capture-Error-Behaviour": "proceed"})
    job = _job(client, response, secret_a)
    assert (job["status"], job["captureErrorBehaviour"], job["capturedCount"]) == ("failed", "proceed", 1)
    assert [e["index"] for e in job["errors"]] == [1]
    assert list(EpcisEvent.objects.values_list("batch", flat=True)) == [batch_a.pk]


def test_a_document_over_the_capture_limit_is_refused_with_the_limit(client, settings, codes_a, secret_a):
    settings.EPCIS_CAPTURE_LIMIT = 2
    document = _document([_event([_dl(code)]) for code in codes_a])
    response = _post(client, "/epcis/capture", document, secret_a)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response["GS1-EPCIS-Capture-Limit"] == "2"
    body = response.json()
    assert body["type"] == "epcisException:CaptureLimitExceededException"
    assert "at most 2" in body["detail"]
    assert CaptureJob.objects.count() == 0


def test_an_invalid_document_envelope_is_refused_at_once(client, codes_a, secret_a):
    document = _document([_event([_dl(codes_a[0])])])
    del document["creationDate"]
    response = _post(client, "/epcis/capture", document, secret_a)
    assert response.status_code == 400
    assert "'creationDate' is a required property" in response.json()["detail"]
    assert CaptureJob.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "status", "type_"),
    [
        ("{not json", "application/json", {}, 400, "epcisException:ValidationException"),
        ("<epcis/>", "application/xml", {}, 415, "epcisException:UnsupportedMediaTypeException"),
        (None, "application/json", {"GS1-Capture-Error-Behaviour": "sometimes"}, 400, None),
    ],
)
def test_malformed_requests_get_problem_json(client, codes_a, secret_a, body, content_type, headers, status, type_):
    body = body if body is not None else _document([_event([_dl(codes_a[0])])])
    response = _post(client, "/epcis/capture", body, secret_a, content_type=content_type, **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if type_:
        assert response.json()["type"] == type_


def test_capture_needs_a_usable_token_with_the_capture_scope(client, batch_a, codes_a):
    document = _document([_event([_dl(codes_a[0])])])
    assert _post(client, "/epcis/capture", document, None).status_code == 401
    query_only, secret = ApiToken.issue(producer=batch_a.producer, name="reader", can_capture=False)
    response = _post(client, "/epcis/capture", document, secret)
    assert response.status_code == 403
    assert response.json()["type"] == "epcisException:SecurityException"
    revoked, secret = ApiToken.issue(producer=batch_a.producer, name="old")
    revoked.revoke()
    assert _post(client, "/epcis/capture", document, secret).status_code == 401
    assert EpcisEvent.objects.count() == 0


# --- ownership -----------------------------------------------------------------------------------


def test_another_producers_batch_is_refused(client, batch_a, codes_a, codes_b, secret_a):
    document = _document([_event([_dl(codes_b[0], gtin=GTIN_B, lot="LP2026-B")])])
    job = _job(client, _post(client, "/epcis/capture", document, secret_a), secret_a)
    assert job["status"] == "failed"
    assert job["errors"][0]["type"] == "epcisException:SecurityException"
    assert "LP2026-B" in job["errors"][0]["detail"]
    assert EpcisEvent.objects.count() == 0


def test_an_organisation_token_speaks_for_its_producers_only(client, batch_a, batch_b, codes_a, codes_b):
    packing_house = Organisation.objects.create(name="梁平柚包装厂", kind=Organisation.Kind.PACKING_HOUSE)
    packing_house.producers.add(batch_a.producer)
    _token, secret = ApiToken.issue(organisation=packing_house, name="line 1")
    mine = _document([_event([_dl(codes_a[0])])])
    assert _job(client, _post(client, "/epcis/capture", mine, secret), secret)["status"] == "success"
    theirs = _document([_event([_dl(codes_b[0], gtin=GTIN_B, lot="LP2026-B")])])
    job = _job(client, _post(client, "/epcis/capture", theirs, secret), secret)
    assert job["status"] == "failed"
    assert job["errors"][0]["type"] == "epcisException:SecurityException"
    assert list(EpcisEvent.objects.values_list("batch", flat=True)) == [batch_a.pk]


def test_an_event_naming_two_batches_is_refused(client, batch_a, codes_a, codes_b):
    packing_house = Organisation.objects.create(name="双批次包装厂")
    packing_house.producers.add(batch_a.producer)
    _token, secret = ApiToken.issue(organisation=packing_house, name="line 2")
    document = _document([_event([_dl(codes_a[0]), _dl(codes_b[0], gtin=GTIN_B, lot="LP2026-B")])])
    job = _job(client, _post(client, "/epcis/capture", document, secret), secret)
    assert "several batches" in job["errors"][0]["detail"]


# --- job visibility ------------------------------------------------------------------------------


def test_a_job_is_seen_only_by_its_holder(client, batch_a, batch_b, codes_a, secret_a):
    response = _post(client, "/epcis/capture", _document([_event([_dl(codes_a[0])])]), secret_a)
    location = response["Location"]
    _same_producer, sibling = ApiToken.issue(producer=batch_a.producer, name="second line")
    assert client.get(location, headers={"Authorization": f"Bearer {sibling}"}).status_code == 200
    _other, stranger = ApiToken.issue(producer=batch_b.producer, name="someone else")
    answer = client.get(location, headers={"Authorization": f"Bearer {stranger}"})
    assert answer.status_code == 404
    assert answer.json()["type"] == "epcisException:NoSuchResourceException"
    assert client.get(location).status_code == 401
    assert (
        client.get(f"/epcis/capture/{uuid.uuid4()}", headers={"Authorization": f"Bearer {secret_a}"}).status_code == 404
    )
    own = client.get("/epcis/capture", headers={"Authorization": f"Bearer {sibling}"}).json()
    assert [j["captureID"] for j in own] == [location.rsplit("/", 1)[1]]
    assert client.get("/epcis/capture", headers={"Authorization": f"Bearer {stranger}"}).json() == []


def test_the_job_runs_on_the_task_queue(client, queued_tasks, run_task_worker, batch_a, codes_a, secret_a):
    response = _post(client, "/epcis/capture", _document([_event([_dl(codes_a[0])])]), secret_a)
    assert response.status_code == 202
    assert response.json()["status"] == "running"
    assert EpcisEvent.objects.count() == 0
    run_task_worker()
    job = client.get(response["Location"], headers={"Authorization": f"Bearer {secret_a}"}).json()
    assert (job["status"], job["capturedCount"]) == ("success", 1)
    assert EpcisEvent.objects.count() == 1


# --- one event -----------------------------------------------------------------------------------


def _single(event):
    return dict(event, **{"@context": CONTEXT})


def test_one_event_is_created_then_a_duplicate_is_409(client, batch_a, codes_a, secret_a):
    event = _single(_event([_dl(codes_a[0])], eventID="urn:uuid:3f1b0f0e-5a57-4c1e-9b59-7d0c1e8a2f11"))
    response = _post(client, "/epcis/events", event, secret_a)
    assert response.status_code == 201, response.content
    assert response.json()["eventID"] == "urn:uuid:3f1b0f0e-5a57-4c1e-9b59-7d0c1e8a2f11"
    assert response["Location"] == "/epcis/events/urn%3Auuid%3A3f1b0f0e-5a57-4c1e-9b59-7d0c1e8a2f11"
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    # The same event again, with another eventID and the code as GS1's EPC URN: the same hash.
    again = _single(
        _event(
            [f"urn:epc:id:sgtin:6901234.056789.{codes_a[0]}"], eventID="urn:uuid:00000000-0000-4000-8000-000000000000"
        )
    )
    duplicate = _post(client, "/epcis/events", again, secret_a)
    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "epcisException:ResourceAlreadyExistsException"
    assert duplicate.json()["eventID"] == "urn:uuid:3f1b0f0e-5a57-4c1e-9b59-7d0c1e8a2f11"
    assert EpcisEvent.objects.count() == 1


def test_one_event_for_another_producers_batch_is_403(client, batch_a, codes_b, secret_a):
    event = _single(_event([_dl(codes_b[0], gtin=GTIN_B, lot="LP2026-B")]))
    response = _post(client, "/epcis/events", event, secret_a)
    assert response.status_code == 403
    assert "LP2026-B" in response.json()["detail"]


def test_one_invalid_event_is_400_with_the_path(client, codes_a, secret_a):
    event = _single(_event([_dl(codes_a[0])], disposition="lost_in_the_fog"))
    response = _post(client, "/epcis/events", event, secret_a)
    assert response.status_code == 400
    assert "$.disposition" in response.json()["detail"]


def test_a_class_level_event_maps_to_the_lot(client, batch_a, secret_a):
    event = _single(
        {
            "type": "ObjectEvent",
            "eventTime": "2026-11-01T07:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "quantityList": [
                {"epcClass": f"https://trace.example.cn/01/{GTIN_A}/10/LP2026-A", "quantity": 1200, "uom": "KGM"}
            ],
        }
    )
    assert _post(client, "/epcis/events", event, secret_a).status_code == 201
    stored = EpcisEvent.objects.get()
    assert stored.batch == batch_a
    classes = set(stored.epcs.filter(level="class").values_list("value", flat=True))
    assert f"urn:liangping:lot:{batch_a.producer.credit_code}:LP2026-A" in classes
    assert f"http://testserver/01/{GTIN_A}/10/LP2026-A" in classes
    assert stored.trace_event.business_step == "commissioning"


# --- which batch an EPC names ----------------------------------------------------------------------


def test_batch_for_epc_reads_every_spelling(batch_a, batch_b, codes_a):
    code = codes_a[0]
    credit = batch_a.producer.credit_code
    assert mapping.batch_for_epc(_dl(code)) == batch_a
    assert mapping.batch_for_epc(_dl(code, host="https://any.domain.example")) == batch_a
    assert mapping.batch_for_epc(f"https://id.gs1.org/gtin/{GTIN_A}/ser/{code}") == batch_a
    assert mapping.batch_for_epc(f"urn:liangping:code:{code}") == batch_a
    assert mapping.batch_for_epc(f"https://x.example/01/{GTIN_A}/10/LP2026-A") == batch_a
    assert mapping.batch_for_epc(f"urn:liangping:lot:{credit}:LP2026-A") == batch_a
    assert mapping.batch_for_epc("urn:epc:class:lgtin:6901234.056789.LP2026-A") == batch_a
    # A GTIN alone names a product; a code under another batch's GTIN or a forged code names nothing.
    assert mapping.batch_for_epc(f"https://id.gs1.org/01/{GTIN_A}") is None
    assert mapping.batch_for_epc(_dl(code, gtin=GTIN_B, lot="LP2026-B")) is None
    assert mapping.batch_for_epc(_dl("A" * len(code))) is None
    assert mapping.batch_for_epc("urn:epc:id:sscc:6901234.0000000001") is None


def test_messages_are_chinese_by_default(client, settings, codes_a, secret_a):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    settings.EPCIS_CAPTURE_LIMIT = 1
    response = _post(client, "/epcis/capture", _document([_event([_dl(code)]) for code in codes_a[:2]]), secret_a)
    assert response.json()["detail"] == "文档含 2 个事件；每次采集最多 1 个。"
    settings.EPCIS_CAPTURE_LIMIT = 10
    document = _document([_event([f"https://id.gs1.org/01/{GTIN_A}/10/NO-SUCH-LOT"])])
    job = _job(client, _post(client, "/epcis/capture", document, secret_a), secret_a)
    assert job["errors"][0]["detail"].startswith("事件 0：该事件未指向本登记系统的任何批次")


def test_the_benchmark_command_runs(db, capsys):
    from django.core.management import call_command

    call_command("bench_epcis_capture", events=12, batches=2, rounds=1)
    output = capsys.readouterr().out
    assert "EPCIS capture of 12 events" in output
    assert "events/s through HTTP" in output
    assert not EpcisEvent.objects.exists()  # every round rolled back, the seed removed


def test_token_callers_need_no_csrf_token_and_options_lists_the_methods(db, codes_a, secret_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = _post(strict, "/epcis/capture", _document([_event([_dl(codes_a[0])])]), secret_a)
    assert response.status_code == 202
    options = strict.options("/epcis/capture")
    assert options.status_code == 204
    assert options["Allow"] == "GET, POST, OPTIONS"
    assert options["GS1-EPCIS-Version"] == "2.0.0"
    assert (
        strict.options("/epcis/events")["Allow"] == "GET, HEAD, POST, OPTIONS"
    )  # the query and the one-event capture share the path
    assert strict.delete("/epcis/capture", headers={"Authorization": f"Bearer {secret_a}"}).status_code == 405
