"""The benchmarks' bare view really is bare: no middleware ran, no query, a 200-byte body; and
the bare view with the trace page's one read makes that one read and nothing else."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import rawsql
from devtools import bare_read
from devtools.bare import BODY, bare_client
from devtools.bench import gunicorn


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


# -- the bare view with the trace page's one read --------------------------------------------


@pytest.fixture
def issued_code(db):
    from gi_registry.trace.factories import BatchFactory
    from gi_registry.trace.issuance import issue_codes

    return issue_codes(BatchFactory(), 1)[0]


def test_the_bare_read_view_makes_the_trace_pages_one_read_and_answers_the_bare_body(issued_code, monkeypatch):
    monkeypatch.setenv("BARE_READ_CODE", f"{issued_code.serial}:{issued_code.key_id}")
    client = bare_client("devtools.bare_read")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200 and response.content == BODY
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "gi_registry_tracecode" in sql and "gi_registry_batch" in sql
    assert issued_code.serial in sql and issued_code.key_id in sql
    # the same row the trace page reads (without the logging cursor: through the driver itself)
    row = rawsql.RawReader().fetchone(
        connection, bare_read.read_sql(rawsql.placeholder(connection)), [issued_code.serial, issued_code.key_id]
    )
    assert row is not None and row[0] == issued_code.pk
    # a code that is not there is a 404, never a timed miss
    monkeypatch.setenv("BARE_READ_CODE", f"{'0' * 16}:{issued_code.key_id}")
    assert client.get("/").status_code == 404


# serialized_rollback: a transactional test flushes the tables, the migrations' reference data with them
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bare_read_app_is_served_beside_the_project_on_its_database(request):
    """``gunicorn(bare_read=…)`` serves devtools/bare_read_wsgi.py with the site's database
    settings: it finds the code the test database holds (committed), and the bench reports it as a
    yardstick."""
    import http.client

    from devtools.bench import YARDSTICKS, bare_read_env

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database cannot be read by a second process (PostgreSQL runs it)")
    issued_code = request.getfixturevalue("issued_code")
    env = bare_read_env(issued_code.serial, issued_code.key_id)
    database = json.loads(env["BARE_READ_DATABASE"])
    assert database["NAME"] == connection.settings_dict["NAME"] and "TEST" not in database
    assert "bare_read" in YARDSTICKS
    with gunicorn(workers=1, threads=2, bare_app=False, bare_read=(issued_code.serial, issued_code.key_id)) as base:
        host, port = base.bare_read.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200 and response.read() == BODY
