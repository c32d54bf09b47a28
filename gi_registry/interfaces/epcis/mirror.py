"""Trace events entered by hand (admin, batch flow, demo loader) answer EPCIS queries too: each
``trace.TraceEvent`` is mirrored into an ``EpcisEvent`` when it is saved and the mirror goes when
it is deleted (signals connected in ``InterfacesConfig.ready``).

The mirror is an ``ObjectEvent`` about the batch as a class (no codes: a hand-entered event is
about the whole lot): action ``ADD`` for commissioning (the harvest brings the batch into being),
``OBSERVE`` otherwise; ``bizStep`` and ``disposition`` as CBV 2.0 Web URIs; the place as
``readPoint`` (a registry URN with the place's name beside it, ``lp:name``); the note as
``lp:note``; the batch's class-level EPC: GS1 Digital Link ``<site>/01/{gtin}/10/{lot}`` when it
has a GTIN, else ``urn:liangping:lot:<credit code>:<lot>``. Its ``eventID`` is its GS1 event hash.

An ``EpcisEvent`` that came in through capture and points at the trace event it created is
left as it was captured (``lp:source`` tells a mirror from a captured event). Mirroring runs once
the saving transaction commits, so a capture that creates a trace event and its own EPCIS event
in one transaction is never mirrored a second time.
"""

from __future__ import annotations

from urllib.parse import quote

from django.db import transaction

from core.origin import site_origin
from gi_registry.trace.models import Batch, TraceEvent

from ..models import EpcisEvent, EpcisEventEpc
from . import serialise
from .hashing import event_hash

SOURCE_KEY, SOURCE_REGISTRY = "lp:source", "registry"
GS1_DL_ORIGIN = "https://id.gs1.org"
PLACE_URN = "urn:liangping:place:"


def lot_urn(batch: Batch) -> str:
    return f"urn:liangping:lot:{batch.producer.credit_code}:{batch.lot_number}"


def class_epcs(batch: Batch) -> tuple[str, list[str]]:
    """The batch's class-level EPC the event names, and every spelling ``MATCH_anyEPCClass``
    finds it by (the site's Digital Link, GS1's canonical ``id.gs1.org`` one, the lot URN)."""
    urn = lot_urn(batch)
    gtin = batch.gtin14
    if not gtin:
        return urn, [urn]
    path = f"/01/{gtin}/10/{quote(batch.lot_number, safe='')}"
    link = site_origin() + path
    return link, list(dict.fromkeys([link, GS1_DL_ORIGIN + path, urn]))


def mirror_document(trace_event: TraceEvent) -> dict:
    """The EPCIS 2.0 event a hand-entered trace event stands for (see the module's docstring)."""
    batch = trace_event.batch
    epc_class, _spellings = class_epcs(batch)
    event_time = serialise.iso(trace_event.event_time)
    document = {
        "type": "ObjectEvent",
        "eventTime": event_time,
        "eventTimeZoneOffset": event_time[-6:],
        "action": "ADD" if trace_event.business_step == TraceEvent.BusinessStep.COMMISSIONING else "OBSERVE",
        "quantityList": [{"epcClass": epc_class}],
        "bizStep": serialise.biz_step_uri(trace_event.business_step),
        SOURCE_KEY: SOURCE_REGISTRY,
    }
    if trace_event.disposition:
        document["disposition"] = serialise.disposition_uri(trace_event.disposition)
    place = trace_event.read_point.strip()
    if place:
        document["readPoint"] = {"id": PLACE_URN + quote(place, safe=""), "lp:name": place}
    if trace_event.note.strip():
        document["lp:note"] = trace_event.note.strip()
    return document


def is_mirror(event: EpcisEvent) -> bool:
    return isinstance(event.document, dict) and event.document.get(SOURCE_KEY) == SOURCE_REGISTRY


#: What ``sync`` did: created or changed the mirror, found it up to date, or left it alone
#: (the trace event came from a captured EPCIS event, or another event has the very same hash).
CREATED, UPDATED, UNCHANGED, CAPTURED, DUPLICATE = "created", "updated", "unchanged", "captured", "duplicate"


@transaction.atomic
def sync(trace_event: TraceEvent) -> tuple[EpcisEvent | None, str]:
    """Create or bring up to date the mirror of ``trace_event``; returns it and what was done."""
    existing = EpcisEvent.objects.filter(trace_event=trace_event).first()
    if existing is not None and not is_mirror(existing):
        return None, CAPTURED
    document = mirror_document(trace_event)
    digest = event_hash(document)
    if existing is not None and existing.event_hash == digest:
        return existing, UNCHANGED
    if EpcisEvent.objects.filter(event_hash=digest).exclude(trace_event=trace_event).exists():
        return None, DUPLICATE
    fields = {
        "event_id": digest,
        "event_hash": digest,
        "event_type": "ObjectEvent",
        "event_time": trace_event.event_time,
        "biz_step": trace_event.business_step,
        "biz_location": "",
        "disposition": trace_event.disposition,
        "document": document,
        "batch_id": trace_event.batch_id,
    }
    if existing is None:
        event, outcome = EpcisEvent.objects.create(trace_event=trace_event, **fields), CREATED
    else:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        existing.epcs.all().delete()
        event, outcome = existing, UPDATED
    _epc_class, spellings = class_epcs(trace_event.batch)
    EpcisEventEpc.objects.bulk_create(
        [EpcisEventEpc(event=event, level=EpcisEventEpc.Level.CLASS, value=value) for value in spellings]
    )
    return event, outcome


def mirror(trace_event: TraceEvent) -> EpcisEvent | None:
    """The mirror of ``trace_event``, created or brought up to date; ``None`` when it is left
    alone (see ``sync``)."""
    return sync(trace_event)[0]


def unmirror(trace_event: TraceEvent) -> int:
    """Delete the mirror of ``trace_event`` (a captured event stays); returns how many went."""
    deleted = 0
    for event in EpcisEvent.objects.filter(trace_event_id=trace_event.pk):
        if is_mirror(event):
            event.delete()
            deleted += 1
    return deleted


def _mirror_after_commit(trace_event_id: int) -> None:
    trace_event = TraceEvent.objects.select_related("batch__producer").filter(pk=trace_event_id).first()
    if trace_event is not None:
        mirror(trace_event)


def on_trace_event_saved(sender, instance: TraceEvent, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    transaction.on_commit(lambda: _mirror_after_commit(instance.pk))


def on_trace_event_deleted(sender, instance: TraceEvent, **kwargs) -> None:
    # pre_delete: the mirror's link to the trace event is set to NULL before post_delete runs.
    unmirror(instance)
