"""``GET /epcis/events``: each query parameter, OR of values, refusals, paging, one event by its
ID, who sees what (anonymous, a producer's token, another producer's token), OPTIONS and the GS1
headers."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from gi_registry.interfaces.epcis import serialise
from gi_registry.interfaces.models import ApiToken, EpcisEvent, EpcisEventEpc
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
T0 = datetime.datetime(2026, 11, 3, 8, 0, tzinfo=TZ)
GTIN = "06901234567892"
SECRET_PARTNER = "urn:epc:id:pgln:0614141.00001"


@pytest.fixture(autouse=True)
def english():
    cache.clear()
    with translation.override("en"):
        yield


def captured(
    batch,
    n,
    *,
    step="shipping",
    disposition="in_transit",
    etype="ObjectEvent",
    when=None,
    epcs=(),
    classes=(),
    location="",
):
    """An event as the capture interface stores it (with producer-private fields)."""
    when = when or T0 + datetime.timedelta(hours=n)
    event_id = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
    document = {
        "type": etype,
        "eventTime": when.isoformat(),
        "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE",
        "epcList": list(epcs),
        "quantityList": [{"epcClass": c, "quantity": 10, "uom": "KGM"} for c in classes],
        "bizStep": step,
        "disposition": disposition,
        "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
        "bizLocation": {"id": location or "urn:epc:id:sgln:6901234.00002.0"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234567892:PO-77"}],
        "destinationList": [{"type": "owning_party", "destination": SECRET_PARTNER}],
        "ilmd": {"example:harvestPlot": "3号地块"},
    }
    event = EpcisEvent.objects.create(
        event_id=event_id,
        event_hash=f"ni:///sha-256;{n:064x}?ver=CBV2.0",
        event_type=etype,
        event_time=when,
        biz_step=step,
        biz_location=location,
        disposition=disposition,
        document=document,
        batch=batch,
    )
    for value in epcs:
        EpcisEventEpc.objects.create(event=event, level="instance", value=value)
    for value in classes:
        EpcisEventEpc.objects.create(event=event, level="class", value=value)
    return event


@pytest.fixture
def public_batch(db):
    """A batch with issued codes: it has a public trace page."""
    batch = BatchFactory(gtin=GTIN, lot_number="CX01")
    issue_codes(batch, 1)
    return batch


@pytest.fixture
def private_batch(db):
    """A batch without codes or GTIN: no public page shows it."""
    return BatchFactory(gtin="", lot_number="CX02")


def get(client, params=None, secret=None, path="/epcis/events", language="en"):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.get(path, params or {}, HTTP_ACCEPT_LANGUAGE=language, **extra)


def ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "EPCISQueryDocument"
    return [e["eventID"] for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


def n_of(event_ids):
    return sorted(int(i.rsplit("-", 1)[1]) for i in event_ids)


def token_for(producer, **fields):
    return ApiToken.issue(name="line", producer=producer, **fields)[1]


# --- parameters ---------------------------------------------------------------------------------


def test_time_window_is_ge_and_lt(client, public_batch):
    for n in range(5):
        captured(public_batch, n)
    response = get(
        client,
        {"GE_eventTime": (T0 + datetime.timedelta(hours=1)).isoformat(), "LT_eventTime": "2026-11-03T11:00:00+08:00"},
    )
    assert n_of(ids(response)) == [1, 2]


def test_time_with_unencoded_plus_and_z(client, public_batch):
    for n in range(3):
        captured(public_batch, n)
    # "+08:00" typed into a URL unencoded arrives as " 08:00"
    assert n_of(ids(client.get("/epcis/events?GE_eventTime=2026-11-03T09:00:00+08:00", HTTP_ACCEPT_LANGUAGE="en"))) == [
        1,
        2,
    ]
    assert n_of(ids(get(client, {"LT_eventTime": "2026-11-03T01:00:00Z"}))) == [0]


@pytest.mark.parametrize(
    "value",
    ["shipping", "https://ref.gs1.org/cbv/BizStep-shipping", "urn:epcglobal:cbv:bizstep:shipping"],
)
def test_biz_step_in_every_spelling(client, public_batch, value):
    captured(public_batch, 1, step="shipping")
    captured(public_batch, 2, step="receiving")
    assert n_of(ids(get(client, {"EQ_bizStep": value}))) == [1]


def test_several_values_are_or_comma_pipe_or_repeated(client, public_batch):
    captured(public_batch, 1, step="shipping")
    captured(public_batch, 2, step="receiving")
    captured(public_batch, 3, step="packing")
    assert n_of(ids(get(client, {"EQ_bizStep": "shipping,receiving"}))) == [1, 2]
    assert n_of(ids(get(client, {"EQ_bizStep": "shipping|packing"}))) == [1, 3]
    assert n_of(
        ids(client.get("/epcis/events?EQ_bizStep=receiving&EQ_bizStep=packing", HTTP_ACCEPT_LANGUAGE="en"))
    ) == [2, 3]


def test_different_parameters_all_apply(client, public_batch):
    captured(public_batch, 1, step="shipping", disposition="in_transit")
    captured(public_batch, 2, step="shipping", disposition="recalled")
    captured(public_batch, 3, step="receiving", disposition="in_transit")
    assert n_of(ids(get(client, {"EQ_bizStep": "shipping", "EQ_disposition": "in_transit"}))) == [1]


@pytest.mark.parametrize(
    "value", ["recalled", "https://ref.gs1.org/cbv/Disp-recalled", "urn:epcglobal:cbv:disp:recalled"]
)
def test_disposition_in_every_spelling(client, public_batch, value):
    captured(public_batch, 1, disposition="in_transit")
    captured(public_batch, 2, disposition="recalled")
    assert n_of(ids(get(client, {"EQ_disposition": value}))) == [2]


def test_biz_location(client, private_batch):
    secret = token_for(private_batch.producer)
    captured(private_batch, 1, location="urn:epc:id:sgln:6901234.00002.0")
    captured(private_batch, 2, location="urn:epc:id:sgln:6901234.00009.0")
    response = get(client, {"EQ_bizLocation": "urn:epc:id:sgln:6901234.00009.0"}, secret)
    assert n_of(ids(response)) == [2]


def test_event_type_by_eq_type_and_event_type(client, public_batch):
    captured(public_batch, 1, etype="ObjectEvent")
    captured(public_batch, 2, etype="AggregationEvent")
    captured(public_batch, 3, etype="TransformationEvent")
    assert n_of(ids(get(client, {"EQ_type": "AggregationEvent"}))) == [2]
    assert n_of(ids(get(client, {"eventType": "ObjectEvent|TransformationEvent"}))) == [1, 3]


def test_match_epc_exact_pattern_and_any_digital_link_domain(client, private_batch):
    secret = token_for(private_batch.producer)
    a = f"https://id.gs1.org/01/{GTIN}/10/CX02/21/A1"
    b = f"https://id.gs1.org/01/{GTIN}/10/CX02/21/B2"
    captured(private_batch, 1, epcs=[a])
    captured(private_batch, 2, epcs=[b])
    captured(private_batch, 3, epcs=["urn:epc:id:sgtin:6901234.056789.77"])
    captured(private_batch, 4, classes=[f"https://id.gs1.org/01/{GTIN}/10/CX02"])
    assert n_of(ids(get(client, {"MATCH_epc": a}, secret))) == [1]
    # the same Digital Link under another domain, and a GTIN-13 spelling
    assert n_of(ids(get(client, {"MATCH_epc": f"https://example.com/01/{GTIN}/10/CX02/21/B2"}, secret))) == [2]
    assert n_of(ids(get(client, {"MATCH_epc": f"https://x.cn/01/{GTIN[1:]}/10/CX02/21/B2"}, secret))) == [2]
    assert n_of(ids(get(client, {"MATCH_epc": f"https://id.gs1.org/01/{GTIN}/10/CX02/21/*"}, secret))) == [1, 2]
    assert n_of(ids(get(client, {"MATCH_epc": "urn:epc:idpat:sgtin:6901234.056789.*"}, secret))) == [3]
    # a class-level EPC is not an instance
    assert ids(get(client, {"MATCH_epc": f"https://id.gs1.org/01/{GTIN}/10/CX02"}, secret)) == []


def test_match_any_epc_class_exact_pattern_and_urn(client, private_batch):
    secret = token_for(private_batch.producer)
    urn = f"urn:liangping:lot:{private_batch.producer.credit_code}:CX02"
    captured(private_batch, 1, classes=[f"https://id.gs1.org/01/{GTIN}/10/CX02", urn])
    captured(private_batch, 2, classes=["urn:epc:class:lgtin:6901234.056789.L7"])
    captured(private_batch, 3, epcs=[f"https://id.gs1.org/01/{GTIN}/10/CX02/21/A1"])
    assert n_of(ids(get(client, {"MATCH_anyEPCClass": urn}, secret))) == [1]
    assert n_of(ids(get(client, {"MATCH_anyEPCClass": f"https://shop.example/01/{GTIN}/10/CX02"}, secret))) == [1]
    assert n_of(ids(get(client, {"MATCH_anyEPCClass": f"https://id.gs1.org/01/{GTIN}/10/*"}, secret))) == [1]
    assert n_of(ids(get(client, {"MATCH_anyEPCClass": "urn:epc:idpat:sgtin:6901234.056789.*"}, secret))) == [2]
    assert n_of(ids(get(client, {"MATCH_anyEPCClass": f"{urn},urn:epc:class:lgtin:6901234.056789.L7"}, secret))) == [
        1,
        2,
    ]


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"EQ_bizStp": "shipping"}, "does not answer the parameter “EQ_bizStp”"),
        ({"GE_eventTime": "yesterday"}, "GE_eventTime must be a date and time with its time zone"),
        ({"GE_eventTime": "2026-11-03T08:00:00"}, "with its time zone"),
        ({"EQ_bizStep": "harvesting"}, "“harvesting” in EQ_bizStep is not a CBV 2.0 word"),
        ({"EQ_bizStep": "urn:epcglobal:cbv:bizstep:harvesting"}, "is not a CBV 2.0 word"),
        ({"EQ_disposition": "fresh"}, "“fresh” in EQ_disposition is not a CBV 2.0 word"),
        ({"EQ_type": "HarvestEvent"}, "“HarvestEvent” is not an EPCIS event type"),
        ({"MATCH_epc": "not a uri"}, "is not a URI"),
        ({"MATCH_epc": "urn:epc:idpat:sgtin:*.056789.1"}, "“*” may only end a pattern"),
        ({"MATCH_anyEPCClass": "https://id.gs1.org/01/069*"}, "“*” may only end a pattern"),
        ({"EQ_bizLocation": "urn:epc:id:sgln:6901234.*"}, "takes exact values, not patterns"),
        ({"perPage": "0"}, "perPage must be a whole number from 1 to 1000"),
        ({"perPage": "1001"}, "perPage must be a whole number from 1 to 1000"),
        ({"GE_eventTime": "2026-11-04T00:00:00Z", "LT_eventTime": "2026-11-03T00:00:00Z"}, "must be earlier"),
    ],
)
def test_bad_parameters_are_400_query_parameter_exceptions(client, db, params, words):
    response = get(client, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "epcisException:QueryParameterException"
    assert words in body["detail"]
    assert response["GS1-EPCIS-Version"] == "2.0.0"


def test_refusal_is_in_chinese_for_the_default_language(client, db):
    response = get(client, {"perPage": "abc"}, language="zh-hans")
    assert response.status_code == 400
    assert "perPage" in response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


# --- paging -------------------------------------------------------------------------------------


def _follow(client, params, secret=None):
    seen, url, pages = [], None, 0
    response = get(client, params, secret)
    while True:
        pages += 1
        seen += ids(response)
        link = response.get("Link")
        if not link:
            return seen, pages
        assert link.endswith('>; rel="next"')
        url = link[1 : link.index(">")]
        assert url.startswith("http://testserver/epcis/events?")
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["perPage"] == params["perPage"]  # the filters travel with the link
        response = get(client, query, secret)


def test_pages_show_every_event_exactly_once_in_time_order(client, public_batch):
    same_time = T0 + datetime.timedelta(days=1)
    made = [captured(public_batch, n) for n in range(7)] + [
        captured(public_batch, n, when=same_time) for n in range(7, 12)
    ]
    seen, pages = _follow(client, {"perPage": "3"})
    assert sorted(seen) == sorted(e.event_id for e in made)
    assert len(seen) == len(set(seen)) == 12
    assert pages == 4
    assert n_of(seen[:7]) == list(range(7))


def test_paging_keeps_the_filters(client, public_batch):
    for n in range(10):
        captured(public_batch, n, step="shipping" if n % 2 else "receiving")
    seen, _pages = _follow(client, {"perPage": "2", "EQ_bizStep": "shipping"})
    assert n_of(seen) == [1, 3, 5, 7, 9]


def test_default_page_is_30(client, public_batch):
    for n in range(31):
        captured(public_batch, n)
    response = get(client)
    assert len(ids(response)) == 30
    assert 'rel="next"' in response["Link"]


def test_last_page_has_no_link(client, public_batch):
    captured(public_batch, 1)
    response = get(client, {"perPage": "1"})
    assert len(ids(response)) == 1
    assert "Link" not in response


def _token(client, params):
    link = get(client, params)["Link"]
    return parse_qs(urlsplit(link[1 : link.index(">")]).query)["nextPageToken"][0]


def test_tampered_page_token_is_refused(client, public_batch):
    for n in range(3):
        captured(public_batch, n)
    token = _token(client, {"perPage": "1"})
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    response = get(client, {"perPage": "1", "nextPageToken": tampered})
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert "nextPageToken is not valid" in response.json()["detail"]


def test_page_token_of_another_query_is_refused(client, public_batch):
    for n in range(3):
        captured(public_batch, n)
    token = _token(client, {"perPage": "1"})
    response = get(client, {"perPage": "1", "EQ_bizStep": "shipping", "nextPageToken": token})
    assert response.status_code == 400
    assert "belongs to another query" in response.json()["detail"]


# --- one event ----------------------------------------------------------------------------------


def test_one_event_by_its_url_encoded_id(client, public_batch):
    event = captured(public_batch, 5)
    response = client.get("/epcis/events/" + quote(event.event_id, safe=""))
    assert ids(response) == [event.event_id]
    assert response["GS1-CBV-Version"] == "2.0.0"


def test_one_event_with_a_hash_id(client, public_batch):
    event = captured(public_batch, 5)
    event.event_id = event.event_hash  # ni:///sha-256;…?ver=CBV2.0: slashes, ";" and "?"
    event.save()
    response = client.get("/epcis/events/" + quote(event.event_id, safe=""))
    assert ids(response) == [event.event_hash]


def test_unknown_event_is_404_no_such_resource(client, db):
    response = client.get("/epcis/events/" + quote("urn:uuid:nothing-here", safe=""))
    assert response.status_code == 404
    assert response.json()["type"] == "epcisException:NoSuchResourceException"
    assert response["GS1-EPCIS-Version"] == "2.0.0"


def test_private_event_is_404_to_anyone_else(client, private_batch, public_batch):
    event = captured(private_batch, 1)
    other = token_for(public_batch.producer)
    path = "/epcis/events/" + quote(event.event_id, safe="")
    assert client.get(path).status_code == 404
    assert get(client, path=path, secret=other).status_code == 404
    assert ids(get(client, path=path, secret=token_for(private_batch.producer))) == [event.event_id]


# --- who sees what ------------------------------------------------------------------------------


def _only(response):
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_anonymous_sees_public_batches_only_and_only_public_fields(client, public_batch, private_batch):
    shown = captured(public_batch, 1, epcs=[f"https://id.gs1.org/01/{GTIN}/10/CX01/21/A1"], classes=["urn:x:lot:1"])
    captured(private_batch, 2)
    events = _only(get(client))
    assert [e["eventID"] for e in events] == [shown.event_id]
    event = events[0]
    assert event["bizStep"] == "shipping"
    assert event["readPoint"] == {"id": "urn:epc:id:sgln:6901234.00001.0"}
    assert event["quantityList"] == [{"epcClass": "urn:x:lot:1", "quantity": 10, "uom": "KGM"}]
    assert "recordTime" in event
    # no printed codes, partners, transactions, locations or lot master data
    for key in ("epcList", "bizTransactionList", "destinationList", "bizLocation", "ilmd"):
        assert key not in event
    assert SECRET_PARTNER not in get(client).content.decode()


def test_batch_with_gtin_but_no_codes_is_public(client):
    batch = BatchFactory(gtin=GTIN, lot_number="G1")  # its /01/{gtin}/10/{lot} page shows its events
    captured(batch, 1)
    assert len(ids(get(client))) == 1


def test_producer_token_sees_own_private_fields_and_others_public_view(client, public_batch, private_batch):
    mine = captured(private_batch, 1)
    theirs = captured(public_batch, 2)
    secret = token_for(private_batch.producer)
    events = {e["eventID"]: e for e in _only(get(client, secret=secret))}
    assert set(events) == {mine.event_id, theirs.event_id}
    assert events[mine.event_id]["destinationList"] == [{"type": "owning_party", "destination": SECRET_PARTNER}]
    assert events[mine.event_id]["ilmd"] == {"example:harvestPlot": "3号地块"}
    assert "destinationList" not in events[theirs.event_id]
    assert "bizTransactionList" not in events[theirs.event_id]


def test_another_producers_token_sees_only_the_public_view(client, public_batch, private_batch):
    event = captured(public_batch, 1)
    other = token_for(private_batch.producer)
    events = _only(get(client, secret=other))
    assert [e["eventID"] for e in events] == [event.event_id]
    assert "destinationList" not in events[0]
    owner = _only(get(client, secret=token_for(public_batch.producer)))
    assert owner[0]["destinationList"]


def test_organisation_token_reads_its_producers_in_full(client, private_batch):
    from gi_registry.interfaces.models import Organisation

    org = Organisation.objects.create(name="梁平物流", kind="logistics", credit_code="91500228MA5U000000")
    org.producers.add(private_batch.producer)
    captured(private_batch, 1)
    secret = ApiToken.issue(name="wms", organisation=org)[1]
    assert _only(get(client, secret=secret))[0]["destinationList"]


def test_token_without_query_scope_is_403(client, public_batch):
    secret = token_for(public_batch.producer, can_query=False)
    response = get(client, secret=secret)
    assert response.status_code == 403
    assert response.json()["type"] == "epcisException:SecurityException"
    assert response["GS1-EPCIS-Version"] == "2.0.0"


def test_bad_or_revoked_token_is_401(client, public_batch):
    assert get(client, secret="lp_deadbeef_nope").status_code == 401
    token, secret = ApiToken.issue(name="old", producer=public_batch.producer)
    token.revoke()
    response = get(client, secret=secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_public_rule_agrees_with_the_trace_page(client, public_batch):
    """One home per rule: a public event's place and note are the ones the trace JSON shows."""
    from gi_registry.trace.models import TraceEvent

    with_capture = TraceEvent.objects.create(
        batch=public_batch,
        business_step="packing",
        event_time=T0,
        read_point="礼让镇分拣中心",
        note="装箱 120 箱",
    )
    from gi_registry.interfaces.epcis.mirror import mirror

    mirror(with_capture)
    code = public_batch.codes.first()
    trace = client.get(f"/api/v1/trace/{code.printed_code}").json()["events"]
    event = _only(get(client))[0]
    assert event["readPoint"]["lp:name"] == trace[0]["read_point"]
    assert event["lp:note"] == trace[0]["note"]
    assert event["bizStep"] == trace[0]["business_step_uri"]


# --- OPTIONS and headers ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/epcis/events", "/epcis/events/" + quote("urn:uuid:x", safe="")])
def test_options_describe_the_resource(client, db, path):
    response = client.options(path)
    assert response.status_code == 204
    assert "GET" in response["Allow"] and "OPTIONS" in response["Allow"]
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    assert response["GS1-CBV-Version"] == "2.0.0"
    assert response["GS1-EPCIS-Min"] == response["GS1-EPCIS-Max"] == "2.0.0"
    assert response["GS1-EPC-Format"] == "No_Preference"


def test_other_methods_are_405(client, db):
    response = client.delete("/epcis/events/" + quote("urn:uuid:x", safe=""))
    assert response.status_code == 405
    assert response["GS1-EPCIS-Version"] == "2.0.0"


def test_query_document_shape(client, public_batch):
    captured(public_batch, 1)
    body = get(client).json()
    assert body["@context"][0] == serialise.EPCIS_CONTEXT
    assert body["schemaVersion"] == "2.0"
    assert body["creationDate"].endswith("Z")
    assert body["epcisBody"]["queryResults"]["queryName"] == "SimpleEventQuery"
    response = get(client)
    assert response["Content-Type"] == "application/json"
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    assert response["GS1-CBV-Version"] == "2.0.0"
    assert "Authorization" in response["Vary"]


def test_record_time_is_the_repositorys(client, public_batch):
    event = captured(public_batch, 1)
    EpcisEvent.objects.filter(pk=event.pk).update(record_time=timezone.make_aware(datetime.datetime(2026, 12, 1, 9)))
    assert _only(get(client))[0]["recordTime"].startswith("2026-12-01T09:00:00")


def test_the_site_page_cache_never_serves_a_query(client, public_batch, settings):
    """The page cache keys on the URL only: an anonymous answer must not be served to a token
    holder, nor hide an event captured a moment later."""
    settings.PAGE_CACHE_SECONDS = 300
    first = captured(public_batch, 1)
    anonymous = _only(get(client))
    assert "destinationList" not in anonymous[0]
    owner = _only(get(client, secret=token_for(public_batch.producer)))
    assert owner[0]["destinationList"]
    captured(public_batch, 2)
    assert [e["eventID"] for e in _only(get(client))] == [
        first.event_id,
        "urn:uuid:00000000-0000-4000-8000-000000000002",
    ]


def test_anonymous_queries_are_rate_limited_per_address_token_holders_by_their_token(client, private_batch, settings):
    """Past ``EPCIS_PUBLIC_RATE_LIMIT`` an anonymous caller gets 429 with Retry-After as problem
    JSON; a caller with a query token is counted against its token's own limit instead."""
    cache.clear()
    settings.EPCIS_PUBLIC_RATE_LIMIT = 2
    assert get(client).status_code == 200
    assert get(client).status_code == 200
    refused = get(client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused["Content-Type"] == "application/problem+json"
    secret = token_for(private_batch.producer)
    assert get(client, secret=secret).status_code == 200
    cache.clear()
