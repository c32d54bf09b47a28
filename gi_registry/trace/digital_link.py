"""GS1 Digital Link: ``/01/<gtin>[/10/<lot>][/21/<serial>]`` resolves to our pages.

GS1 Digital Link URI syntax 1.x: the primary key GTIN (AI 01, written as 14 digits; 8, 12 and
13-digit GTINs are accepted and padded) then the key qualifiers in their fixed order, lot (AI 10)
before serial (AI 21), each up to 20 characters. On this site the serial is the printed trace
code. A serial resolves to the trace page, a lot without a serial to the batch, a GTIN alone to
the product (the GI page).

``Accept: application/linkset+json`` (or ``?linkType=all``) answers with the RFC 9264 linkset
of the identified item: ``gs1:pip`` (product information page), ``gs1:traceability``,
``gs1:certificationInfo`` and ``gs1:verificationService`` links.

A GS1-Conformant resolver (GS1-Conformant Resolver standard 1.2.0):

* ``?linkType=<type>`` (``gs1:pip``, ``https://gs1.org/voc/pip`` …) answers 307 to a link of that
  type, chosen among several by ``link_negotiation`` (language, ``context``, media type, then the
  default link); a type the item has no link of is 404 (the standard's rule since 1.0), links that
  cannot be told apart 300. Qualifiers that name nothing walk up the tree (an unknown lot answers
  with the GTIN's links) — only for a ``linkType`` request: a plain scan of an unknown serial
  stays the trace page's "unknown" verdict, a forged code must never look like a product.
* Without ``linkType`` a serial or a lot is answered with its page directly (the standard allows
  content without redirection, and the scan is counted exactly once); a GTIN redirects (307) to
  its default link, the product page in the request's language.
* ``?linkType=linkset`` (or ``all``) or ``Accept: application/linkset+json``: the RFC 9264
  linkset, with the GS1 linkset JSON-LD context in a ``Link`` header; the first entry is the
  requested item with every link up the tree, then one entry per level above it.
* Every answer carries ``Vary: Accept, Accept-Language``, CORS, and a ``Link`` to the linkset;
  query-string pairs are passed on when redirecting (except the resolver's own ``linkType`` and
  ``context``); GS1 AIs in the query string are checked against their formats (400 if wrong).
* Compressed URIs (``dl_compression``): ``/<base64>`` and ``/01/<gtin>/<base64>`` resolve as their
  uncompressed form, which is named in a ``Link`` with ``rel="owl:sameAs"``.
* Other primary keys (SSCC, GLN …) are refused with 404 and a message: only GTIN is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.origin import absolute_url

from . import dl_compression, scans, signing
from . import gtin as gs1
from . import resolve as resolver
from .link_negotiation import Link, choose, link_header_value
from .models import Batch
from .views import language_switch, never_cache, render_resolution, too_many_requests

GS1_VOC = "https://gs1.org/voc/"
PIP, TRACEABILITY, CERTIFICATION = GS1_VOC + "pip", GS1_VOC + "traceability", GS1_VOC + "certificationInfo"
VERIFICATION, DEFAULT = GS1_VOC + "verificationService", GS1_VOC + "defaultLink"
LINKSET_TYPE = "application/linkset+json"
#: The GS1-Conformant resolver's linkset context (JSON-LD), named by ``Link`` on every linkset.
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
QUALIFIER_ORDER = ("10", "21")
#: The spellings of the GS1 Web vocabulary a ``linkType`` may use.
VOC_SPELLINGS = (
    "gs1:",
    "https://gs1.org/voc/",
    "http://gs1.org/voc/",
    "https://www.gs1.org/voc/",
    "http://www.gs1.org/voc/",
    "https://ref.gs1.org/voc/",
    "http://ref.gs1.org/voc/",
)
#: The resolver's own query keywords, not passed on when redirecting.
RESOLVER_KEYWORDS = frozenset({"linktype", "context"})


class MalformedLink(ValueError):
    pass


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # 14 digits
    lot: str | None = None
    serial: str | None = None

    @property
    def path(self) -> str:
        parts = ["01", self.gtin]
        if self.lot is not None:
            parts += ["10", self.lot]
        if self.serial is not None:
            parts += ["21", self.serial]
        return "/" + "/".join(parts)

    @property
    def gtin_path(self) -> str:
        return f"/01/{self.gtin}"

    def lot_path(self, lot: str) -> str:
        return f"/01/{self.gtin}/10/{lot}"


def parse(rest: str) -> DigitalLink:
    """The identifiers of ``/01/<rest>``; ``MalformedLink`` for anything GS1 does not allow."""
    segments = [unquote(s) for s in rest.strip("/").split("/")] if rest.strip("/") else []
    if not segments:
        raise MalformedLink("missing GTIN")
    gtin = gs1.normalise_gtin(segments[0])
    if gtin is None:
        raise MalformedLink("invalid GTIN")
    pairs = segments[1:]
    if len(pairs) % 2:
        raise MalformedLink("a qualifier without a value")
    values: dict[str, str] = {}
    last = -1
    for i in range(0, len(pairs), 2):
        ai, value = pairs[i], pairs[i + 1]
        if ai not in QUALIFIER_ORDER:
            raise MalformedLink(f"unsupported qualifier {ai!r}")
        position = QUALIFIER_ORDER.index(ai)
        if position <= last:
            raise MalformedLink("qualifiers out of order or repeated")
        last = position
        if not value or len(value) > gs1.LOT_MAX_LENGTH:
            raise MalformedLink("a value is empty or longer than 20 characters")
        values[ai] = value
    if "10" in values and not gs1.is_valid_lot(values["10"]):
        raise MalformedLink("invalid lot")
    if "21" in values and not signing.normalise(values["21"]):
        raise MalformedLink("invalid serial")
    return DigitalLink(gtin, values.get("10"), values.get("21"))


def _param(request, name: str) -> str | None:
    """A query parameter, its name in any case (``linkType``, ``linktype``)."""
    name = name.lower()
    return next((value for key, value in request.GET.items() if key.lower() == name), None)


def link_type(value: str) -> str:
    """A requested link type as its full URI (``gs1:pip`` → ``https://gs1.org/voc/pip``)."""
    value = value.strip()
    for spelling in VOC_SPELLINGS:
        if value.lower().startswith(spelling.lower()):
            return GS1_VOC + value[len(spelling) :]
    return value


def wants_linkset(request) -> bool:
    requested = (_param(request, "linkType") or "").lower()
    return LINKSET_TYPE in request.META.get("HTTP_ACCEPT", "") or requested in ("all", "linkset")


def query_attributes(request) -> dict[str, str]:
    """The GS1 data attributes of the query string (all-digit keys), each checked against its AI's
    format; ``MalformedLink`` for a key or qualifier that belongs in the path, or a wrong value."""
    attributes = {}
    for key, value in request.GET.items():
        if not key.isdigit():
            continue
        if key in dl_compression.PRIMARY_KEYS or key in QUALIFIER_ORDER or key in ("22", "235"):
            raise MalformedLink(f"AI {key} belongs in the path")
        if not dl_compression.value_fits(key, value):
            raise MalformedLink(f"AI {key} with a value that does not fit its format")
        attributes[key] = value
    return attributes


@dataclass
class Level:
    """The links of one level of the tree (serial, lot or GTIN), at its own anchor."""

    anchor: str  # path
    links: list[Link] = field(default_factory=list)

    def of(self, rel: str) -> list[Link]:
        return [link for link in self.links if link.rel == rel]


def gi_level(link: DigitalLink, gi) -> Level:
    level = Level(link.gtin_path)
    if gi is None or not gi.live:
        return level
    page = gi.get_absolute_url()
    with translation.override("en"):
        page_en = gi.get_absolute_url()
    level.links = [
        Link(PIP, absolute_url(page), gi.name, "text/html", ("zh-Hans",)),
        Link(PIP, absolute_url(page_en), gi.name_en or gi.name, "text/html", ("en",)),
        Link(CERTIFICATION, absolute_url(page), f"{gi.name} {gi.registration_number}", "text/html", ("zh-Hans",)),
        Link(DEFAULT, absolute_url(page), gi.name),
    ]
    return level


def lot_level(link: DigitalLink, batch: Batch) -> Level:
    path = link.lot_path(batch.lot_number)
    level = Level(path, [Link(TRACEABILITY, absolute_url(path), batch.lot_number, "text/html", ("zh-Hans",))])
    if batch.authorisation.certificate_id:
        certificate = batch.authorisation.certificate
        level.links.append(
            Link(CERTIFICATION, absolute_url(certificate.url), batch.authorisation.number, "application/pdf")
        )
    level.links.append(Link(DEFAULT, absolute_url(path), batch.lot_number))
    return level


def serial_level(link: DigitalLink, printed: str) -> Level:
    page = absolute_url(reverse("trace:page", args=[printed]))
    page_en = absolute_url(reverse("trace:page_en", args=[printed]))
    api = absolute_url(reverse("trace:api", args=[printed]))
    return Level(
        link.path,
        [
            Link(TRACEABILITY, page, "溯源信息", "text/html", ("zh-Hans",)),
            Link(TRACEABILITY, page_en, "Trace information", "text/html", ("en",)),
            Link(TRACEABILITY, api, "trace data", "application/json"),
            Link(VERIFICATION, api, "verify", "application/json"),
            Link(DEFAULT, page, "溯源信息"),
        ],
    )


def levels_for(link: DigitalLink, batch: Batch | None, gi, printed: str | None) -> list[Level]:
    """The levels from the most granular one the request reaches up to the GTIN."""
    levels = []
    if printed:
        levels.append(serial_level(link, printed))
    if batch is not None and (link.lot is not None or printed):
        levels.append(lot_level(link, batch))
    levels.append(gi_level(link, gi))
    return [level for level in levels if level.links]


def linkset(anchor: str, levels: list[Level]) -> JsonResponse:
    """RFC 9264 linkset (JSON), GS1 link types as full URIs: first the requested item with every
    link up the tree (the most granular default link only), then each level at its own anchor."""
    merged: dict[str, list] = {}
    seen = set()
    for level in levels:
        for link in level.links:
            if link.rel == DEFAULT and DEFAULT in merged:
                continue
            key = (link.rel, link.href, link.type, link.hreflang)
            if key not in seen:
                seen.add(key)
                merged.setdefault(link.rel, []).append(link.as_json())
    entries = [{"anchor": absolute_url(anchor), **merged}]
    for level in levels:
        if level.anchor != anchor:
            by_type: dict[str, list] = {}
            for link in level.links:
                by_type.setdefault(link.rel, []).append(link.as_json())
            entries.append({"anchor": absolute_url(level.anchor), **by_type})
    response = JsonResponse({"linkset": entries}, content_type=LINKSET_TYPE, json_dumps_params={"ensure_ascii": False})
    response["Link"] = link_header_value(LINKSET_CONTEXT, JSONLD_CONTEXT_REL, type="application/ld+json")
    return response


def _passed_on(request, extra: dict[str, str] | None) -> str:
    pairs = [(k, v) for k, v in request.GET.items() if k.lower() not in RESOLVER_KEYWORDS]
    pairs += [(k, v) for k, v in (extra or {}).items() if k not in request.GET]
    return urlencode(pairs)


def _wants_html(request) -> bool:
    return "text/html" in request.META.get("HTTP_ACCEPT", "")


def _refused(request, status: int, title: str, detail: str, fallback: str = "") -> HttpResponse:
    """A clear refusal, not a verdict on the product: a page for a person (with the product's
    default link when there is one), JSON for a program."""
    if not _wants_html(request):
        return JsonResponse(
            {"error": title, "detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return render(
        request,
        "gi_registry/trace/resolver_refusal.html",
        {"title": title, "detail": detail, "fallback": fallback, "lang_switch": None},
        status=status,
    )


def redirect(request, link: DigitalLink, levels: list[Level], requested: str | None, extra=None) -> HttpResponse:
    """307 to the link of the requested type (the default type, for a bare GTIN) that fits the
    request best; 300 when several cannot be told apart; 404 when the item has none of that type."""
    rel = link_type(requested) if requested else PIP
    candidates = next((level.of(rel) for level in levels if level.of(rel)), [])
    default = next((x.href for level in levels for x in level.of(DEFAULT)), "")
    if not candidates:
        return _refused(
            request,
            404,
            _("No such link"),
            _("This product has no link of the type %(type)s.") % {"type": requested or rel},
            default,
        )
    choice = choose(
        candidates,
        accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        accept=request.META.get("HTTP_ACCEPT", ""),
        context=_param(request, "context"),
        default=default,
    )
    if choice.link is None:
        body = {"linkset": [{"anchor": absolute_url(link.path), rel: [c.as_json() for c in choice.choices]}]}
        return JsonResponse(body, status=300, content_type=LINKSET_TYPE, json_dumps_params={"ensure_ascii": False})
    response = HttpResponse(status=307)
    query = _passed_on(request, extra)
    target = choice.link.href
    response["Location"] = target + (("&" if "?" in target else "?") + query if query else "")
    return response


def _bad_request(request, message: str):
    return render(
        request,
        "gi_registry/trace/trace_page.html",
        {
            "verdict": "unknown",
            "verdict_title": message,
            "malformed": True,
            "lang_switch": language_switch(request, None),
        },
        status=400,
    )


def _expand_partial(rest: str) -> tuple[str, dict[str, str], bool]:
    """``<gtin>/<base64>`` (a partially compressed link) as ``<gtin>/10/<lot>…`` and its data
    attributes; anything else unchanged."""
    segments = rest.strip("/").split("/")
    if len(segments) != 2 or segments[1].isdigit():
        return rest, {}, False
    try:
        ais, others = dl_compression.decompress(segments[1])
        path, attributes = dl_compression.uncompressed_path({"01": segments[0], **ais})
    except dl_compression.CompressionError:
        return rest, {}, False
    return path.removeprefix("/01/"), {**attributes, **others}, True


def _options() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    return response


def _finish(response: HttpResponse, anchor: str | None, same_as: str | None) -> HttpResponse:
    """What every resolver answer carries: Vary, CORS, the link to the linkset, owl:sameAs."""
    patch_vary_headers(response, ("Accept", "Accept-Language"))
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Link, Location, Vary"
    links = [response["Link"]] if response.has_header("Link") else []
    if anchor and response.status_code < 400:
        target = absolute_url(anchor) + "?linkType=linkset"
        links.append(link_header_value(target, "linkset", type=LINKSET_TYPE))
    if same_as:
        links.append(link_header_value(same_as, "owl:sameAs"))
    if links:
        response["Link"] = ", ".join(links)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def resolve_digital_link(request, rest: str, *, same_as: str | None = None, extra: dict | None = None):
    if request.method == "OPTIONS":
        return _finish(_options(), None, None)
    decision = scans.check_rate_limit(request)
    if not decision.allowed:
        return _finish(too_many_requests(request, decision, as_json=wants_linkset(request)), None, None)
    rest, attributes, partial = _expand_partial(rest)
    try:
        link = parse(rest)
        query_attributes(request)
    except MalformedLink:
        if wants_linkset(request):
            return _finish(JsonResponse({"error": "malformed GS1 Digital Link"}, status=400), None, None)
        return _finish(_bad_request(request, "GS1 Digital Link"), None, None)
    if partial:
        extra = {**(extra or {}), **attributes}
        same_as = absolute_url(link.path) + (f"?{urlencode(extra)}" if extra else "")
    response = _answer(request, link, extra)
    return _finish(response, link.path, same_as)


def _answer(request, link: DigitalLink, extra: dict | None) -> HttpResponse:
    requested = _param(request, "linkType")
    as_linkset = wants_linkset(request)
    if link.serial is not None:
        code, printed = resolver.find_code(link.serial)
        batch = code.batch if code else None
        matches = batch is not None and batch.gtin == link.gtin and (link.lot is None or batch.lot_number == link.lot)
        if as_linkset:
            if not matches:
                return JsonResponse({"error": "unknown item"}, status=404)
            full, _events = resolver.full_batch(batch.pk)
            return linkset(link.path, levels_for(link, full, full.geographical_indication, printed))
        if requested is None:
            if not matches:
                return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.serial)
            return render_resolution(request, resolver.resolve_code(code, printed, request), typed=link.serial)
        if matches:
            full, _events = resolver.full_batch(batch.pk)
            return redirect(
                request, link, levels_for(link, full, full.geographical_indication, printed), requested, extra
            )
        return redirect(request, link, _walk_up(link), requested, extra)

    batches = Batch.objects.select_related(
        "authorisation__geographical_indication", "authorisation__certificate", "producer__township", "standard"
    )
    candidates = list(batches.filter(gtin=link.gtin))

    if link.lot is not None:
        batch = next((b for b in candidates if b.lot_number == link.lot), None)
        if batch is None:
            if as_linkset:
                return JsonResponse({"error": "unknown lot"}, status=404)
            if requested is not None:
                return redirect(request, link, _walk_up(link, candidates), requested, extra)
            return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.lot)
        if as_linkset:
            return linkset(link.path, levels_for(link, batch, batch.geographical_indication, None))
        if requested is not None:
            return redirect(
                request, link, levels_for(link, batch, batch.geographical_indication, None), requested, extra
            )
        return render(
            request,
            "gi_registry/trace/batch_page.html",
            {
                "batch": batch,
                "events": list(batch.events.all()),
                "lang_switch": None,
                "page_url": absolute_url(link.path),
            },
            status=200 if batch.status == Batch.Status.ACTIVE else 410,
        )

    gi = _live_gi(candidates)
    if gi is None:
        if as_linkset:
            return JsonResponse({"error": "unknown GTIN"}, status=404)
        return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.gtin)
    if as_linkset:
        return linkset(link.path, levels_for(link, None, gi, None))
    return redirect(request, link, levels_for(link, None, gi, None), requested, extra)


def _live_gi(candidates: list[Batch]):
    gis = {b.authorisation.geographical_indication_id: b.authorisation.geographical_indication for b in candidates}
    return next((g for g in gis.values() if g.live), None)


def _walk_up(link: DigitalLink, candidates: list[Batch] | None = None) -> list[Level]:
    """The levels above a qualifier that names nothing: its lot if that exists, and the GTIN."""
    if candidates is None:
        candidates = list(
            Batch.objects.select_related("authorisation__geographical_indication", "authorisation__certificate").filter(
                gtin=link.gtin
            )
        )
    batch = next((b for b in candidates if link.lot is not None and b.lot_number == link.lot), None)
    levels = [lot_level(link, batch)] if batch is not None else []
    gi = _live_gi(candidates)
    if gi is not None:
        levels.append(gi_level(link, gi))
    return [level for level in levels if level.links]


@never_cache
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def resolve_compressed(request, segment: str):
    """``/<base64>``: a compressed GS1 Digital Link, answered as its uncompressed form. A segment
    that is not one gets the site's ordinary answer (``/somepage`` still gains its slash)."""
    try:
        ais, others = dl_compression.decompress(segment)
        path, attributes = dl_compression.uncompressed_path(ais)
    except dl_compression.UnsupportedKey as refused:
        return _finish(unsupported_key(request, refused.key), None, None)
    except dl_compression.CompressionError:
        # Not ours: what the site answered before this route existed (CommonMiddleware's
        # APPEND_SLASH redirect to the page, else 404). The middleware skips paths that resolve.
        if settings.APPEND_SLASH and is_valid_path(request.path_info + "/", getattr(request, "urlconf", None)):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        raise Http404("not a compressed GS1 Digital Link") from None
    extra = {**attributes, **others}
    same_as = absolute_url(path) + (f"?{urlencode(extra)}" if extra else "")
    return resolve_digital_link(request, path.removeprefix("/01/"), same_as=same_as, extra=extra)


def unsupported_key(request, key: str) -> HttpResponse:
    return _refused(
        request,
        404,
        _("Not a GTIN link"),
        _("This resolver answers GS1 Digital Links for products (GTIN, AI 01) only, not for AI %(ai)s.") % {"ai": key},
    )


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def other_primary_key(request, key: str, rest: str = ""):
    """``/00/…``, ``/414/…`` and the other GS1 primary keys: refused clearly (only 01 is resolved)."""
    if request.method == "OPTIONS":
        return _finish(_options(), None, None)
    return _finish(unsupported_key(request, key), None, None)
