"""Errors of the machine interfaces as RFC 7807 problem JSON (``application/problem+json``), with
the EPCIS 2.0 REST binding's exception types (``epcisException:ValidationException`` …)."""

from __future__ import annotations

from django.http import JsonResponse

PROBLEM_TYPE = "application/problem+json"

# The exception types of the EPCIS 2.0 REST binding (gs1/EPCIS "REST Bindings/openapi.yaml").
VALIDATION = "epcisException:ValidationException"
CAPTURE_LIMIT_EXCEEDED = "epcisException:CaptureLimitExceededException"
NO_SUCH_RESOURCE = "epcisException:NoSuchResourceException"
RESOURCE_ALREADY_EXISTS = "epcisException:ResourceAlreadyExistsException"
SECURITY = "epcisException:SecurityException"
QUERY_PARAMETER = "epcisException:QueryParameterException"
QUERY_TOO_LARGE = "epcisException:QueryTooLargeException"
UNSUPPORTED_MEDIA_TYPE = "epcisException:UnsupportedMediaTypeException"
NOT_ACCEPTABLE = "epcisException:NotAcceptableException"
IMPLEMENTATION = "epcisException:ImplementationException"


def problem(status: int, type_: str, title: str, detail: str = "", **extra) -> JsonResponse:
    """A problem response: ``type``, ``title``, ``status``, ``detail`` and any extra members."""
    body = {"type": type_, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False})
