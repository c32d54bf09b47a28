"""The headers every EPCIS 2.0 REST response carries (GS1 EPCIS 2.0 §12: the versions the server
speaks), and on capture responses the most events one capture takes."""

from __future__ import annotations

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
