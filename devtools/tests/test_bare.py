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


def test_the_bare_wsgi_app_is_served_beside_the_project_by_the_same_gunicorn(settings):
    """``devtools.bench.gunicorn`` serves devtools/bare_wsgi.py on a second port: every path answers
    the 200-byte body with none of the project's headers, while the project answers /healthz."""
    import http.client

    from devtools.bench import gunicorn

    with gunicorn(workers=1, threads=2) as base:
        assert base.bare_app and base.bare_app != base
        host, port = base.bare_app.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/t/ANYTHING")
        response = conn.getresponse()
        assert response.status == 200 and response.read() == BODY
        assert response.getheader("X-Content-Type-Options") is None
        assert response.getheader("Content-Security-Policy") is None
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/healthz")
        project = conn.getresponse()
        assert project.status == 200 and project.getheader("X-Content-Type-Options") == "nosniff"
