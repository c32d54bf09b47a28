"""The consumer's trace page ``/t/<code>`` and its JSON ``/api/v1/trace/<code>``.

Thin views: ``resolve`` decides, ``scans`` logs and limits. Every answer is uncached (the scan
count changes with each scan), works without JavaScript and stays small for a weak rural link.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import resolve as resolver
from . import scans, signing

HOTLINE = "12315"


def language_switch(request, code: str | None) -> dict:
    """The one language link of the trace page: ``/t/<code>`` ⇄ ``/en/t/<code>``."""
    english = (get_language() or "").startswith("en")
    if code:
        url = reverse("trace:page", args=[code]) if english else reverse("trace:page_en", args=[code])
    else:
        url = "/" if english else "/en/"
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


def batch_details(request, batch) -> dict:
    """The rendered product/producer/inspection/timeline part of the page and the names its share
    metadata needs, cached per batch version and language (the same for every code of a batch)."""
    key = resolver.details_cache_key("page", batch, request)
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


def render_resolution(request, resolution: resolver.Resolution, *, typed: str = "") -> HttpResponse:
    context = {
        "r": resolution,
        "verdict": resolution.verdict,
        "verdict_title": verdict_title(resolution),
        "code": resolution.code,
        "batch": resolution.batch,
        "printed": signing.display(resolution.printed) if resolution.printed else "",
        "typed": typed[:40],
        "stats": resolution.stats,
        "details": batch_details(request, resolution.batch) if resolution.batch is not None else None,
        "hotline": HOTLINE,
        "lang_switch": language_switch(request, resolution.printed),
        "page_url": request.build_absolute_uri(request.path),
    }
    response = render(request, "gi_registry/trace/trace_page.html", context, status=resolution.http_status)
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
