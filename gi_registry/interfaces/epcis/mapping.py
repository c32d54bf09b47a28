"""EPCIS events onto the registry's batches and trace events.

Which batch an EPC names (``batch_for_epc``):

* instance level, one printed code (溯源码): a GS1 Digital Link on any domain,
  ``https://<any host>/01/{gtin}/10/{lot}/21/{printed code}`` (the lot may be left out; ``/gtin/``,
  ``/lot/``, ``/ser/`` short names are read too), an EPC URN ``urn:epc:id:sgtin:…`` (the same, as
  GS1 writes it), or the registry's URN ``urn:liangping:code:{printed code}``;
* class level, the whole lot: ``https://<any host>/01/{gtin}/10/{lot}``,
  ``urn:epc:class:lgtin:…``, or ``urn:liangping:lot:{producer's credit code}:{lot}`` (for batches
  without a GTIN).

A code is checked by its signature first (``trace.signing``: a forged or mistyped code never
reaches the database) and must belong to a batch with the link's GTIN (and lot). Each EPC is
indexed (``EpcisEventEpc``) as sent, in its canonical GS1 Digital Link form, and, when it names
our batch, in both our spellings (this site's Digital Link and the registry URN), so
``MATCH_epc``/``MATCH_anyEPCClass`` find an event by any of them.

An event must name exactly one of our batches (EPCs that are not ours, say a pallet's SSCC, may
come along) and that batch must be one the token speaks for (``ApiToken.batches()``); otherwise
it is refused with a per-event error. Its business step, when the trace page has that step
(commissioning, inspecting, sampling, packing, shipping, receiving, storing), also becomes a
``trace.TraceEvent`` shown on the batch's trace page, with the read point (or business location)
as the place and the disposition when the trace page knows it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from core.origin import site_origin
from gi_registry.trace import digital_link, signing
from gi_registry.trace.models import Batch, TraceCode, TraceEvent

from .. import problems
from ..models import EpcisEvent, EpcisEventEpc
from . import hashing

CODE_URN = "urn:liangping:code:"
LOT_URN = "urn:liangping:lot:"
CHUNK = 500
INSTANCE_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
CLASS_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_VOCAB_PREFIXES = {
    "bizStep": ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "disposition": ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:"),
}


class MappingError(Exception):
    """An event the registry cannot take: ``type`` is the EPCIS exception type."""

    def __init__(self, detail: str, type_: str = problems.VALIDATION, title: str = "Invalid event"):
        super().__init__(detail)
        self.detail = detail
        self.type = type_
        self.title = title


@dataclass
class Identified:
    """What an EPC names: its candidate batches (usually one) and the spellings to index it by."""

    batches: list[Batch] = field(default_factory=list)
    spellings: set[str] = field(default_factory=set)


def bare_word(value: str, kind: str) -> str:
    """A CBV value as its bare word (``https://ref.gs1.org/cbv/BizStep-shipping`` -> ``shipping``);
    a private vocabulary's URI unchanged."""
    for prefix in _VOCAB_PREFIXES[kind]:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def _gs1_path(value: str) -> str | None:
    """``01/{gtin}[/10/{lot}][/21/{serial}]`` of a Digital Link URI on any host, short names read."""
    if not value.startswith(("http://", "https://")):
        return None
    path = urlsplit(value).path
    match = re.search(r"/(01|gtin)/", path)
    if match is None:
        return None
    rest = path[match.end() :]
    rest = re.sub(r"(^|/)lot/", r"\g<1>10/", rest)
    return re.sub(r"(^|/)ser/", r"\g<1>21/", rest)


@dataclass(frozen=True)
class _Parsed:
    """What an EPC spells: a printed code (with the link's GTIN and lot, if any) or a lot."""

    serial: str | None = None
    gtin: str | None = None
    lot: str | None = None
    credit_code: str | None = None


def _parse(value: str, canonical: str | None) -> _Parsed | None:
    if value.startswith(CODE_URN):
        return _Parsed(serial=value[len(CODE_URN) :])
    if value.startswith(LOT_URN):
        credit_code, _sep, lot = value[len(LOT_URN) :].partition(":")
        return _Parsed(credit_code=credit_code.upper(), lot=lot)
    # A GS1 EPC URN names the serial (sgtin) or the lot (lgtin); its canonical link says which.
    rest = _gs1_path(canonical if value.startswith("urn:epc:") and canonical else value)
    if rest is None:
        return None
    try:
        link = digital_link.parse(unquote(rest))
    except digital_link.MalformedLink:
        return None
    if link.serial is None and link.lot is None:
        return None  # a GTIN alone names a product, not a batch
    return _Parsed(serial=link.serial, gtin=link.gtin, lot=link.lot)


class EpcResolver:
    """Finds the batches EPCs name, remembering each answer for the length of one capture;
    ``prefetch`` looks a whole document's codes and lots up in a few queries."""

    def __init__(self):
        self._known: dict[str, Identified] = {}
        self._codes: dict[tuple[str, str], TraceCode | None] = {}  # (serial hex, key id)
        self._lots: dict[tuple, list[Batch]] = {}
        self.origin = site_origin()

    def prefetch(self, values) -> None:
        wanted_codes, wanted_lots = set(), set()
        for value in set(values) - set(self._known):
            parsed = _parse(value, hashing.canonical_digital_link(value))
            if parsed is None:
                continue
            if parsed.serial is not None:
                verified = signing.verify(parsed.serial)
                if verified is not None:
                    wanted_codes.add((verified.serial_hex, verified.kid))
            else:
                wanted_lots.add(self._lot_key(parsed))
        wanted_codes -= set(self._codes)
        serials = sorted({serial for serial, _kid in wanted_codes})
        for start in range(0, len(serials), CHUNK):
            codes = TraceCode.objects.select_related("batch__producer").filter(
                serial__in=serials[start : start + CHUNK]
            )
            for code in codes.order_by():
                self._codes[(code.serial, code.key_id)] = code
        for key in wanted_codes:
            self._codes.setdefault(key, None)
        for key in wanted_lots - set(self._lots):
            self._lots[key] = self._find_lot(key)

    @staticmethod
    def _lot_key(parsed: _Parsed) -> tuple:
        return ("credit", parsed.credit_code, parsed.lot) if parsed.credit_code else ("gtin", parsed.gtin, parsed.lot)

    @staticmethod
    def _find_lot(key: tuple) -> list[Batch]:
        kind, first, lot = key
        batches = Batch.objects.select_related("producer").order_by("pk")
        if kind == "credit":
            return list(batches.filter(producer__credit_code=first, lot_number=lot))
        return list(batches.filter(gtin=first, lot_number=lot))

    def _code(self, verified) -> TraceCode | None:
        key = (verified.serial_hex, verified.kid)
        if key not in self._codes:
            codes = TraceCode.objects.select_related("batch__producer").filter(serial=key[0], key_id=key[1])
            self._codes[key] = codes.order_by().first()
        return self._codes[key]

    def identify(self, value: str) -> Identified:
        if value not in self._known:
            self._known[value] = self._identify(value)
        return self._known[value]

    def _identify(self, value: str) -> Identified:
        found = Identified(spellings={value})
        canonical = hashing.canonical_digital_link(value)
        if canonical:
            found.spellings.add(canonical)
        parsed = _parse(value, canonical)
        if parsed is None:
            return found
        if parsed.serial is None:
            key = self._lot_key(parsed)
            if key not in self._lots:
                self._lots[key] = self._find_lot(key)
            return self._batches(found, self._lots[key])
        verified = signing.verify(parsed.serial)
        code = self._code(verified) if verified is not None else None
        if code is None:
            return found
        batch = code.batch
        if parsed.gtin is not None and (
            batch.gtin != parsed.gtin or (parsed.lot is not None and batch.lot_number != parsed.lot)
        ):
            return found
        printed = signing.normalise(parsed.serial)
        found.batches.append(batch)
        found.spellings.add(CODE_URN + printed)
        if batch.gtin:
            found.spellings.add(f"{self.origin}/01/{batch.gtin}/10/{batch.lot_number}/21/{printed}")
            found.spellings.add(f"{hashing.GS1_DL}01/{batch.gtin}/21/{printed}")
        return found

    def _batches(self, found: Identified, batches: list[Batch]) -> Identified:
        found.batches.extend(batches)
        for batch in batches:
            found.spellings.add(f"{LOT_URN}{batch.producer.credit_code}:{batch.lot_number}")
            if batch.gtin:
                found.spellings.add(f"{self.origin}/01/{batch.gtin}/10/{batch.lot_number}")
                found.spellings.add(f"{hashing.GS1_DL}01/{batch.gtin}/10/{batch.lot_number}")
        return found


def batch_for_epc(value: str) -> Batch | None:
    """The batch an EPC (instance or class level, any spelling above) names, or ``None``."""
    batches = EpcResolver().identify(value).batches
    return batches[0] if len(batches) == 1 else None


def event_epcs(event: dict) -> list[tuple[str, str]]:
    """``(level, value)`` of every EPC the event names: instance level (epcList, childEPCs,
    input/output EPC lists, parentID) and class level (the quantity lists' epcClass)."""
    found = []
    for name in INSTANCE_FIELDS:
        found += [(EpcisEventEpc.Level.INSTANCE, v) for v in event.get(name) or [] if isinstance(v, str)]
    if isinstance(event.get("parentID"), str):
        found.append((EpcisEventEpc.Level.INSTANCE, event["parentID"]))
    for name in CLASS_FIELDS:
        for element in event.get(name) or []:
            if isinstance(element, dict) and isinstance(element.get("epcClass"), str):
                found.append((EpcisEventEpc.Level.CLASS, element["epcClass"]))
    return found


@dataclass
class MappedEvent:
    """An event ready to store: its columns, its batch, its EPC index rows, its trace event."""

    index: int | None
    document: dict
    event_id: str
    event_hash: str
    event_type: str
    event_time: datetime.datetime
    biz_step: str
    biz_location: str
    disposition: str
    batch: Batch
    epcs: list[tuple[str, str]]
    trace_event: TraceEvent | None


def _location(value) -> str:
    return value.get("id", "") if isinstance(value, dict) and isinstance(value.get("id"), str) else ""


def _check_length(value: str, limit: int, name: str) -> str:
    if len(value) > limit:
        raise MappingError(_("%(field)s is longer than %(limit)s characters.") % {"field": name, "limit": limit})
    return value


def map_event(
    event: dict, context, resolver: EpcResolver, allowed_batch_ids: set[int], index: int | None = None
) -> MappedEvent:
    """The event as rows to store, or ``MappingError`` (names no batch of ours, names several,
    or a batch the token does not speak for)."""
    named: dict[int, Batch] = {}
    spellings: list[tuple[str, str]] = []
    for level, value in event_epcs(event):
        identified = resolver.identify(value)
        owned = [b for b in identified.batches if b.pk in allowed_batch_ids]
        chosen = owned or identified.batches
        if chosen:
            named.setdefault(chosen[0].pk, chosen[0])
        spellings += [(level, spelling) for spelling in sorted(identified.spellings)]
    if not named:
        raise MappingError(
            _(
                "The event names no batch of this registry: give a printed code "
                "(https://…/01/{gtin}/10/{lot}/21/{code} or urn:liangping:code:{code}) or a lot "
                "(https://…/01/{gtin}/10/{lot} or urn:liangping:lot:{credit code}:{lot})."
            )
        )
    if len(named) > 1:
        lots = ", ".join(sorted(b.lot_number for b in named.values()))
        raise MappingError(_("The event names several batches (%(lots)s): send one event per batch.") % {"lots": lots})
    batch = next(iter(named.values()))
    if batch.pk not in allowed_batch_ids:
        raise MappingError(
            _("Batch %(lot)s is not one this token may capture events for.") % {"lot": batch.lot_number},
            type_=problems.SECURITY,
            title="Forbidden",
        )

    event_hash = hashing.event_hash(event, context)
    event_id = event.get("eventID") or event_hash
    document = {key: value for key, value in event.items() if key != "@context"}
    document["eventID"] = event_id
    event_time = datetime.datetime.fromisoformat(event["eventTime"].upper().replace("Z", "+00:00"))
    biz_step = bare_word(event.get("bizStep") or "", "bizStep")
    disposition = bare_word(event.get("disposition") or "", "disposition")
    biz_location = _location(event.get("bizLocation"))
    read_point = _location(event.get("readPoint")) or biz_location

    trace_event = None
    if biz_step in TraceEvent.BusinessStep.values:
        trace_event = TraceEvent(
            batch=batch,
            business_step=biz_step,
            event_time=event_time,
            read_point=read_point[:150],
            disposition=disposition if disposition in TraceEvent.Disposition.values else "",
        )
        trace_event.event_hash = trace_event.compute_hash()
    return MappedEvent(
        index=index,
        document=document,
        event_id=_check_length(event_id, 200, "eventID"),
        event_hash=event_hash,
        event_type=event["type"],
        event_time=event_time,
        biz_step=_check_length(biz_step, 60, "bizStep"),
        biz_location=_check_length(biz_location, 200, "bizLocation"),
        disposition=_check_length(disposition, 60, "disposition"),
        batch=batch,
        epcs=list(dict.fromkeys((level, _check_length(v, 200, "EPC")) for level, v in spellings)),
        trace_event=trace_event,
    )


def new_event(mapped: MappedEvent, capture_job=None) -> EpcisEvent:
    return EpcisEvent(
        event_id=mapped.event_id,
        event_hash=mapped.event_hash,
        event_type=mapped.event_type,
        event_time=mapped.event_time,
        biz_step=mapped.biz_step,
        biz_location=mapped.biz_location,
        disposition=mapped.disposition,
        document=mapped.document,
        batch=mapped.batch,
        capture_job=capture_job,
    )
