"""The consumer's trace page ``/t/<code>`` and its JSON ``/api/v1/trace/<code>``.

Thin views: ``resolve`` decides, ``scans`` logs and limits. Every answer is uncached (the scan
count changes with each scan), works without JavaScript and stays small for a weak rural link.
What is the same for every code of a batch is rendered once and cached: the batch's details and
the page frame around them (``page_frame``); a scan fills in its code and counts. The hand-made
replacements of Django facilities this path uses for speed are in ``fastpath``.
"""

from __future__ import annotations

import html
import time

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.origin import absolute_url

from . import resolve as resolver
from . import scans, signing
from .fastpath import SLOT, code_url, fill_frame, never_cache, scan_counts, split_frame

HOTLINE = "12315"


def language_switch(request, code: str | None) -> dict:
    """The one language link of the trace page: ``/t/<code>`` ⇄ ``/en/t/<code>``."""
    english = (get_language() or "").startswith("en")
    url = "/" if english else "/en/"
    if code:
        url = code_url("trace:page" if english else "trace:page_en", code)
    return {"url": url, "code": "zh-hans" if english else "en", "name": "简体中文" if english else "English"}


def too_many_requests(request, decision: scans.RateDecision, *, as_json: bool) -> HttpResponse:
    if as_json:
        response = JsonResponse({"error": "rate_limited", "retry_after": decision.retry_after}, status=429)
    else:
        response = render(
            request,
            "gi_registry/trace/rate_limited.html",
            {"retry_after": decision.retry_after, "lang_switch": None},
            status=429,
        )
    response["Retry-After"] = str(decision.retry_after)
    return response


def batch_details(request, batch, host: str | None = None) -> dict:
    """The rendered product/producer/inspection/timeline part of the page and the names its share
    metadata needs, cached per batch version and language (the same for every code of a batch)."""
    key = resolver.details_cache_key("page", batch, request, host=host)
    details = cache.get(key)
    if details is None:
        full, events = resolver.full_batch(batch.pk)
        html = render_to_string("gi_registry/trace/_batch_details.html", {"batch": full, "events": events}, request)
        details = {
            "html": str(html),
            "product": full.display_name,
            "producer": full.producer.name,
            "gi": full.authorisation.geographical_indication.name,
        }
        cache.set(key, details, resolver.DETAILS_CACHE_SECONDS)
    return {**details, "html": mark_safe(details["html"])}  # noqa: S308 — our own rendered template


#: This process's frames, split at their slots: {key: (expires, parts)}. The key changes with the
#: batch; a frame expires with its cached copy (``DETAILS_CACHE_SECONDS`` after its rendering).
_FRAMES: dict[str, tuple[float, list[str]]] = {}
_FRAMES_MAX = 512


def page_frame(request, resolution: resolver.Resolution, host: str | None = None) -> list[str]:
    """The trace page of a batch (or of an unknown code) for one verdict and language, split at
    the ``SLOT``s where the code, the address, the language link and the scan counts go:
    ``[text, slot name, text, slot name, …, text]``.

    Rendered once and cached like the batch's details (the key carries the batch's
    ``updated_at``), so a scan fills in a few strings instead of rendering the templates; each
    process keeps the frames it uses in memory as well (no cache round trip, no unpickling)."""
    batch = resolution.batch
    if host is None:
        host = request.get_host()
    if batch is not None:
        key = resolver.details_cache_key(f"frame-{resolution.verdict}", batch, request, host=host)
    else:
        key = f"trace:frame-{resolution.verdict}:{get_language()}:{host}"
    now = time.time()
    memo = _FRAMES.get(key)
    if memo is not None and memo[0] > now:
        return memo[1]
    cached = cache.get(key)
    if cached is None:
        context = {
            "r": resolution,
            "verdict": resolution.verdict,
            "verdict_title": verdict_title(resolution),
            "code": resolution.code,
            "batch": batch,
            "printed": SLOT.format("printed") if resolution.printed else "",
            "typed": SLOT.format("typed"),
            "details": batch_details(request, batch, host) if batch is not None else None,
            "hotline": HOTLINE,
            "lang_switch": {**language_switch(request, resolution.printed), "url": SLOT.format("lang_url")},
            "page_url": SLOT.format("page_url"),
            "scan_summary": SLOT.format("scan_summary"),
            "scan_line": SLOT.format("scan_line"),
        }
        cached = (now, render_to_string("gi_registry/trace/trace_page.html", context, request))
        cache.set(key, cached, resolver.DETAILS_CACHE_SECONDS)
    rendered_at, frame = cached
    parts = split_frame(frame)
    if len(_FRAMES) >= _FRAMES_MAX:
        _FRAMES.clear()
    _FRAMES[key] = (rendered_at + resolver.DETAILS_CACHE_SECONDS, parts)
    return parts


def render_resolution(request, resolution: resolver.Resolution, *, typed: str = "") -> HttpResponse:
    host = request.get_host()
    # html.escape is what django.utils.html.escape does, without its lazy-string wrapper: these are str
    values = {
        "printed": html.escape(signing.display(resolution.printed)) if resolution.printed else "",
        "typed": html.escape(typed[:40]),
        "lang_url": html.escape(language_switch(request, resolution.printed)["url"]),
        "page_url": html.escape(absolute_url(request.path)),
        **scan_counts(resolution.stats, suspicious=resolution.verdict == resolver.SUSPICIOUS),  # HTML already
    }
    parts = page_frame(request, resolution, host)
    page = fill_frame(parts, values)
    response = HttpResponse(page, status=resolution.http_status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_safe
def trace_page(request, code: str):
    decision = scans.check_rate_limit(request)
    if not decision.allowed:
        return too_many_requests(request, decision, as_json=False)
    resolution = resolver.resolve(code, request)
    return render_resolution(request, resolution, typed=code)


@never_cache
@require_safe
def trace_lookup(request):
    """``/t/?code=…``: the no-JavaScript form for typing the code printed under the QR symbol."""
    typed = request.GET.get("code", "")[:64]
    code = signing.normalise(typed)
    if code:
        return HttpResponseRedirect(reverse("trace:page", args=[code]))
    if typed:
        decision = scans.check_rate_limit(request)
        if not decision.allowed:
            return too_many_requests(request, decision, as_json=False)
        return render_resolution(request, resolver.Resolution(resolver.UNKNOWN), typed=typed)
    return render(request, "gi_registry/trace/lookup.html", {"lang_switch": language_switch(request, None)})


@never_cache
@require_safe
def trace_api(request, code: str):
    decision = scans.check_rate_limit(request)
    if not decision.allowed:
        return too_many_requests(request, decision, as_json=True)
    resolution = resolver.resolve(code, request)
    response = JsonResponse(
        resolver.payload(resolution, request),
        status=resolution.http_status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def verdict_title(resolution: resolver.Resolution) -> str:
    verdict = resolution.verdict
    if verdict == resolver.WITHDRAWN and resolution.batch is not None and resolution.batch.status == "recalled":
        return pgettext("trace verdict", "Recalled")
    return {
        resolver.GENUINE: _("Genuine"),
        resolver.SUSPICIOUS: _("Suspicious"),
        # "Withdrawn" alone is a standard's status (废止); a batch is withdrawn or recalled (撤回).
        resolver.WITHDRAWN: pgettext("trace verdict", "Withdrawn"),
        resolver.UNKNOWN: _("Not a registered code"),
    }[verdict]


@require_safe
def certificate_page(request, token: str):
    """A compliance certificate's public page (the QR symbol on the certificate opens it), with
    the certificate that replaced it, if any. The token is matched without regard to case."""
    from django.http import Http404

    from .certificates import certificate_url
    from .models import ComplianceCertificate

    token = token.lower()
    if len(token) != 32:
        raise Http404
    try:
        cert = ComplianceCertificate.objects.select_related(
            "batch__producer", "batch__authorisation__geographical_indication", "superseded_by"
        ).get(token=token)
    except ComplianceCertificate.DoesNotExist:
        raise Http404 from None
    english = (get_language() or "").startswith("en")
    switch = {
        "url": reverse("trace:certificate" if english else "trace:certificate_en", args=[cert.token]),
        "code": "zh-hans" if english else "en",
        "name": "简体中文" if english else "English",
    }
    response = render(
        request,
        "gi_registry/trace/certificate_page.html",
        {
            "cert": cert,
            "batch": cert.batch,
            "lang_switch": switch,
            "page_url": absolute_url(request.path),
            "qr_url": certificate_url(cert),
            "replacement_url": reverse(
                "trace:certificate_en" if english else "trace:certificate", args=[cert.superseded_by.token]
            )
            if cert.superseded_by_id
            else "",
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
