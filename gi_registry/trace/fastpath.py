"""Hand-made replacements of Django facilities on the trace page's path, each for speed: the page
answers every scan of every printed label, so what Django does in general is done here for the
one case the page needs. Each gives the same output as the plain Django way, and
``tests/test_fastpath.py`` holds them to it.

* ``never_cache`` — ``django.views.decorators.cache.never_cache``: the same two headers written
  directly (and ``Expires`` formatted once a second) instead of parsing and merging
  ``Cache-Control`` on every response; a response that has caching headers already gets
  Django's own ``add_never_cache_headers``.
* ``format_date`` — the ``date`` template filter for the two numeric formats the page uses
  (``Y-m-d``, ``Y-m-d H:i``), in the current time zone, by ``strftime``: Django's general
  formatter builds a formatter object and walks the format string for each value.
* ``SLOT``, ``split_frame``, ``fill_frame``, ``scan_counts`` — pre-split templates: the trace page of a batch is
  rendered once per verdict and language with placeholders (``SLOT``) where the code, the
  addresses and the scan counts go, split there, and a scan joins the parts with its own values
  (escaped as the template would) instead of rendering the templates; ``scan_counts`` is the
  page's one ``blocktrans count`` (the scan counts change with every scan) as ``ngettext`` with
  the same messages.
* ``code_url`` — ``reverse(name, args=[code])`` for a printed code: the route reversed once per
  URL prefix, the code (base32: nothing to quote) appended.
* ``CodeQuery`` / ``load_code`` — the raw lookup: ``TraceCode.objects.select_related("batch")
  .get(serial=…, key_id=…)`` as hand-written SQL: the ORM's query compiler costs more than the
  indexed lookup itself, and most of the batch's row comes from a per-process copy checked
  against the batch's ``updated_at`` read with the code.
"""

from __future__ import annotations

import html
import re
import threading
import time
from functools import lru_cache, wraps
from typing import NamedTuple

from django.db import connections, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import rawsql

from .models import Batch, TraceCode

# -- never-cache headers -----------------------------------------------------------------------

#: What ``add_never_cache_headers`` writes on a response without caching headers.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cache(view):
    """``django.views.decorators.cache.never_cache`` for these views: the same headers
    (``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`` and ``Expires``
    now), written directly rather than parsed and merged on every scan; a response that already
    has caching headers gets Django's own treatment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.has_header("Cache-Control") or response.has_header("Expires"):
            add_never_cache_headers(response)
        else:
            response.headers["Expires"] = _http_date(int(time.time()))
            response.headers["Cache-Control"] = NEVER_CACHE
        return response

    return wrapper


@lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    return http_date(second)


# -- dates -------------------------------------------------------------------------------------


def format_date(value, fmt: str) -> str:
    """``value|date:fmt`` as a template shows it (in the current time zone), for the numeric
    formats used here (``Y-m-d``, ``Y-m-d H:i``), without Django's general date formatter."""
    if value is None:
        return ""
    if value.utcoffset() is None:  # naive (USE_TZ off): as it is
        return value.strftime(_STRFTIME[fmt])
    return _local_date(value, fmt, timezone.get_current_timezone())


@lru_cache(maxsize=1024)  # a code's first scan is shown on every later scan of it
def _local_date(value, fmt: str, zone) -> str:
    return value.astimezone(zone).strftime(_STRFTIME[fmt])


_STRFTIME = {"Y-m-d": "%Y-%m-%d", "Y-m-d H:i": "%Y-%m-%d %H:%M"}


# -- pre-split templates -----------------------------------------------------------------------

#: Stand-ins for what differs between the codes of a batch and between scans of one code; a
#: page frame carries them (private-use characters: escaping leaves them alone, no text has them).
SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000(\\w+)\ue001")


def split_frame(html: str) -> list[str]:
    """A page rendered with ``SLOT``s, split at them: ``[text, slot name, text, …, text]``."""
    return _SLOT_RE.split(html)


def fill_frame(parts: list[str], values: dict[str, str]) -> str:
    """The page of ``parts`` with each slot's value (HTML: escaped already)."""
    return "".join(values[part] if i % 2 else part for i, part in enumerate(parts))


def scan_counts(stats, *, suspicious: bool) -> dict[str, str]:
    """The scan counts of a page as HTML: the suspicious verdict's explanation (``scan_summary``)
    or the "scanned N times" line (``scan_line``). Formatted here rather than in a template: it is
    the one part of the page that changes with every scan (the same messages as a template's
    ``blocktrans count`` would look up, about a tenth of the time)."""
    if stats is None:
        return {"scan_summary": "", "scan_line": ""}
    if suspicious:
        text = ngettext(
            "This code is registered, but it has been scanned %(counter)s time since %(first)s, from %(origins)s places.",
            "This code is registered, but it has been scanned %(counter)s times since %(first)s, from %(origins)s places.",
            stats.count,
        ) % {
            "counter": stats.count,
            "first": html.escape(format_date(stats.first_at, "Y-m-d")),
            "origins": stats.origins,
        }
        return {"scan_summary": f"<p>{text}</p>", "scan_line": ""}
    line = ngettext("Scanned %(counter)s time", "Scanned %(counter)s times", stats.count) % {"counter": stats.count}
    if stats.first_at:
        line += f" · {_('first scan')} {html.escape(format_date(stats.first_at, 'Y-m-d H:i'))}"
    return {"scan_summary": "", "scan_line": f'<p class="verdict-scans">{line}</p>'}


# -- URLs of a code ----------------------------------------------------------------------------


def code_url(name: str, code: str) -> str:
    """``reverse(name, args=[code])`` for a printed code (base32: nothing to quote), reversing the
    route once per URL prefix instead of on every scan."""
    return _code_url_head(name, get_script_prefix(), get_urlconf()) + code


@lru_cache(maxsize=32)
def _code_url_head(name: str, prefix: str, urlconf) -> str:
    url = reverse(name, args=["A"], urlconf=urlconf)
    if not url.endswith("/A"):
        raise ValueError(f"{name} does not end with the code")
    return url[:-1]


# -- the raw lookup of a scanned code ----------------------------------------------------------


class _Compiled(NamedTuple):
    sql: str  # the code's row with its batch's status and updated_at
    converters: list
    code_names: list[str]
    batch_names: list[str]
    batch_sql: str  # a batch's row
    batch_converters: list
    batch_all_names: list[str]


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
    model instances as ``Model.from_db`` would make them (``_instance``). The rows are read through
    the driver itself (``core.rawsql.RawReader``: on PostgreSQL a prepared statement, binary rows).
    ``tests/test_fastpath.py`` holds the two equal (and ``tests/test_code_cache.py`` the copies).
    """

    #: Batch rows kept per process; past this the copies start afresh.
    BATCHES_MAX = 1024

    def __init__(self) -> None:
        self._local = threading.local()
        self._reader = rawsql.RawReader()
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
            placeholder = rawsql.placeholder(connection)
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
            compiled = _Compiled(sql, code_conv + batch_conv, code_names, names, batch_sql, full_conv, full_names)
            setattr(self._local, alias, compiled)
        return compiled

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
        # Binary rows (nothing to parse) for the code's row; a batch's row in text, as Django's
        # loaders expect it (its JSON column).
        row = self._reader.fetchone(connection, compiled.sql, [serial, key_id], binary=True)
        if row is None:
            return None
        values = self._convert(row, compiled.converters, connection)
        split = len(compiled.code_names)
        code = _instance(TraceCode, alias, dict(zip(compiled.code_names, values[:split], strict=True)))
        fresh = dict(zip(compiled.batch_names, values[split:], strict=True))
        key = (alias, code.batch_id)
        copy = self._batches.get(key)
        if copy is None or copy[0] != fresh["updated_at"]:
            batch_row = self._reader.fetchone(connection, compiled.batch_sql, [code.batch_id])
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
