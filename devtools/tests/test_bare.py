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
