"""EPCIS 2.0 REST binding, capture side: ``POST /epcis/capture``, ``GET /epcis/capture[/{id}]``,
``POST /epcis/events``.

Machines only: a bearer API token with the capture scope (``interfaces.tokens``), no session and
so no CSRF token; every answer is JSON, errors RFC 7807 problem JSON with the EPCIS exception
types, and every response carries the GS1 version headers (``headers``).
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .. import problems
from ..models import ApiToken, CaptureJob
from ..tokens import TokenRefused, authenticate
from . import capture, validation
from .headers import capture_headers, in_callers_language

MEDIA_TYPES = ("application/json", "application/ld+json")
BEHAVIOUR_HEADER = "GS1-Capture-Error-Behaviour"


class Refusal(Exception):
    """A request refused before anything is stored; ``response`` is its problem JSON."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def max_bytes() -> int:
    """The largest request body read (``EPCIS_CAPTURE_MAX_BYTES``, 64 MB by default): a
    10,000-event document is about 10 MB."""
    return int(getattr(settings, "EPCIS_CAPTURE_MAX_BYTES", 64 * 1024 * 1024))


def _json(body, status=200, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}, safe=False)
    for name, value in headers.items():
        response[name] = value
    return response


def _method_not_allowed(allowed: list[str]):
    response = problems.problem(
        405, problems.VALIDATION, "Method Not Allowed", _("Use %(methods)s.") % {"methods": ", ".join(allowed)}
    )
    response["Allow"] = ", ".join(allowed)
    return response


def _options(allowed: list[str]) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(allowed)
    return response


def _token(request) -> ApiToken:
    token = authenticate(request, ApiToken.Scope.CAPTURE)
    if token is None:
        raise TokenRefused(401, _("Capture needs an API token: “Authorization: Bearer <token>”."))
    return token


def _read_json(request):
    """The request's JSON body: 415 for another media type, 413 when too large, 400 when not JSON."""
    if request.content_type not in MEDIA_TYPES:
        raise Refusal(
            problems.problem(
                415,
                problems.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type",
                _("Send the document as application/json or application/ld+json."),
            )
        )
    limit = max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise Refusal(_too_large(_("The request is larger than %(bytes)s bytes.") % {"bytes": limit}))
    body = request.read(limit + 1)
    if len(body) > limit:
        raise Refusal(_too_large(_("The request is larger than %(bytes)s bytes.") % {"bytes": limit}))
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refusal(
            problems.problem(
                400,
                problems.VALIDATION,
                "Invalid JSON",
                _("The body is not JSON: %(error)s") % {"error": error},
            )
        ) from error


def _too_large(detail: str):
    return problems.problem(
        413, problems.CAPTURE_LIMIT_EXCEEDED, "Capture limit exceeded", detail, captureLimit=capture.capture_limit()
    )


def _invalid(found: list[validation.Problem]):
    return problems.problem(
        400,
        problems.VALIDATION,
        "Invalid document",
        "; ".join(str(p) for p in found[:20]),
        errors=[p.as_dict() for p in found],
    )


def _behaviour(request) -> str:
    value = request.headers.get(BEHAVIOUR_HEADER, capture.ROLLBACK).strip().lower()
    if value not in CaptureJob.Behaviour.values:
        raise Refusal(
            problems.problem(
                400,
                problems.VALIDATION,
                "Invalid header",
                _("%(header)s is “rollback” or “proceed”.") % {"header": BEHAVIOUR_HEADER},
            )
        )
    return value


def job_json(job: CaptureJob) -> dict:
    """A capture job as the REST binding's CaptureJob (``running``, ``success``, ``errors``),
    with our ``status`` (running, success, failed) and counts."""
    return {
        "captureID": str(job.pk),
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "running": job.status == CaptureJob.Status.RUNNING,
        "success": job.status != CaptureJob.Status.FAILED,
        "status": job.status,
        "captureErrorBehaviour": job.behaviour,
        "eventCount": job.event_count,
        "capturedCount": job.captured_count,
        "errors": job.errors,
    }


def _same_holder(job: CaptureJob, token: ApiToken) -> bool:
    if job.token is None:
        return False
    if token.producer_id:
        return job.token.producer_id == token.producer_id
    return job.token.organisation_id == token.organisation_id


def _jobs_of(token: ApiToken):
    if token.producer_id:
        return CaptureJob.objects.filter(token__producer_id=token.producer_id)
    return CaptureJob.objects.filter(token__organisation_id=token.organisation_id)


def _answer(view):
    """Token refusals and early refusals as problem JSON; the EPCIS headers on every answer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except TokenRefused as refused:
            response = refused.response()
        except Refusal as refusal:
            response = refusal.response
        return capture_headers(response)

    return csrf_exempt(in_callers_language(wrapped))


@_answer
def capture_collection(request):
    """``POST /epcis/capture``: queue an EPCISDocument (202 + Location); ``GET``: own jobs."""
    allowed = ["GET", "POST", "OPTIONS"]
    if request.method == "OPTIONS":
        return _options(allowed)
    if request.method in ("GET", "HEAD"):
        token = _token(request)
        jobs = _jobs_of(token).order_by("-created_at")[:100]
        return _json([job_json(job) for job in jobs])
    if request.method != "POST":
        return _method_not_allowed(allowed)
    token = _token(request)
    behaviour = _behaviour(request)
    document = _read_json(request)
    found = validation.validate_envelope(document)
    if found:
        return _invalid(found)
    count = len(validation.document_events(document))
    limit = capture.capture_limit()
    if count > limit:
        return _too_large(
            _("The document has %(count)s events; one capture takes at most %(limit)s.")
            % {"count": count, "limit": limit}
        )
    if count == 0:
        return _invalid([validation.Problem(None, "$.epcisBody.eventList", _("The eventList is empty."))])
    job = capture.start_job(document, token, behaviour)
    job.refresh_from_db()
    location = reverse("interfaces:epcis-capture-job", args=[job.pk])
    return _json(job_json(job), status=202, Location=location)


@_answer
def capture_job(request, capture_id):
    """``GET /epcis/capture/{id}``: the job's state; another holder's job is 404."""
    allowed = ["GET", "OPTIONS"]
    if request.method == "OPTIONS":
        return _options(allowed)
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed(allowed)
    token = _token(request)
    job = CaptureJob.objects.select_related("token").filter(pk=capture_id).first()
    if job is None or not _same_holder(job, token):
        return problems.problem(
            404, problems.NO_SUCH_RESOURCE, "Not Found", _("There is no capture job %(id)s.") % {"id": capture_id}
        )
    return _json(job_json(job))


@_answer
def capture_event(request):
    """``POST /epcis/events``: one event, stored at once: 201 with Location and its eventID;
    409 if the same event (by its GS1 event hash) is already stored."""
    token = _token(request)
    event = _read_json(request)
    if not isinstance(event, dict):
        return _invalid([validation.Problem(None, "$", _("An event is a JSON object."))])
    result = capture.capture_events([event], event.get("@context"), token, in_document=False)
    if result.errors:
        error = result.errors[0]
        status = {problems.SECURITY: 403, problems.RESOURCE_ALREADY_EXISTS: 409}.get(error["type"], 400)
        return problems.problem(status, error["type"], error["title"], error["detail"])
    if result.duplicates:
        existing = result.duplicates[0][1]
        response = problems.problem(
            409,
            problems.RESOURCE_ALREADY_EXISTS,
            "Conflict",
            _("This event is already captured as %(id)s.") % {"id": existing.event_id},
            eventID=existing.event_id,
        )
        response["Location"] = _event_location(existing.event_id)
        return response
    stored = result.stored[0]
    return _json(
        {"eventID": stored.event_id, "eventHash": stored.event_hash},
        status=201,
        Location=_event_location(stored.event_id),
    )


def _event_location(event_id: str) -> str:
    from urllib.parse import quote

    return "/epcis/events/" + quote(event_id, safe="")
