"""The EPCIS 2.0 ``SimpleEventQuery`` over ``EpcisEvent`` rows, as ``GET /epcis/events`` asks it.

Parameters (EPCIS 2.0 §8.2.7.1, REST binding query string) the registry's data can answer:
``GE_eventTime``, ``LT_eventTime`` (one instant each, with its time zone), ``EQ_bizStep``,
``EQ_disposition`` (CBV words, their ``https://ref.gs1.org/cbv/…`` URIs or ``urn:epcglobal:cbv:…``
URNs, or URIs of one's own vocabulary), ``EQ_bizLocation`` (URIs), ``MATCH_epc`` (instance-level
EPCs), ``MATCH_anyEPCClass`` (class-level EPCs), ``EQ_type`` and its binding name ``eventType``
(event types); ``perPage`` (1–1000, default 30) and ``nextPageToken``. Several values of one
parameter (``|`` as the binding writes them, ``,``, or the parameter repeated) are alternatives
(OR); different parameters all apply (AND). Anything else is a ``QueryParameterException``.

``MATCH_*`` (§8.2.7.1.1): a value matches an EPC equal to it, and a value ending in ``*`` after
``:``, ``.`` or ``/`` matches every EPC that begins with what precedes the ``*``; an EPC pattern
URI ``urn:epc:idpat:sgtin:0614141.107346.*`` matches the ``urn:epc:id:sgtin:…`` instances and
the ``urn:epc:class:lgtin:…`` lots of that GTIN. A GS1 Digital Link is the same identifier
whatever its domain: ``https://example.com/01/…`` also finds the event captured as
``https://id.gs1.org/01/…`` or under this site's own domain.

Paging is by keyset on (``event_time``, ``id``), the order of the results, so every page costs
what the first one costs. ``nextPageToken`` is signed (``django.core.signing``) and carries the
last row's key and a fingerprint of the filters: an altered token, or a token sent with other
filters, is refused.

Visibility: see ``visible_rows``; what each caller sees of an event: ``serialise``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.origin import site_origin
from gi_registry.trace import signing as code_signing
from gi_registry.trace.models import Batch, TraceCode

from ..models import EpcisEvent, EpcisEventEpc
from . import serialise

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000
TOKEN_SALT = "interfaces.epcis.query.page"  # noqa: S105 (a signing salt, not a secret)
GS1_DL_ORIGIN = "https://id.gs1.org"

TIME_PARAMETERS = ("GE_eventTime", "LT_eventTime")
LIST_PARAMETERS = ("EQ_bizStep", "EQ_bizLocation", "EQ_disposition", "MATCH_epc", "MATCH_anyEPCClass", "EQ_type")
PAGE_PARAMETERS = ("perPage", "nextPageToken")
PARAMETERS = (*TIME_PARAMETERS, *LIST_PARAMETERS, "eventType", *PAGE_PARAMETERS)

_SPLIT_RE = re.compile(r"[|,]")
_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_DL_RE = re.compile(r"^https?://[^/?#]+(?:/[^?#]*?)?/01/(\d{14}|\d{13}|\d{12}|\d{8})((?:/[^?#]*)?)$")
_IDPAT_RE = re.compile(r"^urn:epc:idpat:([a-z0-9-]+):(.*)$")


class QueryParameterError(ValueError):
    """A parameter the query cannot answer; ``detail`` says which and why (in the caller's language)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass
class EventQuery:
    ge_time: datetime.datetime | None = None
    lt_time: datetime.datetime | None = None
    biz_steps: list[str] = field(default_factory=list)
    biz_locations: list[str] = field(default_factory=list)
    dispositions: list[str] = field(default_factory=list)
    epcs: list[str] = field(default_factory=list)
    epc_classes: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    per_page: int = DEFAULT_PER_PAGE
    after: tuple[datetime.datetime, int] | None = None

    def fingerprint(self) -> str:
        """What the filters are, independent of paging: a page token belongs to one query."""
        filters = {
            "ge": self.ge_time.isoformat() if self.ge_time else None,
            "lt": self.lt_time.isoformat() if self.lt_time else None,
            "step": sorted(self.biz_steps),
            "loc": sorted(self.biz_locations),
            "disp": sorted(self.dispositions),
            "epc": sorted(self.epcs),
            "cls": sorted(self.epc_classes),
            "type": sorted(self.types),
        }
        return hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()[:16]


# --- reading the parameters -------------------------------------------------------------------


def _values(querydict, name: str) -> list[str]:
    values = []
    for raw in querydict.getlist(name):
        values.extend(part.strip() for part in _SPLIT_RE.split(raw) if part.strip())
    return values


def _instant(querydict, name: str) -> datetime.datetime | None:
    raw = querydict.getlist(name)
    if not raw:
        return None
    if len(raw) > 1:
        raise QueryParameterError(_("%(name)s takes one value.") % {"name": name})
    # An unencoded "+" of "+08:00" arrives as a space.
    text = raw[0].strip().replace(" ", "+")
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise QueryParameterError(
            _("%(name)s must be a date and time with its time zone, e.g. 2026-11-03T00:00:00+08:00 (got “%(value)s”).")
            % {"name": name, "value": raw[0][:60]}
        )
    return moment


def _cbv_words(values: list[str], name: str, uri_prefix: str, urn_prefix: str, vocabulary) -> list[str]:
    words = []
    for value in values:
        word = serialise.bare_word(value, uri_prefix, urn_prefix)
        is_cbv = word != value or ":" not in value
        if is_cbv and word not in vocabulary:
            raise QueryParameterError(
                _(
                    "“%(value)s” in %(name)s is not a CBV 2.0 word: use e.g. %(example)s, %(uri)s or a URI of your own vocabulary."
                )
                % {
                    "value": value[:80],
                    "name": name,
                    "example": "shipping" if name == "EQ_bizStep" else "in_transit",
                    "uri": uri_prefix + ("shipping" if name == "EQ_bizStep" else "in_transit"),
                }
            )
        if not is_cbv and not _URI_RE.match(value):
            raise QueryParameterError(_("“%(value)s” in %(name)s is not a URI.") % {"value": value[:80], "name": name})
        words.append(word)
    return words


def _uris(values: list[str], name: str, *, patterns: bool) -> list[str]:
    for value in values:
        if not _URI_RE.match(value):
            raise QueryParameterError(_("“%(value)s” in %(name)s is not a URI.") % {"value": value[:80], "name": name})
        star = value.find("*")
        if star == -1:
            continue
        if not patterns:
            raise QueryParameterError(
                _("%(name)s takes exact values, not patterns (“%(value)s”).") % {"name": name, "value": value[:80]}
            )
        if star != len(value) - 1 or value[-2:-1] not in (":", ".", "/"):
            raise QueryParameterError(
                _("In “%(value)s” (%(name)s), “*” may only end a pattern, right after “:”, “.” or “/”.")
                % {"value": value[:80], "name": name}
            )
    return values


def _per_page(querydict) -> int:
    raw = querydict.getlist("perPage")
    if not raw:
        return DEFAULT_PER_PAGE
    if len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= MAX_PER_PAGE:
        raise QueryParameterError(_("perPage must be a whole number from 1 to %(max)s.") % {"max": MAX_PER_PAGE})
    return int(raw[0])


def parse(querydict) -> EventQuery:
    """The query a request's parameters ask (raises ``QueryParameterError``)."""
    unknown = sorted(set(querydict.keys()) - set(PARAMETERS))
    if unknown:
        raise QueryParameterError(
            _("This interface does not answer the parameter “%(name)s”. It answers: %(known)s.")
            % {"name": unknown[0][:60], "known": ", ".join(PARAMETERS)}
        )
    query = EventQuery(
        ge_time=_instant(querydict, "GE_eventTime"),
        lt_time=_instant(querydict, "LT_eventTime"),
        biz_steps=_cbv_words(
            _values(querydict, "EQ_bizStep"),
            "EQ_bizStep",
            serialise.CBV_BIZSTEP_URI,
            serialise.CBV_BIZSTEP_URN,
            serialise.BIZ_STEPS,
        ),
        dispositions=_cbv_words(
            _values(querydict, "EQ_disposition"),
            "EQ_disposition",
            serialise.CBV_DISP_URI,
            serialise.CBV_DISP_URN,
            serialise.DISPOSITIONS,
        ),
        biz_locations=_uris(_values(querydict, "EQ_bizLocation"), "EQ_bizLocation", patterns=False),
        epcs=_uris(_values(querydict, "MATCH_epc"), "MATCH_epc", patterns=True),
        epc_classes=_uris(_values(querydict, "MATCH_anyEPCClass"), "MATCH_anyEPCClass", patterns=True),
        per_page=_per_page(querydict),
    )
    types = _values(querydict, "EQ_type") + _values(querydict, "eventType")
    for value in types:
        if value not in serialise.EVENT_TYPES:
            raise QueryParameterError(
                _("“%(value)s” is not an EPCIS event type: use one of %(types)s.")
                % {"value": value[:60], "types": ", ".join(serialise.EVENT_TYPES)}
            )
    query.types = types
    if query.ge_time and query.lt_time and query.ge_time >= query.lt_time:
        raise QueryParameterError(_("GE_eventTime must be earlier than LT_eventTime."))
    tokens = querydict.getlist("nextPageToken")
    if tokens:
        query.after = read_page_token(tokens[0], query)
    return query


# --- page tokens --------------------------------------------------------------------------------


def page_token(query: EventQuery, last: EpcisEvent) -> str:
    key = {"t": last.event_time.astimezone(datetime.UTC).isoformat(), "i": last.pk, "f": query.fingerprint()}
    return signing.dumps(key, salt=TOKEN_SALT, compress=True)


def read_page_token(text: str, query: EventQuery) -> tuple[datetime.datetime, int]:
    try:
        key = signing.loads(text, salt=TOKEN_SALT)
        moment, pk, fingerprint = datetime.datetime.fromisoformat(key["t"]), int(key["i"]), key["f"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise QueryParameterError(
            _("This nextPageToken is not valid (altered or cut short): start again from the first page.")
        ) from None
    if fingerprint != query.fingerprint():
        raise QueryParameterError(
            _("This nextPageToken belongs to another query: send the same filters as for the first page.")
        )
    return moment, pk


# --- matching EPCs ------------------------------------------------------------------------------


def _spellings(value: str) -> list[str]:
    """The ways an identifier may be stored: a Digital Link under any domain (as sent, GS1's
    canonical ``id.gs1.org``, this site's), a registry code URN with its code normalised."""
    found = _DL_RE.match(value.rstrip("*")) if value.endswith("*") else _DL_RE.match(value)
    if found:
        path = f"/01/{found.group(1).zfill(14)}{found.group(2)}" + ("*" if value.endswith("*") else "")
        return list(dict.fromkeys([value, GS1_DL_ORIGIN + path, site_origin() + path]))
    if value.startswith("urn:liangping:code:"):
        code = code_signing.normalise(value.removeprefix("urn:liangping:code:"))
        if code:
            return list(dict.fromkeys([value, "urn:liangping:code:" + code]))
    return [value]


def _prefix(prefix: str) -> Q:
    """EPCs that begin with ``prefix``: a range an index answers on either database (a LIKE does
    not under PostgreSQL's non-"C" collations), and the prefix test itself, to be exact."""
    return Q(value__gte=prefix, value__lt=prefix + "\U0010ffff", value__startswith=prefix)


def _epc_condition(values: list[str], level: str) -> Q:
    exact: list[str] = []
    condition = Q()
    for value in values:
        for spelling in _spellings(value):
            idpat = _IDPAT_RE.match(spelling)
            if spelling.endswith("*"):
                prefix = spelling[:-1]
                condition |= _prefix(prefix)
                if idpat:
                    scheme, rest = idpat.group(1), idpat.group(2).removesuffix("*")
                    exact.append(spelling)  # a class given as the pattern itself
                    if level == EpcisEventEpc.Level.INSTANCE:
                        condition |= _prefix(f"urn:epc:id:{scheme}:{rest}")
                    elif scheme == "sgtin":
                        condition |= _prefix(f"urn:epc:class:lgtin:{rest}")
            else:
                exact.append(spelling)
    if exact:
        condition |= Q(value__in=exact)
    return condition


def _matching_events(values: list[str], level: str):
    return EpcisEventEpc.objects.filter(_epc_condition(values, level), level=level).values("event_id")


# --- who sees what ------------------------------------------------------------------------------


def public_batches() -> QuerySet:
    """The batches whose events anyone may read: those a public page already shows. A batch's
    trace page exists once a code is issued for it (``/t/<code>``, withdrawn or not), and a batch
    with a GTIN has its Digital Link page (``/01/{gtin}/10/{lot}``); both list its events with
    their time, step, place and note (``trace/payload.event_payload``)."""
    codes = TraceCode.objects.filter(batch=OuterRef("pk"))
    return Batch.objects.filter(Q(gtin__gt="") | Exists(codes))


def unpublished_batches() -> QuerySet:
    """The others: no GTIN and no code issued yet (a batch still being recorded)."""
    codes = TraceCode.objects.filter(batch=OuterRef("pk"))
    return Batch.objects.filter(gtin="").exclude(Exists(codes))


def own_batch_ids(token) -> set[int]:
    """The batches whose events ``token`` reads in full (none for an anonymous caller)."""
    if token is None:
        return set()
    return set(token.batches().values_list("pk", flat=True))


def visible_rows(token, own: set[int] | None = None) -> QuerySet:
    """The events a caller may see at all: public batches' events, and its own batches' events.

    Written as "not of an unpublished batch": most batches are public, and a condition the
    database cannot answer from an index keeps it walking the (event_time, id) index in result
    order and stopping after one page (``batch_id IN (public…)`` made both SQLite and PostgreSQL
    fetch and sort every visible event first: ``bench_epcis_query``)."""
    if own is None:
        own = own_batch_ids(token)
    condition = ~Q(batch_id__in=unpublished_batches().values("pk"))
    if own:
        condition |= Q(batch_id__in=sorted(own))
    return EpcisEvent.objects.filter(condition)


def filtered(query: EventQuery, rows: QuerySet) -> QuerySet:
    """``rows`` narrowed by the query's filters, in result order (event time, then id)."""
    if query.ge_time:
        rows = rows.filter(event_time__gte=query.ge_time)
    if query.lt_time:
        rows = rows.filter(event_time__lt=query.lt_time)
    if query.biz_steps:
        rows = rows.filter(biz_step__in=query.biz_steps)
    if query.dispositions:
        rows = rows.filter(disposition__in=query.dispositions)
    if query.biz_locations:
        rows = rows.filter(biz_location__in=query.biz_locations)
    if query.types:
        rows = rows.filter(event_type__in=query.types)
    if query.epcs:
        rows = rows.filter(pk__in=_matching_events(query.epcs, EpcisEventEpc.Level.INSTANCE))
    if query.epc_classes:
        rows = rows.filter(pk__in=_matching_events(query.epc_classes, EpcisEventEpc.Level.CLASS))
    return rows.order_by("event_time", "id")


@dataclass
class Page:
    events: list[dict]
    next_token: str | None


def run(query: EventQuery, token) -> Page:
    """One page of the query's results as ``token`` (``None``: anonymous) may see them."""
    own = own_batch_ids(token)
    rows = filtered(query, visible_rows(token, own))
    if query.after:
        moment, pk = query.after
        # (event_time, id) > (moment, pk), with the range on event_time alone spelled out so the
        # database starts its index walk there instead of at the first event
        rows = rows.filter(Q(event_time__gte=moment), Q(event_time__gt=moment) | Q(id__gt=pk))
    found = list(rows[: query.per_page + 1])
    more = len(found) > query.per_page
    found = found[: query.per_page]
    events = [serialise.served_event(row, full=row.batch_id in own) for row in found]
    return Page(events, page_token(query, found[-1]) if more else None)


def find_event(event_id: str, token) -> dict | None:
    """The event ``event_id`` names as ``token`` may see it, or ``None`` (unknown or not visible)."""
    own = own_batch_ids(token)
    row = visible_rows(token, own).filter(event_id=event_id).first()
    if row is None:
        return None
    return serialise.served_event(row, full=row.batch_id in own)
