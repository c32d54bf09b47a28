"""``GET /epcis/events`` and ``GET /epcis/events/{eventID}`` of the EPCIS 2.0 REST binding, and
``OPTIONS`` on both. Thin: ``query`` reads the parameters and finds the events, ``serialise``
writes them; every answer carries ``GS1-EPCIS-Version`` and ``GS1-CBV-Version``.

``/epcis/events`` is also where a single event is captured (``POST``): that method is handed to
the capture interface's ``capture_event``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .. import problems
from ..models import ApiToken
from ..tokens import TokenRefused, authenticate, check_public_rate_limit
from . import query as event_query
from . import serialise
from .capture_views import capture_event
from .headers import CBV_VERSION, EPCIS_VERSION, epcis_headers, in_callers_language


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _discovery(allow: str) -> HttpResponse:
    """``OPTIONS``: what the resource allows and which EPCIS and CBV versions it speaks."""
    response = HttpResponse(status=204)
    response["Allow"] = allow
    response["GS1-EPCIS-Min"] = response["GS1-EPCIS-Max"] = EPCIS_VERSION
    response["GS1-CBV-Min"] = response["GS1-CBV-Max"] = CBV_VERSION
    response["GS1-EPC-Format"] = "No_Preference"
    response["GS1-Extensions"] = f"lp={serialise.lp_namespace()}"
    return epcis_headers(response)


def _not_allowed(allow: str) -> HttpResponse:
    response = problems.problem(
        405, problems.IMPLEMENTATION, "Method Not Allowed", _("This resource answers %(allow)s.") % {"allow": allow}
    )
    response["Allow"] = allow
    return epcis_headers(response)


def _caller(request):
    """The calling token with the query scope, or None (anonymous, counted against its address's
    ``EPCIS_PUBLIC_RATE_LIMIT``); raises ``TokenRefused`` (401, 403, 429)."""
    token = authenticate(request, ApiToken.Scope.QUERY)
    if token is None:
        check_public_rate_limit(request)
    return token


@csrf_exempt
@in_callers_language
def events(request):
    """``/epcis/events``: query (GET), capture one event (POST, the capture interface), discovery."""
    allow = "GET, HEAD, POST, OPTIONS"
    if request.method == "OPTIONS":
        return _discovery(allow)
    if request.method == "POST":
        return capture_event(request)
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(allow)
    try:
        token = _caller(request)
        query = event_query.parse(request.GET)
    except TokenRefused as refused:
        return epcis_headers(refused.response())
    except event_query.QueryParameterError as error:
        return epcis_headers(problems.problem(400, problems.QUERY_PARAMETER, "Bad Request", error.detail))
    page = event_query.run(query, token)
    response = _json(serialise.query_document(page.events))
    if page.next_token:
        params = request.GET.copy()
        params["nextPageToken"] = page.next_token
        url = request.build_absolute_uri(request.path) + "?" + urlencode(sorted(params.lists()), doseq=True)
        response["Link"] = f'<{url}>; rel="next"'
    response["Vary"] = "Authorization"
    # Never from a shared cache (the site's page cache keys on the URL, not on Authorization, and
    # a captured event must show at once).
    response["Cache-Control"] = "private, no-cache"
    return epcis_headers(response)


@csrf_exempt
@in_callers_language
def event(request, event_id: str):
    """``/epcis/events/{eventID}`` (the ID URL-encoded): that one event, or 404."""
    allow = "GET, HEAD, OPTIONS"
    if request.method == "OPTIONS":
        return _discovery(allow)
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(allow)
    try:
        token = _caller(request)
    except TokenRefused as refused:
        return epcis_headers(refused.response())
    found = event_query.find_event(event_id, token)
    if found is None:
        return epcis_headers(
            problems.problem(
                404,
                problems.NO_SUCH_RESOURCE,
                "Not Found",
                _("There is no event “%(id)s” you may see.") % {"id": event_id[:200]},
            )
        )
    response = _json(serialise.query_document([found]))
    response["Vary"] = "Authorization"
    # Never from a shared cache (the site's page cache keys on the URL, not on Authorization, and
    # a captured event must show at once).
    response["Cache-Control"] = "private, no-cache"
    return epcis_headers(response)
