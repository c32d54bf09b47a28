"""Validation of EPCIS 2.0 JSON-LD documents and events against GS1's own JSON schema.

The schema (``schema/``, vendored from github.com/gs1/EPCIS, see ``schema/README.md``) is read
by the ``jsonschema`` library through a ``referencing`` registry of the vendored files, so its
``$ref`` s never reach the network. The schema also holds the CBV vocabularies: ``bizStep``,
``disposition``, source/destination and business-transaction types, error reasons, sensor
measurement types are either one of the CBV's bare words (``shipping``) or a URI outside the CBV's
own namespaces (a private vocabulary, ``https://example.com/steps/washing``); a misspelt CBV word
(``shiping``) is neither, and is refused. The schema's ``format: uri`` and ``format: date-time``
are checked by small checkers below (RFC 3986 scheme + no spaces; RFC 3339 date-time) instead of
adding the optional ``rfc3987``/``rfc3339-validator`` packages.

Every problem is reported with the event's index in ``eventList`` (``None`` for the document
itself), its JSON path (``$.epcisBody.eventList[3].bizStep``) and a message.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from jsonschema import Draft7Validator, FormatChecker, _keywords, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR = Path(__file__).with_name("schema")
BASE = "https://gs1.github.io/EPCIS/JSON-Schema/"
ROOT = BASE + "EPCIS-JSON-Schema.json"
DOCUMENT_EVENT = BASE + "EPCIS-Event-JSON-Schema.json#/definitions/EPCIS-Document-Event"
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
MAX_ERRORS_PER_EVENT = 5


@dataclass(frozen=True)
class Problem:
    """One validation problem: ``index`` of the event (``None``: the document), JSON ``path``."""

    index: int | None
    path: str
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "path": self.path, "detail": self.message}

    def __str__(self) -> str:
        if self.index is None:
            return _("%(path)s: %(message)s") % {"path": self.path, "message": self.message}
        return _("Event %(index)s, %(path)s: %(message)s") % {
            "index": self.index,
            "path": self.path,
            "message": self.message,
        }


_format_checker = FormatChecker()


@_format_checker.checks("uri")
def _is_uri(value) -> bool:
    """RFC 3986 absolute URI: a scheme, a colon, and no whitespace."""
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+", value) is not None


@_format_checker.checks("date-time")
def _is_date_time(value) -> bool:
    """RFC 3339 date-time: date, ``T``, time, and a ``Z`` or numeric offset."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper())
    except ValueError:
        return False
    return True


@cache
def registry() -> Registry:
    """GS1's schema files, found by their ``$id`` (never fetched)."""
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def _inline(node, resolver, depth: int = 0):
    """The schema with every ``$ref`` replaced by what it points to (draft-07: a ``$ref`` stands
    alone, its siblings are ignored). Validating an event then needs no reference lookups, which
    were half of the time (5.4 ms an event, 3.1 ms inlined)."""
    if depth > 50:
        raise RecursionError("recursive $ref in the EPCIS schema")
    if isinstance(node, dict):
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            return _inline(resolved.contents, resolved.resolver, depth + 1)
        return {key: _inline(value, resolver, depth) for key, value in node.items() if key != "$id"}
    if isinstance(node, list):
        return [_inline(value, resolver, depth) for value in node]
    return node


_ENUM_SETS: dict[int, frozenset] = {}


def _surely_in_enum(schema, instance) -> bool:
    """True when ``instance`` is certainly valid under ``schema`` because it is one of the words
    of a plain ``{"type": "string", "enum": […]}`` (or of an ``anyOf`` of such): a set lookup
    instead of jsonschema's walk. False means "not known": the normal validation then decides."""
    if not isinstance(instance, str) or not isinstance(schema, dict):
        return False
    if "enum" in schema and schema.keys() <= {"type", "enum"} and schema.get("type", "string") == "string":
        words = _ENUM_SETS.get(id(schema["enum"]))
        if words is None:
            words = _ENUM_SETS[id(schema["enum"])] = frozenset(w for w in schema["enum"] if isinstance(w, str))
        return instance in words
    if schema.keys() == {"anyOf"}:
        return any(_surely_in_enum(alternative, instance) for alternative in schema["anyOf"])
    return False


def _any_of(validator, any_of, instance, schema):
    if any(_surely_in_enum(alternative, instance) for alternative in any_of):
        return
    yield from _keywords.anyOf(validator, any_of, instance, schema)


def _property_names(validator, property_names, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for name in instance:
        if not _surely_in_enum(property_names, name):
            yield from validator.descend(instance=name, schema=property_names)


#: Draft 7 with two shortcuts that give the same verdicts: an ``anyOf`` or ``propertyNames``
#: satisfied by a CBV word or a standard field name is settled by a set lookup (each event has a
#: dozen such names and words; this halves the time of a 10,000-event capture's validation).
EpcisValidator = validators.extend(Draft7Validator, {"anyOf": _any_of, "propertyNames": _property_names})


@cache
def _validator(ref: str) -> Draft7Validator:
    resolved = registry().resolver().lookup(ref)
    schema = _inline(resolved.contents, resolved.resolver)
    return EpcisValidator(schema, format_checker=_format_checker)


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _message(error: ValidationError) -> str:
    """The most specific reason: for "not valid under any of the given schemas" (a CBV word that
    is neither a CBV word nor a URI), the best of the alternatives' reasons."""
    if "propertyNames" in error.schema_path:
        return _("%(name)s is not a field of this event type (an extension field needs a namespace prefix).") % {
            "name": json.dumps(error.instance, ensure_ascii=False)
        }
    if error.context:
        if any(alternative.validator == "enum" for alternative in error.context):
            return _("%(value)s is not a CBV value here and not a URI of another vocabulary.") % {
                "value": json.dumps(error.instance, ensure_ascii=False)
            }
        return best_match(error.context).message
    if error.validator == "enum" and len(error.validator_value) > 8:
        return _("%(value)s is not one of the allowed values.") % {
            "value": json.dumps(error.instance, ensure_ascii=False)
        }
    if error.validator == "format":
        return _("%(value)s is not a valid %(format)s.") % {
            "value": json.dumps(error.instance, ensure_ascii=False),
            "format": error.validator_value,
        }
    return error.message


def _problems(validator: Draft7Validator, instance, index: int | None, prefix: list) -> list[Problem]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    seen, problems = set(), []
    for error in errors:
        path = _json_path([*prefix, *error.absolute_path])
        message = _message(error)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(index, path, message))
        if len(problems) >= MAX_ERRORS_PER_EVENT:
            break
    return problems


def validate_event(event, index: int | None = None, in_document: bool = True) -> list[Problem]:
    """Problems of one event (``in_document``: inside an ``eventList``, so without its own
    ``@context``); ``index`` names it in the messages."""
    prefix = ["epcisBody", "eventList", index] if index is not None else []
    if not isinstance(event, dict):
        return [Problem(index, _json_path(prefix), _("An event is a JSON object."))]
    if event.get("type") not in EVENT_TYPES:
        return [
            Problem(
                index,
                _json_path([*prefix, "type"]),
                _("The event type must be one of %(types)s.") % {"types": ", ".join(EVENT_TYPES)},
            )
        ]
    return _problems(_validator(DOCUMENT_EVENT if in_document else ROOT), event, index, prefix)


def validate_document(document) -> list[Problem]:
    """Problems of an ``EPCISDocument``: its envelope, then each event of its ``eventList``."""
    problems = validate_envelope(document)
    if problems:
        return problems
    for index, event in enumerate(document_events(document)):
        problems.extend(validate_event(event, index))
    return problems


def validate_envelope(document) -> list[Problem]:
    """Problems of an ``EPCISDocument`` itself (its ``eventList`` a list, not its events)."""
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        return [
            Problem(
                None, "$.type", _("A capture takes an EPCISDocument (\u201ctype\u201d: \u201cEPCISDocument\u201d).")
            )
        ]
    body = document.get("epcisBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    if not isinstance(events, list):
        return [Problem(None, "$.epcisBody.eventList", _("The document has no eventList."))]
    envelope = dict(document, epcisBody=dict(body, eventList=[]))
    return _problems(_validator(ROOT), envelope, None, [])


def document_events(document: dict) -> list:
    return document["epcisBody"]["eventList"]
