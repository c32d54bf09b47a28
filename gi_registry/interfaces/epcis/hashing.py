"""The GS1 EPCIS event hash (``ni:///sha-256;<hex>?ver=CBV2.0``): an event's identity.

Two captures of the same event (a retry over a bad rural link, the same event sent by two
systems in two spellings) give the same hash, so the second one is a duplicate, never a second
event. The algorithm is GS1's "EPCIS event hash" (CBV 2.0 §8.9), as implemented by the reference
generator github.com/RalphTro/epcis-event-hash-generator (MIT) and by openepcis; its published
example events and hashes are our tests (``tests/data/hash/``). Written anew from the algorithm,
not copied. The pre-hash string is:

1. ``eventType=<type>``, then the standard fields in the fixed order ``PROPERTY_ORDER`` (eventTime,
   eventTimeZoneOffset, certificationInfo, parentID, epcList …, action, bizStep, disposition,
   persistentDisposition, readPoint, bizLocation, sensorElementList), each ``name=value``, list
   members sorted, nested fields under their parent's name (``readPointid=…``), empty ones left out;
2. then every other field (bizTransactionList, sourceList, destinationList, ilmd, user
   extensions as ``{namespace}name``), sorted, except that a bizTransaction, source or destination
   keeps its ``type`` before its value; ``eventID``, ``recordTime``, ``errorDeclaration`` and
   comments are not part of the hash.

Values are normalised first: times to UTC with milliseconds (``2020-03-04T10:00:30.000Z``); CBV
bare words and old ``urn:epcglobal:cbv:…`` URNs to the web vocabulary
(``https://ref.gs1.org/cbv/BizStep-shipping``); numbers without leading/trailing zeros; EPC URNs
(``urn:epc:id:sgtin:…``) and Digital Link URIs on any domain to the canonical Digital Link
``https://id.gs1.org/…`` at the finest level (serial, not lot; no CPV or query string).

The reference pools the bare CBV words over the whole document; we resolve them per event (with
the document's ``@context`` for extension namespaces), so an event's hash does not depend on what
else was sent with it. Where the reference gives no hash at all (an unparseable value that it
raises on), we fall back to the value as written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
from functools import cache, lru_cache
from pathlib import Path

CONTEXT_FILE = Path(__file__).with_name("schema") / "epcis-context.jsonld"
CBV = "https://ref.gs1.org/cbv/"
HASH_PREFIX = "ni:///sha-256;"
HASH_SUFFIX = "?ver=CBV2.0"

_QUANTITY = [("quantityElement", [("epcClass", None), ("quantity", None), ("uom", None)])]
_EPCS = [("epc", None)]
_SENSOR_METADATA = [
    (name, None)
    for name in [
        "time",
        "startTime",
        "endTime",
        "deviceID",
        "deviceMetadata",
        "rawData",
        "dataProcessingMethod",
        "bizRules",
    ]
]
_SENSOR_REPORT = [
    (name, None)
    for name in [
        "type",
        "exception",
        "deviceID",
        "deviceMetadata",
        "rawData",
        "dataProcessingMethod",
        "time",
        "microorganism",
        "chemicalSubstance",
        "value",
        "component",
        "stringValue",
        "booleanValue",
        "hexBinaryValue",
        "uriValue",
        "minValue",
        "maxValue",
        "meanValue",
        "sDev",
        "percRank",
        "percValue",
        "uom",
        "coordinateReferenceSystem",
    ]
]

#: The fixed order of the standard fields (name, order of its children or None).
PROPERTY_ORDER = [
    ("eventTime", None),
    ("eventTimeZoneOffset", None),
    ("certificationInfo", None),
    ("parentID", None),
    ("epcList", _EPCS),
    ("inputEPCList", _EPCS),
    ("childEPCs", _EPCS),
    ("quantityList", _QUANTITY),
    ("childQuantityList", _QUANTITY),
    ("inputQuantityList", _QUANTITY),
    ("outputEPCList", _EPCS),
    ("outputQuantityList", _QUANTITY),
    ("action", None),
    ("transformationID", None),
    ("bizStep", None),
    ("disposition", None),
    ("persistentDisposition", [("set", None), ("unset", None)]),
    ("readPoint", [("id", None)]),
    ("bizLocation", [("id", None)]),
    # These three never match (their members are type/value pairs): they go with the other fields.
    ("bizTransactionList", [(("type", None), ("bizTransaction", None))]),
    ("sourceList", [(("type", None), ("source", None))]),
    ("destinationList", [(("type", None), ("destination", None))]),
    (
        "sensorElementList",
        [("sensorElement", [("sensorMetadata", _SENSOR_METADATA), ("sensorReport", _SENSOR_REPORT)])],
    ),
]

NOT_HASHED = ("recordTime", "eventID", "type", "errorDeclaration")
IGNORED_KEYS = ("#text", "rdfs:comment", "comment", "@context")
PAIR_LISTS = ("sourceList", "destinationList", "bizTransactionList")
KEEP_ORDER_KEYS = ("bizTransaction", "source", "destination")


# --- CBV vocabulary: bare words to web URIs ---------------------------------------------------


@cache
def _vocabularies() -> dict[tuple[str, ...], dict[str, str]]:
    """For each field typed ``@vocab`` in GS1's EPCIS 2.0 JSON-LD context (vendored), its bare
    words and their full URIs: ``("bizStep",) -> {"shipping": "https://ref.gs1.org/cbv/BizStep-shipping"}``."""
    context = json.loads(CONTEXT_FILE.read_text())["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.startswith("http")}

    def expand(curie: str) -> str:
        prefix, _sep, local = curie.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else curie

    found: dict[tuple[str, ...], dict[str, str]] = {}

    def words(ctx) -> dict[str, str]:
        out = {}
        for part in ctx if isinstance(ctx, list) else [ctx]:
            if isinstance(part, dict):
                out.update({k: expand(v) for k, v in part.items() if isinstance(v, str) and not k.startswith("@")})
        return out

    def walk(ctx: dict, path: tuple[str, ...]) -> None:
        for key, term in ctx.items():
            if not isinstance(term, dict):
                continue
            inner = term.get("@context")
            if term.get("@type") == "@vocab" and inner is not None:
                found[(*path, key)] = words(inner)
            if isinstance(inner, list):  # persistentDisposition: words, then set/unset typed @vocab
                shared = words([p for p in inner if isinstance(p, dict) and "set" not in p])
                for part in inner:
                    if isinstance(part, dict) and "set" in part:
                        found[(*path, key, "set")] = shared
                        found[(*path, key, "unset")] = shared
            elif isinstance(inner, dict):
                walk(inner, (*path, key))

    walk(context, ())
    return found


def _expanded_vocabulary_values(event: dict) -> set[str]:
    """The full CBV/GS1 URIs that the event's vocabulary-typed fields expand to (what JSON-LD
    expansion would give), the candidates for replacing bare words."""
    vocabularies = _vocabularies()
    found: set[str] = set()

    def visit(value, path: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                visit(inner, (*path, key))
        elif isinstance(value, list):
            for inner in value:
                visit(inner, path)
        elif isinstance(value, str):
            words = vocabularies.get(path)
            if words is not None and value in words:
                found.add(words[value])
            elif value.startswith((CBV, "https://gs1.org/voc")):
                found.add(value)

    visit(event, ())
    return {v for v in found if v.startswith((CBV, "https://gs1.org/voc"))}


def _replace_bare_words(value, candidates: set[str]):
    if isinstance(value, str):
        matches = [c for c in candidates if c.endswith("-" + value) or c.endswith("/" + value)]
        return matches[0] if len(matches) == 1 else value
    if isinstance(value, list):
        return [_replace_bare_words(v, candidates) for v in value]
    if isinstance(value, dict):
        return {k: _replace_bare_words(v, candidates) for k, v in value.items()}
    return value


# --- The event as a tree of (name, value, children), as in the XML binding ----------------------


def _namespaces(context) -> dict[str, str]:
    """Extension prefixes the ``@context`` declares: ``{"example": "https://ns.example.com/epcis/"}``."""
    found: dict[str, str] = {}
    for part in context if isinstance(context, list) else [context]:
        if isinstance(part, dict):
            found.update({k: v for k, v in part.items() if isinstance(v, str)})
    return found


def _expand_name(text, namespaces: dict[str, str], is_value: bool = False):
    if not isinstance(text, str):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in namespaces:
        return namespaces[prefix] + local if is_value else "{" + namespaces[prefix] + "}" + local
    return text


def _tree(value, namespaces: dict[str, str]) -> tuple:
    node: tuple = ("", "", [])
    if isinstance(value, list):
        node[2].extend(_tree(v, namespaces) for v in value)
    elif isinstance(value, dict):
        if "type" in value:
            node = (value["type"], "", [])
        if "#text" in value:
            node = (node[0], value["#text"], node[2])
        for key, inner in value.items():
            if key in IGNORED_KEYS or key.startswith("@xmlns"):
                continue
            child = _tree(inner, namespaces)
            name = _expand_name(key, namespaces)
            if isinstance(inner, list):
                node[2].extend((name, element[1], element[2]) for element in child[2])
            else:
                node[2].append((name, child[1], child[2]))
    else:
        return ("", str(_expand_name(value, namespaces, is_value=True)), [])
    if not any(key in value for key in KEEP_ORDER_KEYS):
        try:
            node[2].sort()
        except TypeError:  # a non-text "type" somewhere: order by the text form
            node[2].sort(key=repr)
    return node


def _restructure(node: tuple) -> tuple:
    """The JSON binding drops the XML's wrapper elements; put them back, so that both bindings
    hash alike: ``epcList: [a, b]`` -> ``epcList(epc=a, epc=b)``, quantity lists ->
    ``quantityElement``, source/destination/bizTransaction lists -> (type, value) pairs."""
    children = list(node[2]) if len(node) > 2 else []
    lists: dict[str, list] = {}
    for element in [e for e in children if isinstance(e[0], str) and e[0].endswith("List")]:
        lists.setdefault(element[0], []).append((element[0][:-4], element[1], element[2]))
        children.remove(element)
    for name, elements in lists.items():
        if name in PAIR_LISTS:
            children.append((name, "", [tuple(e[2][:2]) for e in elements]))
        else:
            children.append((name, "", elements))
    child_epcs = [("epc", e[1], []) for e in children if e[0] == "childEPCs"]
    if child_epcs:
        children = [e for e in children if e[0] != "childEPCs"]
        children.append(("childEPCs", "", child_epcs))
    children = [c if c[0] in PAIR_LISTS else _restructure(c) for c in children]
    name = node[0]
    if name in ("inputEPC", "outputEPC"):
        name = "epc"
    elif name in ("inputQuantity", "outputQuantity", "childQuantity") or (name == "quantity" and children):
        name = "quantityElement"
    return (name, node[1], children)


# --- Values -----------------------------------------------------------------------------------

_OLD_CBV = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)


@lru_cache(maxsize=65536)  # pure; a document repeats its places, steps and transactions
def normalise_time(text: str) -> str:
    """An ISO 8601 time as UTC with milliseconds and ``Z``; other text unchanged."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    millis = round(moment.microsecond, -3)  # Python's rounding (half to even), as the reference
    moment = moment.replace(microsecond=0) + datetime.timedelta(microseconds=millis)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def _normalise_number(text: str) -> str:
    try:
        number = float(text)
        if int(number) == number:
            number = int(number)
    except (ValueError, OverflowError):
        return text
    return str(number)


@lru_cache(maxsize=65536)  # pure; a document repeats its places, steps and transactions
def normalise_value(text: str) -> str:
    for old, new in _OLD_CBV:
        text = text.replace(old, new)
    text = _normalise_number(text)
    return canonical_digital_link(text) or text


# --- EPC URNs and Digital Link URIs to the canonical Digital Link --------------------------------

GS1_DL = "https://id.gs1.org/"
_CHARS = r"(?:%[0-9A-Fa-f]{2}|[!')(*+,.0-9:;=A-Za-z_-])"


def check_digit(digits: str) -> int:
    """GS1 mod-10 check digit (GTIN, GLN, SSCC …): weights 3, 1, 3 … from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return math.ceil(total / 10) * 10 - total


def _dl_escape(text: str) -> str:
    for char, code in (
        ("!", "%21"),
        ("(", "%28"),
        (")", "%29"),
        ("*", "%2A"),
        ("+", "%2B"),
        (",", "%2C"),
        (":", "%3A"),
    ):
        text = text.replace(char, code)
    return text


def _key(prefix: str, ref: str, total: int, indicator_first: bool = False, lead: str = "") -> str | None:
    """Company prefix + reference (with the indicator digit moved in front, for GTINs) + check digit."""
    if not 6 <= len(prefix) <= 12 or len(prefix) + len(ref) != total:
        return None
    raw = lead + (ref[:1] + prefix + ref[1:] if indicator_first else prefix + ref)
    return raw + str(check_digit(raw))


def _urn_to_dl(uri: str) -> str | None:
    match = re.fullmatch(r"urn:epc:(id|class|idpat):([a-z]+):(.*)", uri)
    if not match:
        return None
    kind, scheme, rest = match.groups()
    parts = rest.split(".")
    if kind == "id" and scheme == "sgtin" and len(parts) >= 3:
        serial = ".".join(parts[2:])
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        if gtin and re.fullmatch(_CHARS + "{1,20}", serial):
            return f"{GS1_DL}01/{gtin}/21/{_dl_escape(serial)}"
    elif kind == "id" and scheme == "sscc" and len(parts) == 2 and rest.replace(".", "").isdigit():
        sscc = _key(parts[0], parts[1], 17, indicator_first=True)
        if sscc:
            return f"{GS1_DL}00/{sscc}"
    elif kind == "id" and scheme in ("sgln", "pgln") and len(parts) >= 2:
        gln = _key(parts[0], parts[1], 12)
        if gln and parts[0].isdigit() and (parts[1].isdigit() or parts[1] == ""):
            if scheme == "pgln":
                return f"{GS1_DL}417/{gln}" if len(parts) == 2 else None
            extension = ".".join(parts[2:])
            if re.fullmatch(_CHARS + "{1,20}", extension):
                return f"{GS1_DL}414/{gln}" + ("" if extension == "0" else f"/254/{_dl_escape(extension)}")
    elif kind == "id" and scheme == "grai" and len(parts) >= 3:
        grai = _key(parts[0], parts[1], 12, lead="0")
        if grai:
            return f"{GS1_DL}8003/{grai}{_dl_escape('.'.join(parts[2:]))}"
    elif kind == "id" and scheme in ("giai", "ginc") and len(parts) >= 2:
        ai = "8004" if scheme == "giai" else "401"
        return f"{GS1_DL}{ai}/{parts[0]}{_dl_escape('.'.join(parts[1:]))}"
    elif kind == "id" and scheme in ("gsrn", "gsrnp", "gsin") and len(parts) == 2:
        ai, total = {"gsrn": ("8018", 17), "gsrnp": ("8017", 17), "gsin": ("402", 16)}[scheme]
        key = _key(parts[0], parts[1], total)
        if key:
            return f"{GS1_DL}{ai}/{key}"
    elif kind == "id" and scheme in ("gdti", "sgcn") and len(parts) >= 3:
        key = _key(parts[0], parts[1], 12)
        if key:
            ai = "253" if scheme == "gdti" else "255"
            return f"{GS1_DL}{ai}/{key}{_dl_escape('.'.join(parts[2:]))}"
    elif kind == "id" and scheme == "cpi" and len(parts) == 3 and parts[2].isdigit():
        return f"{GS1_DL}8010/{_dl_escape(parts[0] + parts[1])}/8011/{parts[2]}"
    elif kind == "id" and scheme == "itip" and len(parts) >= 5:
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        if gtin:
            return f"{GS1_DL}8006/{gtin}{parts[2]}{parts[3]}/21/{_dl_escape('.'.join(parts[4:]))}"
    elif kind == "id" and scheme == "upui" and len(parts) >= 3:
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        if gtin:
            return f"{GS1_DL}01/{gtin}/235/{_dl_escape('.'.join(parts[2:]))}"
    elif kind == "class" and scheme == "lgtin" and len(parts) >= 3:
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        if gtin:
            return f"{GS1_DL}01/{gtin}/10/{_dl_escape('.'.join(parts[2:]))}"
    elif kind == "idpat" and parts[-1] == "*":
        return _pattern_to_dl(scheme, parts[:-1])
    return None


def _pattern_to_dl(scheme: str, parts: list[str]) -> str | None:
    """EPC pattern URIs (``urn:epc:idpat:sgtin:4012345.011111.*``): the class they name."""
    if scheme in ("sgtin", "upui") and len(parts) == 2:
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        return f"{GS1_DL}01/{gtin}" if gtin else None
    if scheme == "itip" and len(parts) == 4:
        gtin = _key(parts[0], parts[1], 13, indicator_first=True)
        return f"{GS1_DL}8006/{gtin}{parts[2]}{parts[3]}" if gtin else None
    if scheme in ("grai", "gdti", "sgcn") and len(parts) == 2:
        ai, lead = {"grai": ("8003", "0"), "gdti": ("253", ""), "sgcn": ("255", "")}[scheme]
        key = _key(parts[0], parts[1], 12, lead=lead)
        return f"{GS1_DL}{ai}/{key}" if key else None
    if scheme == "cpi" and len(parts) == 2:
        return f"{GS1_DL}8010/{_dl_escape(parts[0] + parts[1])}"
    return None


_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017",
    "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402",
    "grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21",
}  # fmt: skip
_PRIMARY_KEYS = ("00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017", "8018")
_DL_CHAR = r"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]"
_CANONICAL = [
    r"00/\d{18}",
    rf"01/\d{{14}}(/21/{_DL_CHAR}{{0,20}}|/10/{_DL_CHAR}{{0,20}}|/235/{_DL_CHAR}{{0,28}})?",
    rf"253/\d{{13}}{_DL_CHAR}{{0,17}}",
    r"255/\d{13}\d{0,12}",
    rf"401/{_DL_CHAR}{{0,30}}",
    r"402/\d{17}",
    rf"414/\d{{13}}(/254/{_DL_CHAR}{{0,20}})?",
    r"417/\d{13}",
    rf"8003/\d{{14}}{_DL_CHAR}{{0,16}}",
    rf"8004/{_DL_CHAR}{{0,30}}",
    rf"8006/\d{{18}}(/21/{_DL_CHAR}{{0,20}}|/10/{_DL_CHAR}{{0,20}})?",
    r"8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}(/8011/\d{0,12})?",
    r"8017/\d{18}",
    r"8018/\d{18}",
]
_DL_SHAPE = re.compile(
    r"https?://[^/?#]+(?:/[^?#]*)?/(?:01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn"
    r"|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/\d{4}[^/]+"
)


@lru_cache(maxsize=65536)  # pure; a document repeats its places, steps and transactions
def canonical_digital_link(uri: str) -> str | None:
    """The canonical GS1 Digital Link (``https://id.gs1.org/…``, finest level, no CPV/query) of an
    EPC URN or a Digital Link URI on any domain; ``None`` for anything else."""
    if "." not in uri:
        return None
    if uri.startswith("urn:epc:"):
        return _urn_to_dl(uri)
    if not _DL_SHAPE.match(uri):
        return None
    uri = uri.split("?", 1)[0].split("#", 1)[0]
    for short, ai in _SHORT_NAMES.items():
        uri = uri.replace(f"/{short}/", f"/{ai}/")
    if not uri.startswith(GS1_DL):
        for ai in _PRIMARY_KEYS:
            at = uri.find(f"/{ai}/")
            if at != -1:
                uri = GS1_DL + uri[at + 1 :]
                break
    path = uri[len(GS1_DL) :].rstrip("/")
    gtin = re.match(r"01/(\d+)(.*)", path)
    if gtin and len(gtin[1]) in (8, 12, 13):
        path = "01/" + gtin[1].zfill(14) + gtin[2]
    path = re.sub(r"^((?:01|8006)/\d+)/22/[^/]*", r"\1", path)  # drop the consumer product variant
    path = re.sub(r"^((?:01|8006)/\d+)/10/[^/]*(/21/)", r"\1\2", path)  # a serial makes the lot redundant
    if any(re.fullmatch(pattern, path) for pattern in _CANONICAL):
        return GS1_DL + path
    return None


# --- The pre-hash string ----------------------------------------------------------------------


def _is_pair(node) -> bool:
    return isinstance(node, tuple) and len(node) in (1, 2) and isinstance(node[0], tuple)


def _field_text(node: tuple, child_order) -> str:
    nested = _ordered_text(node[2], child_order) if child_order else ""
    text = ""
    if node[1]:
        text = node[1].strip()
        lowered = node[0].lower()
        text = normalise_time(text) if "time" in lowered and "offset" not in lowered else normalise_value(text)
        if text:
            text = "=" + text
    return node[0] + text + nested if text or nested else ""


def _user_extensions(children: list) -> list:
    """Extension fields inside a standard field (``readPoint``, a sensor element …) go after that
    field's own members; at the event's top level they are left for the tail."""
    if len(children) <= 1:
        return []
    for child in children:
        if "eventTime" in child[0] or "action" in child[0]:
            return []
    extensions = [c for c in children if isinstance(c[0], str) and "{" in c[0] and "/}" in c[0]]
    for extension in extensions:
        children.remove(extension)
    return extensions


def _ordered_text(children: list, order) -> str:
    """The standard fields in their fixed order; consumes them from ``children``."""
    text = ""
    extensions = _user_extensions(children)
    for name, child_order in order:
        values = []
        for child in [c for c in children if c[0] == name]:
            child_text = _field_text(child, child_order)
            if child_text:
                values.append(child_text)
            if not child[2]:
                children.remove(child)
        values.sort()
        if "".join(values):
            text = "".join([text, *values])
    if extensions:
        text += _generic_text(extensions)
    return text


def _generic_text(children) -> str:
    """Any other fields: ``name=value`` with their children, sorted (type/value pairs kept)."""
    values = []
    for child in children:
        if _is_pair(child):
            values.append(_generic_text(child))
        else:
            text = child[1].strip()
            if text:
                text = "=" + normalise_value(text)
            values.append(child[0] + text + _generic_text(child[2]))
    if len(children) > 1 and not any(
        isinstance(c[0], str) and c[0] in KEEP_ORDER_KEYS for c in children if not _is_pair(c)
    ):
        values.sort()
    return "".join(values)


def pre_hash_string(event: dict, context=None) -> str:
    """The event's canonical pre-hash string (see the module docstring)."""
    namespaces = _namespaces(context or [])
    namespaces.update(_namespaces(event.get("@context", [])))
    event = _replace_bare_words(event, _expanded_vocabulary_values(event))
    tree = _restructure(_tree(event, namespaces))
    children = tree[2]
    ordered = _ordered_text(children, PROPERTY_ORDER)
    rest = [c for c in children if c[0] not in NOT_HASHED]
    return "eventType=" + str(tree[0]) + ordered + (_generic_text(rest) if rest else "")


def event_hash(event: dict, context=None) -> str:
    """``ni:///sha-256;<hex>?ver=CBV2.0`` of one EPCIS 2.0 JSON event; ``context`` is the
    document's ``@context`` (for extension namespaces)."""
    digest = hashlib.sha256(pre_hash_string(event, context).encode()).hexdigest()
    return HASH_PREFIX + digest + HASH_SUFFIX


def document_event_hashes(document: dict) -> list[str]:
    """The hash of every event in an EPCIS document (``eventList``, a query result, or ``event``)."""
    body = document.get("epcisBody", {})
    if "eventList" in body:
        events = body["eventList"]
    elif "queryResults" in body:
        events = body["queryResults"]["resultsBody"]["eventList"]
    else:
        events = [body["event"]]
    return [event_hash(event, document.get("@context")) for event in events]
