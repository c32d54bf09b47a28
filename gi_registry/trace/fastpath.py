"""Hand-made replacements of Django facilities on the trace page's path, each for speed: the page
answers every scan of every printed label, so what Django does generally is done here for the
one case the page needs. Each gives the same output as the plain Django way, and
``tests/test_fastpath.py`` holds them to it.

* ``CodeQuery`` / ``load_code`` — ``TraceCode.objects.select_related("batch").get(serial=…,
  key_id=…)`` as hand-written SQL: the ORM's query compiler costs more than the indexed lookup
  itself, and most of the batch's row comes from a per-process copy checked against the
  batch's ``updated_at`` read with the code.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import NamedTuple

from django.db import connections, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from .models import Batch, TraceCode

# -- the raw lookup of a scanned code ----------------------------------------------------------


class _Compiled(NamedTuple):
    sql: str  # the code's row with its batch's status and updated_at
    converters: list
    code_names: list[str]
    batch_names: list[str]
    batch_sql: str  # a batch's row
    batch_converters: list
    batch_all_names: list[str]
    placeholder: str


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


def _instance(model, alias: str, attrs: dict):
    """``model.from_db(alias, …)`` for a row already converted, as a dict of every concrete
    field's attname in the model's order: the instance ``Model.__init__`` would make, without
    running it (unless something listens to the model's init signals)."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(alias, list(attrs), list(attrs.values()))
    obj = model.__new__(model)
    state = ModelState()
    state.adding, state.db = False, alias
    obj._state = state
    obj.__dict__.update(attrs)
    return obj


class CodeQuery:
    """``TraceCode.objects.select_related("batch").get(serial=…, key_id=…)``, the one query of a
    scan, without the ORM's query compiler and with as little of the batch's row as will do.

    The query reads the code's row and, of its batch, only ``status`` and ``updated_at``; the rest
    of the batch comes from this process's copy of the batch's row (``_batches``), used only while
    the batch's ``updated_at`` read with the code is the copy's (any save of a batch, a new event
    and a withdrawal bump it) and the status is overlaid as read. A batch not copied yet, or
    changed since, is read in a second query (once per batch and change in each process). So a
    withdrawal or an edit shows on the very next scan in every process, and the code's status and
    scan counters are always as stored.

    The SQL is written once per thread and database from the models' metadata; every column goes
    through the converters the ORM would apply (``from_db_value``, the backend's), and rows become
    model instances as ``Model.from_db`` would make them (``_instance``).
    ``tests/test_fastpath.py`` holds the two equal (and ``tests/test_code_cache.py`` the copies).
    """

    #: Batch rows kept per process; past this the copies start afresh.
    BATCHES_MAX = 1024

    def __init__(self) -> None:
        self._local = threading.local()
        self._batches: dict[tuple[str, int], tuple] = {}

    def clear(self) -> None:
        """Forget this process's batch copies (tests)."""
        self._batches.clear()

    @staticmethod
    def _columns(connection, model, names=None):
        qn = connection.ops.quote_name
        table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if names is None or f.attname in names]
        columns, converters = [], []
        for field in fields:
            col = field.get_col(table)
            columns.append(f"{qn(table)}.{qn(field.column)}")
            converters.append((col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)))
        return columns, converters, [f.attname for f in fields]

    def _compiled(self, alias: str):
        compiled = getattr(self._local, alias, None)
        if compiled is None:
            connection = connections[alias]
            qn = connection.ops.quote_name
            code_cols, code_conv, code_names = self._columns(connection, TraceCode)
            batch_cols, batch_conv, _ = self._columns(connection, Batch, ("status", "updated_at"))
            # The order of ``batch_names`` is the order of the columns (the model's field order).
            full_cols, full_conv, full_names = self._columns(connection, Batch)
            code_t, batch_t = qn(TraceCode._meta.db_table), qn(Batch._meta.db_table)
            batch_fk = qn(TraceCode._meta.get_field("batch").column)
            placeholder = "?" if connection.vendor == "sqlite" else "%s"
            # Identifiers from the models' metadata, quoted by the backend; the values are parameters.
            sql = (
                f"SELECT {', '.join(code_cols + batch_cols)} FROM {code_t} INNER JOIN {batch_t} "  # noqa: S608
                f"ON {code_t}.{batch_fk} = {batch_t}.{qn(Batch._meta.pk.column)} "
                f"WHERE {code_t}.{qn('serial')} = {placeholder} AND {code_t}.{qn('key_id')} = {placeholder}"
            )
            batch_sql = (
                f"SELECT {', '.join(full_cols)} FROM {batch_t} "  # noqa: S608
                f"WHERE {batch_t}.{qn(Batch._meta.pk.column)} = {placeholder}"
            )
            names = [n for n in full_names if n in ("status", "updated_at")]
            compiled = _Compiled(
                sql, code_conv + batch_conv, code_names, names, batch_sql, full_conv, full_names, placeholder
            )
            setattr(self._local, alias, compiled)
        return compiled

    def _fetchone(self, connection, compiled, sql: str, params: list):
        """One row of ``sql``. On PostgreSQL (psycopg 3), a cursor that binds parameters
        server-side, so psycopg's prepared-statement policy (``prepare_threshold`` in the
        database's OPTIONS, see the settings) applies: planning the join costs the server more
        than running it; Django's own cursors bind client-side and never prepare. On SQLite the
        driver's own cursor. Either way inside Django's error wrapping. While queries are logged
        (DEBUG, tests counting queries) or an execute wrapper is installed, Django's own cursor,
        so those see the query with its values."""
        if not connection.queries_logged and not connection.execute_wrappers:
            vendor = connection.vendor
            if vendor == "sqlite" or (vendor == "postgresql" and _is_psycopg3()):
                with connection.wrap_database_errors:
                    connection.ensure_connection()
                    connection.validate_thread_sharing()
                    if vendor == "sqlite":
                        return connection.connection.execute(sql, params).fetchone()
                    cursor = self._pg_cursor(connection)
                    # Binary rows (nothing to parse) for the code's row; a batch's row in text, as
                    # Django's loaders expect it (its JSON column).
                    cursor.execute(sql, params, binary=sql is compiled.sql)
                    return cursor.fetchone()
        if compiled.placeholder == "?":
            sql = sql.replace("?", "%s")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def _pg_cursor(self, connection):
        """This thread's server-binding cursor on ``connection``'s current psycopg connection (a
        cursor can run one query after another; a new one after a reconnection). Its timestamps
        come in the time zone Django's own loader gives them, in binary rows too."""
        raw = connection.connection
        cursor = getattr(self._local, "pg_cursor", None)
        if cursor is None or cursor.connection is not raw or cursor.closed:
            # ``Database.Cursor``: the connection's cursor factory binds client-side.
            cursor = connection.Database.Cursor(raw)
            cursor.adapters.register_loader("timestamptz", _binary_tz_loader(connection.timezone))
            self._local.pg_cursor = cursor
        return cursor

    @staticmethod
    def _convert(row, converters, connection) -> list:
        values = list(row)
        for i, (col, functions) in enumerate(converters):
            for function in functions:
                values[i] = function(values[i], col, connection)
        return values

    def get(self, serial: str, key_id: str) -> TraceCode | None:
        alias = router.db_for_read(TraceCode)
        compiled = self._compiled(alias)
        connection = connections[alias]
        row = self._fetchone(connection, compiled, compiled.sql, [serial, key_id])
        if row is None:
            return None
        values = self._convert(row, compiled.converters, connection)
        split = len(compiled.code_names)
        code = _instance(TraceCode, alias, dict(zip(compiled.code_names, values[:split], strict=True)))
        fresh = dict(zip(compiled.batch_names, values[split:], strict=True))
        key = (alias, code.batch_id)
        copy = self._batches.get(key)
        if copy is None or copy[0] != fresh["updated_at"]:
            batch_row = self._fetchone(connection, compiled, compiled.batch_sql, [code.batch_id])
            if batch_row is None:  # deleted in between (a batch with codes is protected)
                return None
            batch_values = self._convert(batch_row, compiled.batch_converters, connection)
            attrs = dict(zip(compiled.batch_all_names, batch_values, strict=True))
            # Lists and dicts (JSON columns) are converted again for each scan from the row's
            # value, so no two scans share one.
            mutable = tuple(
                (name, raw, compiled.batch_converters[i])
                for i, (name, raw) in enumerate(zip(compiled.batch_all_names, batch_row, strict=True))
                if isinstance(attrs[name], (list, dict))
            )
            copy = (attrs["updated_at"], attrs, mutable)
            if len(self._batches) >= self.BATCHES_MAX:
                self._batches.clear()
            self._batches[key] = copy
            fresh = {"status": attrs["status"], "updated_at": attrs["updated_at"]}
        _updated_at, attrs, mutable = copy
        batch_attrs = {**attrs, **fresh}
        for name, raw, (col, functions) in mutable:
            for function in functions:
                raw = function(raw, col, connection)
            batch_attrs[name] = raw
        code.batch = _instance(Batch, alias, batch_attrs)
        return code


CODE_QUERY = CodeQuery()
load_code = CODE_QUERY.get
