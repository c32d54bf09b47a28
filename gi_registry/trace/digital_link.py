"""GS1 Digital Link: ``/01/<gtin>[/10/<lot>][/21/<serial>]`` resolves to our pages.

GS1 Digital Link URI syntax 1.x: the primary key GTIN (AI 01, written as 14 digits; 8, 12 and
13-digit GTINs are accepted and padded) then the key qualifiers in their fixed order, lot (AI 10)
before serial (AI 21), each up to 20 characters. On this site the serial is the printed trace
code. A serial resolves to the trace page, a lot without a serial to the batch, a GTIN alone to
the product (the GI page).

``Accept: application/linkset+json`` (or ``?linkType=all``) answers with the RFC 9264 linkset
of the identified item: ``gs1:pip`` (product information page), ``gs1:traceability``,
``gs1:certificationInfo`` and ``gs1:verificationService`` links.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.origin import absolute_url

from . import gtin as gs1
from . import resolve as resolver
from . import scans, signing
from .models import Batch
from .views import language_switch, never_cache, render_resolution, too_many_requests

GS1_VOC = "https://gs1.org/voc/"
LINKSET_TYPE = "application/linkset+json"
QUALIFIER_ORDER = ("10", "21")


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


def wants_linkset(request) -> bool:
    return LINKSET_TYPE in request.META.get("HTTP_ACCEPT", "") or request.GET.get("linkType") == "all"


def _link(request, url: str, title: str, media_type: str = "text/html", lang: str | None = "zh") -> dict:
    link = {"href": absolute_url(url), "title": title, "type": media_type}
    if lang:
        link["hreflang"] = [lang]
    return link


def linkset(request, anchor: str, batch: Batch | None, gi, code_text: str | None) -> JsonResponse:
    """RFC 9264 linkset (JSON) for the identified item, GS1 link types as full URIs."""
    links: dict[str, list] = {}
    if gi is not None and gi.live:
        links[GS1_VOC + "pip"] = [_link(request, gi.get_absolute_url(), gi.name)]
    if code_text:
        page = reverse("trace:page", args=[code_text])
        api = reverse("trace:api", args=[code_text])
        links[GS1_VOC + "traceability"] = [
            _link(request, page, "溯源信息"),
            _link(request, api, "trace data", "application/json", None),
        ]
        links[GS1_VOC + "verificationService"] = [_link(request, api, "verify", "application/json", None)]
        links[GS1_VOC + "defaultLink"] = [_link(request, page, "溯源信息")]
    elif batch is not None:
        links[GS1_VOC + "traceability"] = [_link(request, request.path, batch.lot_number)]
    certification = []
    if batch is not None and batch.authorisation.certificate_id:
        certification.append(
            _link(request, batch.authorisation.certificate.url, batch.authorisation.number, "application/pdf", None)
        )
    if gi is not None and gi.live:
        certification.append(_link(request, gi.get_absolute_url(), f"{gi.name} {gi.registration_number}"))
    if certification:
        links[GS1_VOC + "certificationInfo"] = certification
    if gi is not None and gi.live and GS1_VOC + "defaultLink" not in links:
        links[GS1_VOC + "defaultLink"] = [_link(request, gi.get_absolute_url(), gi.name)]
    body = {"linkset": [{"anchor": absolute_url(anchor), **links}]}
    response = JsonResponse(body, content_type=LINKSET_TYPE, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Accept"
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


@never_cache
@require_safe
def resolve_digital_link(request, rest: str):
    decision = scans.check_rate_limit(request)
    if not decision.allowed:
        return too_many_requests(request, decision, as_json=wants_linkset(request))
    try:
        link = parse(rest)
    except MalformedLink:
        if wants_linkset(request):
            return JsonResponse({"error": "malformed GS1 Digital Link"}, status=400)
        return _bad_request(request, "GS1 Digital Link")
    if link.serial is not None:
        code, printed = resolver.find_code(link.serial)
        batch = code.batch if code else None
        matches = batch is not None and batch.gtin == link.gtin and (link.lot is None or batch.lot_number == link.lot)
        if wants_linkset(request):
            if not matches:
                return JsonResponse({"error": "unknown item"}, status=404)
            full, _events = resolver.full_batch(batch.pk)
            return linkset(request, link.path, full, full.geographical_indication, printed)
        if not matches:
            return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.serial)
        return render_resolution(request, resolver.resolve_code(code, printed, request), typed=link.serial)

    batches = Batch.objects.select_related(
        "authorisation__geographical_indication", "authorisation__certificate", "producer__township", "standard"
    )
    candidates = list(batches.filter(gtin=link.gtin))

    if link.lot is not None:
        batch = next((b for b in candidates if b.lot_number == link.lot), None)
        if batch is None:
            if wants_linkset(request):
                return JsonResponse({"error": "unknown lot"}, status=404)
            return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.lot)
        if wants_linkset(request):
            return linkset(request, link.path, batch, batch.geographical_indication, None)
        return render(
            request,
            "gi_registry/trace/batch_page.html",
            {
                "batch": batch,
                "events": list(batch.events.all()),
                "lang_switch": None,
                "page_url": absolute_url(request.path),
            },
            status=200 if batch.status == Batch.Status.ACTIVE else 410,
        )

    gis = {b.authorisation.geographical_indication_id: b.authorisation.geographical_indication for b in candidates}
    gi = next((g for g in gis.values() if g.live), None)
    if gi is None:
        if wants_linkset(request):
            return JsonResponse({"error": "unknown GTIN"}, status=404)
        return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=link.gtin)
    if wants_linkset(request):
        return linkset(request, link.path, None, gi, None)
    return HttpResponseRedirect(gi.get_absolute_url())
