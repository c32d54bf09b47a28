"""No input to the trace endpoints answers a 500 (property-based, with hypothesis)."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
# (tab, CR and LF are stripped from URLs by urllib, as by every HTTP client)
URL_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="?#\t\r\n")
HSETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def no_rate_limit():
    cache.clear()
    with override_settings(TRACE_RATE_LIMIT=0):
        yield


@HSETTINGS
@given(text=st.text(URL_CHARS, min_size=1, max_size=120))
def test_trace_page_and_api_never_fail(client, text):
    for prefix in ("/t/", "/T/", "/api/v1/trace/", "/en/t/"):
        response = client.get(prefix + text, HTTP_USER_AGENT="Mozilla/5.0")
        assert response.status_code in (404, 301, 302), (prefix, text, response.status_code)


@HSETTINGS
@given(
    segments=st.lists(
        st.one_of(st.sampled_from(["01", "10", "21", "22", "06901234567892"]), st.text(URL_CHARS, max_size=25)),
        max_size=7,
    ),
    linkset=st.booleans(),
)
def test_digital_link_never_fails(client, segments, linkset):
    headers = {"HTTP_ACCEPT": "application/linkset+json"} if linkset else {}
    response = client.get("/01/" + "/".join(segments), HTTP_USER_AGENT="Mozilla/5.0", **headers)
    assert response.status_code in (200, 301, 302, 400, 404), (segments, response.status_code)


@HSETTINGS
@given(text=st.text(URL_CHARS, max_size=80))
def test_lookup_form_never_fails(client, text):
    response = client.get("/t/", {"code": text}, HTTP_USER_AGENT="Mozilla/5.0")
    assert response.status_code in (200, 302, 404)
