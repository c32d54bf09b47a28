"""EPCIS documents are checked against GS1's JSON schema and the CBV vocabularies; each problem
names the event and the JSON path."""

import copy
import json
from pathlib import Path

import pytest
from django.utils import translation

from gi_registry.interfaces.epcis import validation

EXAMPLES = Path(__file__).parent / "data" / "gs1-examples"
GS1_DOCUMENTS = sorted(EXAMPLES.glob("*.jsonld"))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _example(name="Example_9.6.1-ObjectEvent.jsonld"):
    return json.loads((EXAMPLES / name).read_text())


def test_the_gs1_examples_are_there():
    assert len(GS1_DOCUMENTS) >= 40


@pytest.mark.parametrize("path", GS1_DOCUMENTS, ids=lambda p: p.stem)
def test_gs1s_own_example_documents_are_valid(path):
    assert validation.validate_document(json.loads(path.read_text())) == []


def _messages(problems):
    return [str(p) for p in problems]


def test_a_misspelt_business_step_is_refused_with_event_and_path():
    document = _example()
    document["epcisBody"]["eventList"][1]["bizStep"] = "shiping"
    problems = validation.validate_document(document)
    assert [(p.index, p.path) for p in problems] == [(1, "$.epcisBody.eventList[1].bizStep")]
    assert "shiping" in problems[0].message
    assert "CBV" in problems[0].message
    assert _messages(problems)[0].startswith("Event 1, $.epcisBody.eventList[1].bizStep: ")


def test_a_private_vocabulary_uri_is_accepted_but_an_old_cbv_urn_for_a_missing_word_is_not():
    document = _example()
    document["epcisBody"]["eventList"][0]["bizStep"] = "https://trace.example.cn/steps/washing"
    assert validation.validate_document(document) == []
    document["epcisBody"]["eventList"][0]["disposition"] = "urn:epcglobal:cbv:disp:rotten"
    problems = validation.validate_document(document)
    assert [(p.index, p.path) for p in problems] == [(0, "$.epcisBody.eventList[0].disposition")]


def test_missing_and_malformed_fields_are_named():
    document = _example()
    events = document["epcisBody"]["eventList"]
    del events[0]["eventTime"]
    events[1]["eventTime"] = "yesterday at noon"
    events[1]["action"] = "SHIP"
    problems = validation.validate_document(document)
    found = {(p.index, p.path): p.message for p in problems}
    assert "'eventTime' is a required property" in found[(0, "$.epcisBody.eventList[0]")]
    assert found[(1, "$.epcisBody.eventList[1].eventTime")] == '"yesterday at noon" is not a valid date-time.'
    assert "'SHIP' is not one of" in found[(1, "$.epcisBody.eventList[1].action")]


def test_an_unknown_event_type_is_refused():
    document = _example()
    document["epcisBody"]["eventList"][0]["type"] = "ShippingEvent"
    problems = validation.validate_document(document)
    assert problems[0].index == 0
    assert problems[0].path == "$.epcisBody.eventList[0].type"
    assert "ObjectEvent" in problems[0].message


def test_the_envelope_is_checked_too():
    document = _example()
    del document["@context"]
    document["creationDate"] = "2019-13-45T00:00:00Z"
    problems = validation.validate_document(document)
    assert {(p.index, p.path) for p in problems} == {(None, "$"), (None, "$.creationDate")}
    assert str(problems[0]).startswith("$")


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"type": "EPCISQueryDocument"},
        {"type": "EPCISDocument", "epcisBody": {"eventList": {}}},
    ],
)
def test_what_is_not_a_capture_document_says_so(document):
    problems = validation.validate_document(document)
    assert len(problems) == 1
    assert problems[0].index is None


def test_a_single_event_needs_its_own_context():
    event = copy.deepcopy(_example()["epcisBody"]["eventList"][0])
    problems = validation.validate_event(event, in_document=False)
    assert [p.path for p in problems] == ["$"]
    assert "@context" in problems[0].message
    event["@context"] = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    assert validation.validate_event(event, in_document=False) == []


def test_the_schema_is_read_from_the_vendored_files_only():
    # Every $ref resolves inside the registry (a missing file would raise Unresolvable here).
    ids = set(validation.registry())
    assert validation.ROOT in ids
    assert len(ids) == len(list((Path(validation.__file__).parent / "schema").rglob("*.json")))


def test_an_unknown_field_without_namespace_is_named():
    document = _example()
    document["epcisBody"]["eventList"][0]["weight"] = "3 kg"
    problems = validation.validate_document(document)
    assert [(p.index, p.path) for p in problems] == [(0, "$.epcisBody.eventList[0]")]
    assert problems[0].message.startswith('"weight" is not a field of this event type')


def test_problems_read_in_chinese_by_default():
    document = _example()
    document["epcisBody"]["eventList"][1]["bizStep"] = "shiping"
    with translation.override("zh-hans"):
        problems = validation.validate_document(document)
        assert str(problems[0]) == (
            '事件 1（$.epcisBody.eventList[1].bizStep）："shiping" 既不是此处可用的 CBV 词汇，也不是其他词汇表的 URI。'
        )
