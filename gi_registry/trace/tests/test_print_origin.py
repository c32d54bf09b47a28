"""A printed code is forever: outside development, no code is issued or printed with an http or
loopback origin (production once printed ``HTTP://127.0.0.1:8000/T/…``)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gi_registry.trace import labels
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import IssuanceError, issue_codes
from gi_registry.trace.models import TraceCode

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
BAD_ORIGINS = [
    ("", "http://127.0.0.1:8000"),  # the old fallback: WAGTAILADMIN_BASE_URL's loopback default
    ("http://gi.liangping.example", ""),
    ("https://127.0.0.1:8443", ""),
    ("https://localhost", ""),
]


@pytest.mark.parametrize(("trace_base_url", "site_origin"), BAD_ORIGINS)
def test_issuance_refuses_an_http_or_loopback_origin_and_writes_nothing(settings, trace_base_url, site_origin):
    settings.DEBUG = False
    settings.TRACE_BASE_URL = trace_base_url
    settings.SITE_ORIGIN = site_origin
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    batch = BatchFactory()
    with pytest.raises(IssuanceError, match="Set TRACE_BASE_URL"):
        issue_codes(batch, 3)
    assert TraceCode.objects.filter(batch=batch).count() == 0
    with pytest.raises(labels.PrintOriginError):
        labels.code_url("ABCDEFGHIJKLMNOPQRST")


def test_the_site_origin_is_printed_when_trace_base_url_is_empty(settings):
    settings.TRACE_BASE_URL = ""
    settings.SITE_ORIGIN = "https://gi.liangping.example"
    assert labels.code_url("ABC") == "HTTPS://GI.LIANGPING.EXAMPLE/T/ABC"


def test_development_may_print_a_loopback_origin(settings):
    settings.DEBUG = True
    settings.TRACE_BASE_URL = ""
    settings.SITE_ORIGIN = "http://127.0.0.1:8000"
    assert issue_codes(BatchFactory(), 1)
    assert labels.code_url("ABC") == "HTTP://127.0.0.1:8000/T/ABC"


def test_the_admin_shows_the_refusal_instead_of_issuing(client, officer, settings):
    settings.TRACE_BASE_URL = "http://127.0.0.1:8000"
    batch = BatchFactory()
    client.force_login(officer)
    response = client.post(reverse("trace_admin:issue", args=[batch.pk]), {"count": "5"})
    assert response.status_code == 302
    assert batch.codes.count() == 0
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "http://127.0.0.1:8000" in message and "https" in message
