"""The bare view with the trace page's one read: the view of ``devtools.bare`` that first reads a
code's row with its batch's status, the same indexed join the trace page makes (through the
driver, as ``core.rawsql`` makes it there: a prepared statement on PostgreSQL), and answers the
same 200-byte body. No middleware, no model, no template.

Served beside the site and the bare app by the HTTP benchmarks (``devtools/bare_read_wsgi.py``,
``devtools.bench.gunicorn(bare_read=…)``), it shows what the one database round trip alone
costs on this machine: the trace page cannot be faster than this, and on PostgreSQL the gap
between the bare app and this view is the database's share of the trace page's time.

``BARE_READ_DATABASE`` holds the site's database settings as JSON and ``BARE_READ_CODE`` the code's
``serial:key_id``; a code that is not there answers 404, so a benchmark cannot time a miss.
"""

from __future__ import annotations

import os

from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound
from django.urls import re_path

from core import rawsql

from .bare import BODY

_reader = rawsql.RawReader()


def read_sql(placeholder: str) -> str:
    """The trace page's join, by serial and key id (the table names are the trace models')."""
    return (
        "SELECT c.*, b.status, b.updated_at FROM gi_registry_tracecode c "  # noqa: S608 (constant)
        f"INNER JOIN gi_registry_batch b ON c.batch_id = b.id WHERE c.serial = {placeholder} AND c.key_id = {placeholder}"
    )


_SQL: dict[str, str] = {}


def bare_read_view(request):
    sql = _SQL.get(connection.vendor)
    if sql is None:
        sql = _SQL[connection.vendor] = read_sql(rawsql.placeholder(connection))
    serial, _, key_id = os.environ["BARE_READ_CODE"].partition(":")
    if _reader.fetchone(connection, sql, [serial, key_id], binary=True) is None:
        return HttpResponseNotFound(b"no such code")
    return HttpResponse(BODY, content_type="text/plain; charset=utf-8")


urlpatterns = [re_path(r"", bare_read_view)]
