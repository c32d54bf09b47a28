"""One row of a hand-written query through the database driver itself, for the few reads that
answer every request (the trace page's code lookup, and the benchmarks' bare view with that same
read, ``devtools/bare_read.py``).

``RawReader.fetchone`` runs inside Django's error wrapping on Django's connection (so the
connection's lifetime, ``CONN_MAX_AGE`` and health checks are Django's), but without Django's
cursor wrapper:

* on SQLite, the driver's own ``execute``;
* on PostgreSQL with psycopg 3, a cursor of this thread that binds parameters server-side, so
  psycopg's prepared-statement policy (``prepare_threshold`` in the database's OPTIONS) applies:
  planning a join costs the server more than running it, and Django's own cursors bind client-side
  and never prepare. Rows can come in binary (nothing to parse); timestamps come in the time zone
  Django's own loader gives them, binary rows included.

While queries are logged (DEBUG, tests counting queries) or an execute wrapper is installed, it
uses Django's own cursor, so those see the query with its values. ``sql`` is written in the
driver's placeholder style (``placeholder(connection)``): ``?`` on SQLite, ``%s`` elsewhere.
"""

from __future__ import annotations

import threading
from functools import lru_cache


def placeholder(connection) -> str:
    """The parameter placeholder of ``connection``'s driver."""
    return "?" if connection.vendor == "sqlite" else "%s"


@lru_cache(maxsize=1)
def _is_psycopg3() -> bool:
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


@lru_cache(maxsize=8)
def _binary_tz_loader(tz):
    """A binary ``timestamptz`` loader giving ``tz`` (as Django's text loader does)."""
    from psycopg.types.datetime import TimestamptzBinaryLoader

    class DjangoBinaryTzLoader(TimestamptzBinaryLoader):
        def load(self, data):
            return super().load(data).replace(tzinfo=tz)

    return DjangoBinaryTzLoader


class RawReader:
    def __init__(self) -> None:
        self._local = threading.local()

    def fetchone(self, connection, sql: str, params: list, *, binary: bool = False):
        """The first row of ``sql`` with ``params`` on ``connection`` (a Django connection), or
        None. ``binary``: on PostgreSQL, the row in binary (a JSON column wants text: Django's
        loaders expect it)."""
        if not connection.queries_logged and not connection.execute_wrappers:
            vendor = connection.vendor
            if vendor == "sqlite" or (vendor == "postgresql" and _is_psycopg3()):
                with connection.wrap_database_errors:
                    connection.ensure_connection()
                    connection.validate_thread_sharing()
                    if vendor == "sqlite":
                        return connection.connection.execute(sql, params).fetchone()
                    cursor = self._pg_cursor(connection)
                    cursor.execute(sql, params, binary=binary)
                    return cursor.fetchone()
        if connection.vendor == "sqlite":
            sql = sql.replace("?", "%s")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def _pg_cursor(self, connection):
        """This thread's server-binding cursor on ``connection``'s current psycopg connection (a
        cursor can run one query after another; a new one after a reconnection)."""
        raw = connection.connection
        cursor = getattr(self._local, "pg_cursor", None)
        if cursor is None or cursor.connection is not raw or cursor.closed:
            # ``Database.Cursor``: the connection's cursor factory binds client-side.
            cursor = connection.Database.Cursor(raw)
            cursor.adapters.register_loader("timestamptz", _binary_tz_loader(connection.timezone))
            self._local.pg_cursor = cursor
        return cursor
