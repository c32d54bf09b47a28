"""The headers every EPCIS 2.0 REST response carries (GS1 EPCIS 2.0 §12: the versions the server
speaks), on capture responses the most events one capture takes, and the language of the answer
(``in_callers_language``)."""

from __future__ import annotations

from functools import wraps

from django.utils import translation
from django.utils.cache import patch_vary_headers

EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"


def epcis_headers(response):
    response["GS1-EPCIS-Version"] = EPCIS_VERSION
    response["GS1-CBV-Version"] = CBV_VERSION
    return response


def capture_headers(response):
    """``epcis_headers`` plus ``GS1-EPCIS-Capture-Limit`` (setting ``EPCIS_CAPTURE_LIMIT``)."""
    from .capture import capture_limit

    response["GS1-EPCIS-Capture-Limit"] = str(capture_limit())
    return epcis_headers(response)


def in_callers_language(view):
    """Answer (problem details included) in the language the caller asks for: outside the
    language prefixes the site's LocaleMiddleware always picks the default (Chinese), so a machine
    asks for English with ``Accept-Language``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper
