"""The benchmarks' bare view really is bare: no middleware ran, no query, a 200-byte body."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.bare import BODY, bare_client


def test_the_bare_view_runs_no_middleware_and_no_query(db):
    client = bare_client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/any/path/at/all")
    assert response.status_code == 200
    assert response.content == BODY and len(BODY) == 200
    assert len(queries) == 0
    # SecurityMiddleware and the project's header middleware would have added these
    assert "X-Content-Type-Options" not in response.headers
    assert "Content-Security-Policy" not in response.headers
    # the project's own client, for contrast, pays the stack
    assert "X-Content-Type-Options" in client.__class__().get("/healthz").headers


def test_the_bare_app_served_by_gunicorn_is_the_bare_view_alone():
    """What bench_site (and any HTTP benchmark) compares with: a separate WSGI app, served by the
    same gunicorn as the site, with no middleware (none of the site's headers) and no database."""
    import http.client
    from urllib.parse import urlsplit

    from devtools.bench import BARE_APP, gunicorn

    with gunicorn(workers=1, threads=1, app=BARE_APP) as base:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", "/t/anything")
        response = conn.getresponse()
        body = response.read()
    assert response.status == 200
    assert body == BODY
    assert response.getheader("X-Content-Type-Options") is None
    assert response.getheader("Content-Security-Policy") is None
