"""The consumer's pages: the report form ``/report/?code=…``, the page after sending
``/report/sent/<token>`` and the follow page ``/report/f/<token>`` (``/en/…`` in English).

The trace page only links here (a GET form carrying the code), so reporting adds nothing to a
scan: no query, no session, no CSRF token in its cached frame. The form has its own page with a
normal CSRF token. Sending is limited per client address (``PROTECTION_REPORT_RATE_LIMIT`` per
``PROTECTION_REPORT_RATE_WINDOW``; every attempt counts): past it the answer is 429 with
Retry-After, the typed text is shown again, and nothing is written. The client address is used
for that count only (``core.ratelimit`` keeps a hash of it in the cache) and is never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from core import ratelimit
from core.origin import absolute_url
from gi_registry.trace import signing
from gi_registry.trace.fastpath import never_cache
from gi_registry.trace.views import verdict_title

from . import evidence, intake
from .forms import ReportForm
from .merging import resolve_follow_case
from .models import Case
from .uploads import MAX_PHOTOS


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _url(name: str, *args) -> str:
    return reverse(f"protection:{name}_en" if _english() else f"protection:{name}", args=args)


def _switch(name: str, *args, query: str = "") -> dict:
    english = _english()
    url = reverse(f"protection:{name}" if english else f"protection:{name}_en", args=args)
    return {
        "url": url + (f"?{query}" if query else ""),
        "code": "zh-hans" if english else "en",
        "name": "简体中文" if english else "English",
    }


def _noindex(response):
    response["X-Robots-Tag"] = "noindex"
    return response


def check_rate_limit(request) -> ratelimit.RateDecision:
    """Count this attempt against its client's window (every POST counts, refused ones too)."""
    return ratelimit.hit(
        request, "report", settings.PROTECTION_REPORT_RATE_LIMIT, settings.PROTECTION_REPORT_RATE_WINDOW
    )


@never_cache
@csrf_exempt  # checked by ``_report_form``, after a too-large request is refused unread
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request):
    """The report form about one code (``?code=`` from the trace page), or without a code.

    A request larger than three photos at their limit is refused before its body is read (the
    CSRF check would read it, so it comes after): nothing is spooled to disk."""
    if request.method == "POST" and _content_length(request) > max_request_bytes():
        decision = check_rate_limit(request)
        typed = request.GET.get("code", "")[:64]
        status = 413 if decision.allowed else 429
        return _render_form(request, ReportForm(initial={"code": typed}), typed, status, decision, too_large=True)
    return _report_form(request)


@csrf_protect
def _report_form(request):
    typed = request.GET.get("code", "")[:64]
    if request.method != "POST":
        return _render_form(request, ReportForm(initial={"code": typed}), typed, 200)
    decision = check_rate_limit(request)
    typed = request.POST.get("code", "")[:64]
    if not decision.allowed:  # the text comes back; no file is read or kept
        return _render_form(request, ReportForm(request.POST), typed, 429, decision)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        report = intake.submit_report(form.details(), form.cleaned_data.get("photos") or [])
        return HttpResponseRedirect(_url("sent", report.case.follow_token))
    return _render_form(request, form, typed, 400)


def _render_form(request, form, typed: str, status: int, decision=None, *, too_large: bool = False):
    retry_after = decision.retry_after if decision is not None and not decision.allowed else 0
    check = evidence.check_code(typed)
    context = {
        "form": form,
        "check": check,
        "retry_after": retry_after,
        "too_large": too_large,
        "max_photos": MAX_PHOTOS,
        "max_photo_mb": settings.PROTECTION_PHOTO_MAX_BYTES // (1024 * 1024),
        "trace_url": reverse("trace:page_en" if _english() else "trace:page", args=[check.normalised])
        if check.normalised
        else "",
        "lang_switch": _switch("report", query=f"code={check.normalised}" if check.normalised else ""),
        "verdict_title": verdict_title(check.resolution),
    }
    response = render(request, "protection/report_form.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return _noindex(response)


def max_request_bytes() -> int:
    """The largest report read: three photos at their limit and room for the text."""
    return MAX_PHOTOS * settings.PROTECTION_PHOTO_MAX_BYTES + 1024 * 1024


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def status_label(status: str) -> str:
    """A case's status in the consumer's words (the model's labels share msgids such as "Closed"
    with other records, whose Chinese does not fit a case)."""
    return {
        Case.Status.NEW: pgettext("protection case status", "Received"),
        Case.Status.ACCEPTED: pgettext("protection case status", "Accepted"),
        Case.Status.REJECTED: pgettext("protection case status", "Not accepted"),
        Case.Status.INVESTIGATING: pgettext("protection case status", "Investigating"),
        Case.Status.CLOSED: pgettext("protection case status", "Closed"),
    }.get(status, status)


def _case_or_404(token: str) -> Case:
    case = Case.from_follow_token(token)
    if case is None:
        raise Http404
    return case


@never_cache
@require_safe
def report_sent(request, token: str):
    """After sending: the case number and the private follow link."""
    case = _case_or_404(token)
    return _noindex(
        render(
            request,
            "protection/report_sent.html",
            {
                "case": case,
                "follow_url": absolute_url(_url("follow", token)),
                "follow_path": _url("follow", token),
                "lang_switch": _switch("sent", token),
            },
        )
    )


@never_cache
@require_safe
def follow(request, token: str):
    """The follow page: status, deadlines and public outcome of the case, nothing personal of
    anyone (no phone, no photos, no internal notes, no other report). A case merged into another
    shows the one it was merged into."""
    case = _case_or_404(token)
    shown = resolve_follow_case(case)
    steps = [
        (_("Received"), shown.received_at, True),
        (
            status_label(Case.Status.ACCEPTED if shown.status != Case.Status.REJECTED else Case.Status.REJECTED),
            shown.decided_at,
            bool(shown.decided_at),
        ),
        (status_label(Case.Status.CLOSED), shown.closed_at, bool(shown.closed_at)),
    ]
    return _noindex(
        render(
            request,
            "protection/follow.html",
            {
                "case": shown,
                "status": status_label(shown.status),
                "code_display": signing.display(shown.code_text) if shown.code_text else "",
                "own_number": case.number,
                "merged": shown.pk != case.pk,
                "steps": steps,
                "overdue": shown.is_overdue(),
                "report_count": shown.reports.count(),
                "lang_switch": _switch("follow", token),
            },
        )
    )
