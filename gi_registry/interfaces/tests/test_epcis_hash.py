"""The GS1 event hash is the event's identity: it must equal the reference generator's hash for
every published example, and two spellings of one event must hash alike."""

import copy
import json
from pathlib import Path

import pytest

from gi_registry.interfaces.epcis import hashing

EXAMPLES = Path(__file__).parent / "data" / "hash"
DOCUMENTS = sorted(EXAMPLES.glob("*.jsonld"))


def test_the_examples_are_there():
    assert len(DOCUMENTS) >= 20


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_hash_equals_the_reference_generators_published_hash(path):
    document = json.loads(path.read_text())
    expected = path.with_suffix(".hashes").read_text().split()
    assert hashing.document_event_hashes(document) == expected


@pytest.mark.parametrize("name", ["epcisDocWithSingleEvent", "ReferenceEventHashAlgorithm"])
def test_pre_hash_string_equals_the_published_one(name):
    document = json.loads((EXAMPLES / f"{name}.jsonld").read_text())
    expected = (EXAMPLES / f"{name}.prehashes").read_text().strip()
    event = document["epcisBody"]["eventList"][0]
    assert hashing.pre_hash_string(event, document["@context"]) == expected


def _single_event():
    document = json.loads((EXAMPLES / "epcisDocWithSingleEvent.jsonld").read_text())
    return document["epcisBody"]["eventList"][0], document["@context"]


def test_other_spellings_of_the_same_event_hash_alike():
    event, context = _single_event()
    original = hashing.event_hash(event, context)
    other = copy.deepcopy(event)
    # Digital Link on another domain instead of the EPC URN, old CBV URNs instead of bare words,
    # the same moment in UTC, members in another order, and fields that are not part of the hash.
    other["epcList"] = [
        "https://example.com/01/10614141073464/21/2018",
        "https://example.com/01/10614141073464/10/LOT/21/2017?linkType=all",
    ]
    other["bizStep"] = "urn:epcglobal:cbv:bizstep:shipping"
    other["disposition"] = "https://ref.gs1.org/cbv/Disp-in_transit"
    other["eventTime"] = "2022-02-17T02:33:31.116Z"
    other["eventID"] = "urn:uuid:7a2b0b38-6e89-4d63-a0d5-2b2d7c7e1f00"
    other["recordTime"] = "2023-01-01T00:00:00Z"
    assert hashing.event_hash(other, context) == original


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bizStep", "receiving"),
        ("eventTime", "2022-02-16T20:33:31.117000-06:00"),
        ("epcList", ["urn:epc:id:sgtin:0614141.107346.2017"]),
        ("readPoint", {"id": "urn:epc:id:sgln:0614141.07346.1235"}),
    ],
)
def test_a_different_event_hashes_differently(field, value):
    event, context = _single_event()
    changed = dict(event, **{field: value})
    assert hashing.event_hash(changed, context) != hashing.event_hash(event, context)


def test_times_are_normalised_to_utc_milliseconds():
    assert hashing.normalise_time("2020-03-04T11:00:30.0005+01:00") == "2020-03-04T10:00:30.000Z"
    assert hashing.normalise_time("2020-03-04T11:00:30.0015+01:00") == "2020-03-04T10:00:30.002Z"
    assert hashing.normalise_time("2020-03-04T23:59:59.9996Z") == "2020-03-05T00:00:00.000Z"


def test_epc_urns_and_digital_links_become_the_canonical_digital_link():
    dl = hashing.canonical_digital_link
    assert dl("urn:epc:id:sgtin:0614141.107346.2017") == "https://id.gs1.org/01/10614141073464/21/2017"
    assert dl("urn:epc:class:lgtin:4012345.012345.998877") == "https://id.gs1.org/01/04012345123456/10/998877"
    assert dl("https://trace.example.cn/01/06901234567892/10/LP-1/21/A7K2") == (
        "https://id.gs1.org/01/06901234567892/21/A7K2"
    )
    assert dl("https://trace.example.cn/gtin/6901234567892/lot/LP-1") == (
        "https://id.gs1.org/01/06901234567892/10/LP-1"
    )
    assert dl("urn:liangping:code:A7K2-9QX3") is None
