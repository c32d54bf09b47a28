"""How the EPCIS query interface writes events: the ``EPCISQueryDocument`` around them, CBV 2.0
words and URIs, and the public view of an event.

Public view (no API token, or an event of a batch the token does not speak for): only what the
batch's public trace page already shows of an event (``trace/payload.event_payload``, the
timeline of ``_batch_details.html``): its type, time, business step, disposition, place (read
point), the batch it is about *as a class* (GTIN + lot, or the registry's lot URN) and the note.
Never shown publicly: the instance-level codes an event names (``epcList``, ``childEPCs``,
``parentID``: a list of valid printed codes is exactly what a label forger wants; the trace page
shows only the one code that was scanned), business transactions, source and destination
parties, ``bizLocation``, ILMD, sensor data, certification info and any extension field other
than the registry's own note and place name. A token holder sees the events of its own batches as
they were captured.

Source of the shape: gs1/EPCIS "REST Bindings/openapi.yaml" (``200EPCISQueryDocument``) and
JSON-Schema/EPCIS-Document-JSON-Schema.json (``epcisQueryDocument``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.origin import site_origin

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
#: The registry's own extension terms (``lp:note``, ``lp:name``, ``lp:source``) live here.
LP_NAMESPACE_PATH = "/ns/epcis/"

CBV_BIZSTEP_URI = "https://ref.gs1.org/cbv/BizStep-"
CBV_DISP_URI = "https://ref.gs1.org/cbv/Disp-"
CBV_BIZSTEP_URN = "urn:epcglobal:cbv:bizstep:"
CBV_DISP_URN = "urn:epcglobal:cbv:disp:"

#: CBV 2.0 business steps and dispositions (gs1/EPCIS JSON-Schema/schemas/bizStep-JSON-Schema.json
#: and disposition-JSON-Schema.json).
BIZ_STEPS = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ]
)
DISPOSITIONS = frozenset(
    [
        "active",
        "available",
        "completeness_inferred",
        "completeness_verified",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_class",
        "mismatch_instance",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ]
)
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")

#: What the public view keeps of an event (see the module's docstring).
PUBLIC_FIELDS = (
    "eventID",
    "type",
    "eventTime",
    "eventTimeZoneOffset",
    "recordTime",
    "action",
    "bizStep",
    "disposition",
    "readPoint",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "lp:note",
)


def lp_namespace() -> str:
    return site_origin() + LP_NAMESPACE_PATH


def context() -> list:
    return [EPCIS_CONTEXT, {"lp": lp_namespace()}]


def bare_word(value: str, uri_prefix: str, urn_prefix: str) -> str:
    """A CBV word from its bare, Web URI (``https://ref.gs1.org/cbv/BizStep-shipping``) or URN
    (``urn:epcglobal:cbv:bizstep:shipping``) spelling; any other URI unchanged."""
    if value.startswith(uri_prefix):
        return value[len(uri_prefix) :]
    if value.lower().startswith(urn_prefix):
        return value[len(urn_prefix) :]
    return value


def biz_step_uri(word: str) -> str:
    return CBV_BIZSTEP_URI + word if word in BIZ_STEPS else word


def disposition_uri(word: str) -> str:
    return CBV_DISP_URI + word if word in DISPOSITIONS else word


def iso(moment: datetime.datetime) -> str:
    """An instant in the registry's time zone with its offset (``2026-11-03T08:00:00+08:00``)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).isoformat()


def _public_read_point(read_point):
    if not isinstance(read_point, dict):
        return None
    kept = {k: v for k, v in read_point.items() if k in ("id", "lp:name")}
    return kept or None


def _class_only(quantities) -> list:
    return [
        {k: v for k, v in element.items() if k in ("epcClass", "quantity", "uom")}
        for element in quantities or []
        if isinstance(element, dict) and element.get("epcClass")
    ]


def public_event(document: dict) -> dict:
    """The public view of a stored event (see the module's docstring)."""
    event = {}
    for key in PUBLIC_FIELDS:
        if key not in document:
            continue
        value = document[key]
        if key == "readPoint":
            value = _public_read_point(value)
        elif key.endswith("uantityList"):
            value = _class_only(value)
        if value not in (None, [], ""):
            event[key] = value
    return event


def served_event(row, *, full: bool) -> dict:
    """One ``EpcisEvent`` row as the query interface serves it: the stored event (``full``) or its
    public view, with its ``eventID`` and the repository's ``recordTime``."""
    document = dict(row.document)
    document["eventID"] = row.event_id
    document.setdefault("type", row.event_type)
    document["recordTime"] = iso(row.record_time) if row.record_time else document.get("recordTime")
    document.pop("@context", None)
    return document if full else public_event(document)


def query_document(events: list[dict], query_name: str = "SimpleEventQuery") -> dict:
    """An ``EPCISQueryDocument`` holding ``events``."""
    return {
        "@context": context(),
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now()
        .astimezone(datetime.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "epcisBody": {"queryResults": {"queryName": query_name, "resultsBody": {"eventList": events}}},
    }
