"""The trace endpoints' rate limit (``rate_limits``): 429 with Retry-After past the limit, nothing
logged for a refused client, forged codes counted against it too."""

import pytest
from django.test import override_settings

from gi_registry.trace.models import Scan
from gi_registry.trace.scans import flush_scans

from .conftest import scan

pytestmark = pytest.mark.django_db


@override_settings(TRACE_RATE_LIMIT=5, TRACE_RATE_WINDOW=60)
def test_rate_limit_answers_429_and_the_client_cannot_fill_the_log(client, code):
    for _ in range(5):
        assert scan(client, code).status_code == 200
    for path in ("/t/", "/api/v1/trace/"):
        response = scan(client, code, path=path)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
    flush_scans()
    assert Scan.objects.count() == 5
    # another client is not affected
    assert scan(client, code, ip="198.51.100.7").status_code == 200


@override_settings(TRACE_RATE_LIMIT=3, TRACE_RATE_WINDOW=60)
def test_forged_codes_count_against_the_limit_too(client, code):
    for _ in range(3):
        assert client.get("/t/AAAAAAAAAAAAAAAAAAAA", REMOTE_ADDR="192.0.2.50").status_code == 404
    assert client.get("/api/v1/trace/AAAAAAAAAAAAAAAAAAAA", REMOTE_ADDR="192.0.2.50").status_code == 429
