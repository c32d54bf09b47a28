"""What a printed code says: its verdict and everything the trace page and JSON show.

Verdicts (issue #4):

* ``unknown`` — the code does not verify (forged, mistyped) or no such code was issued;
* ``withdrawn`` — the code or its batch was withdrawn or recalled;
* ``suspicious`` — genuine, but scanned more than ``TRACE_SUSPICIOUS_SCANS`` times or from more
  than ``TRACE_SUSPICIOUS_ORIGINS`` distinct places: probably a copied label;
* ``genuine`` — otherwise.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from ..models import Batch, TraceCode
from . import scans, signing

GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN = "genuine", "suspicious", "withdrawn", "unknown"
VERDICTS = (GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN)
HTTP_STATUS = {GENUINE: 200, SUSPICIOUS: 200, WITHDRAWN: 410, UNKNOWN: 404}


#: Seconds a batch's details stay cached; the key carries the batch's ``updated_at`` (bumped by a
#: change to the batch, a new event, a withdrawal), so this bounds only how long an edit of the
#: producer, GI, authorisation or standard records takes to show on trace pages.
DETAILS_CACHE_SECONDS = 60


@dataclass
class Resolution:
    verdict: str
    code: TraceCode | None = None
    printed: str | None = None
    stats: scans.ScanStats | None = None

    @property
    def batch(self) -> Batch | None:
        """The batch row (its own columns only; ``full_batch`` loads what it points at)."""
        return self.code.batch if self.code else None

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.verdict]


def full_batch(batch_id: int) -> tuple[Batch, list]:
    """A batch with everything the trace page shows, and its events, in two queries."""
    batch = Batch.objects.select_related(
        "producer__township",
        "authorisation__geographical_indication__product_family",
        "authorisation__certificate",
        "standard",
        "inspection_report",
        "photo",
    ).get(pk=batch_id)
    return batch, list(batch.events.all())


class _CodeQuery:
    """``TraceCode.objects.select_related("batch").get(serial=…, key_id=…)``, the one query of a scan,
    without running the ORM's query compiler on every scan (that alone cost more than the query).

    The SQL is written once per thread and database from the models' metadata; every column goes
    through the converters the ORM would apply (``from_db_value``, the backend's), and the rows
    become model instances through ``Model.from_db``, as with any queryset.
    ``test_trace_page.py::test_fast_code_query_loads_what_the_orm_loads`` holds the two equal.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _compiled(self, alias: str):
        compiled = getattr(self._local, alias, None)
        if compiled is None:
            connection = connections[alias]
            qn = connection.ops.quote_name
            columns, converters, names = [], [], []
            for model in (TraceCode, Batch):
                table = model._meta.db_table
                fields = model._meta.concrete_fields
                names.append([f.attname for f in fields])
                for field in fields:
                    col = field.get_col(table)
                    columns.append(f"{qn(table)}.{qn(field.column)}")
                    converters.append(
                        (col, connection.ops.get_db_converters(col) + field.get_db_converters(connection))
                    )
            code_t, batch_t = qn(TraceCode._meta.db_table), qn(Batch._meta.db_table)
            batch_fk = qn(TraceCode._meta.get_field("batch").column)
            # Identifiers from the models' metadata, quoted by the backend; the values are parameters.
            sql = (
                f"SELECT {', '.join(columns)} FROM {code_t} INNER JOIN {batch_t} "  # noqa: S608
                f"ON {code_t}.{batch_fk} = {batch_t}.{qn(Batch._meta.pk.column)} "
                f"WHERE {code_t}.{qn('serial')} = %s AND {code_t}.{qn('key_id')} = %s"
            )
            compiled = (sql, converters, names[0], names[1])
            setattr(self._local, alias, compiled)
        return compiled

    @staticmethod
    def _cursor(connection):
        """On PostgreSQL with psycopg 3, a cursor that binds parameters server-side, so psycopg's
        prepared-statement policy (``prepare_threshold`` in the database's OPTIONS, see the
        settings) applies to this query: planning the join costs the server more than running it.
        Django's own cursors bind client-side and never prepare. Wrapped like any Django cursor
        (database errors); while queries are logged (DEBUG, tests counting queries) Django's own
        cursor, whose log shows the SQL with its values."""
        if connection.vendor == "postgresql" and not connection.queries_logged:
            from django.db.backends.postgresql.psycopg_any import is_psycopg3

            if is_psycopg3:
                with connection.wrap_database_errors:
                    connection.ensure_connection()
                connection.validate_thread_sharing()
                return connection.make_cursor(connection.Database.Cursor(connection.connection))
        return connection.cursor()

    def get(self, serial: str, key_id: str) -> TraceCode | None:
        alias = router.db_for_read(TraceCode)
        sql, converters, code_names, batch_names = self._compiled(alias)
        connection = connections[alias]
        with self._cursor(connection) as cursor:
            cursor.execute(sql, [serial, key_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, (col, functions) in enumerate(converters):
            for function in functions:
                values[i] = function(values[i], col, connection)
        split = len(code_names)
        code = TraceCode.from_db(alias, code_names, values[:split])
        code.batch = Batch.from_db(alias, batch_names, values[split:])
        return code


load_code = _CodeQuery().get


def find_code(text: object) -> tuple[TraceCode | None, str | None]:
    """The issued code that ``text`` stands for (and its canonical printed form), or (None, None).

    The signature is checked first, so forged or mistyped codes never reach the database. The code
    comes with its batch row (one query) and is marked for ``scans.log_scan`` (see ``ScanLog``).
    """
    verified = signing.verify(text)
    if verified is None:
        return None, None
    mark = scans.counters_mark()
    code = load_code(verified.serial_hex, verified.kid)
    if code is None:
        return None, None
    return scans.mark_loaded(code, mark), signing.normalise(text)


def resolve(text: object, request=None, *, log: bool = True) -> Resolution:
    """Verify ``text``, log the scan (if ``request`` and ``log``) and give the verdict."""
    code, printed = find_code(text)
    if code is None:
        return Resolution(UNKNOWN)
    return resolve_code(code, printed, request, log=log)


def resolve_code(code: TraceCode, printed: str, request=None, *, log: bool = True) -> Resolution:
    """The verdict for an issued code already found (``find_code``), logging the scan."""
    stats = scans.log_scan(code, request) if request is not None and log else scans.scan_stats(code)
    if code.status != TraceCode.Status.ACTIVE or code.batch.status != Batch.Status.ACTIVE:
        verdict = WITHDRAWN
    elif stats.suspicious:
        verdict = SUSPICIOUS
    else:
        verdict = GENUINE
    return Resolution(verdict, code, printed, stats)


def details_cache_key(kind: str, batch: Batch, request=None) -> str:
    host = request.get_host() if request is not None else ""
    stamp = batch.updated_at.timestamp() if batch.updated_at else 0
    return f"trace:{kind}:{batch.pk}:{stamp}:{get_language()}:{host}"


def cached_batch_payload(batch: Batch, request=None) -> dict:
    """``batch_payload`` and the events of a batch, cached under the batch's ``updated_at``."""
    key = details_cache_key("payload", batch, request)
    data = cache.get(key)
    if data is None:
        full, events = full_batch(batch.pk)
        data = {**batch_payload(full, request), "events": event_payload(events)}
        cache.set(key, data, DETAILS_CACHE_SECONDS)
    return data


def _abs(request, url: str | None) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def batch_payload(batch: Batch, request=None) -> dict:
    """Product, GI, batch, producer, authorisation, standard, inspection and events of a batch."""
    auth = batch.authorisation
    gi = auth.geographical_indication
    producer = batch.producer
    standard = batch.standard
    return {
        "product": {
            "name": batch.display_name,
            "gtin": batch.gtin14,
            "family": gi.product_family.name,
            "photo": None,
        },
        "gi": {
            "name": gi.name,
            "name_en": gi.name_en,
            "kind": gi.kind,
            "kind_label": str(gi.get_kind_display()),
            "registration_number": gi.registration_number,
            "authority": gi.authority,
            "holder": gi.holder,
            "url": _abs(request, gi.get_absolute_url()) if gi.live else None,
        },
        "batch": {
            "lot": batch.lot_number,
            "status": batch.status,
            "production_date": _iso(batch.production_date),
            "plot": batch.plot,
            "quantity": float(batch.quantity) if batch.quantity is not None else None,
            "unit": batch.unit,
            "grade": batch.grade,
            "withdrawn_at": _iso(batch.status_changed_at) if batch.status != Batch.Status.ACTIVE else None,
            "withdrawal_reason": batch.status_reason if batch.status != Batch.Status.ACTIVE else "",
        },
        "producer": {
            "name": producer.name,
            "credit_code": producer.credit_code,
            "kind": producer.kind,
            "township": producer.township.name,
            "address": producer.address,
            "contact_phone": producer.contact_phone if producer.contact_public else None,
            "url": _abs(request, producer.get_absolute_url()) if producer.live else None,
        },
        "authorisation": {
            "number": auth.number,
            "valid_from": _iso(auth.valid_from),
            "valid_until": _iso(auth.valid_until),
            "status": auth.status,
            "valid_today": auth.is_valid_on(),
            "certificate": _abs(request, auth.certificate.url) if auth.certificate_id else None,
        },
        "standard": (
            {
                "code": standard.code,
                "title": standard.title,
                "status": standard.status,
                "url": _abs(request, standard.get_absolute_url()) if standard.live else None,
            }
            if standard
            else None
        ),
        "inspection": {
            "results": batch.inspection_results or [],
            "report": _abs(request, batch.inspection_report.url) if batch.inspection_report_id else None,
        },
    }


def event_payload(events) -> list[dict]:
    return [
        {
            "business_step": e.business_step,
            "business_step_uri": f"https://ref.gs1.org/cbv/BizStep-{e.business_step}",
            "label": str(e.get_business_step_display()),
            "event_time": _iso(e.event_time),
            "read_point": e.read_point,
            "disposition": e.disposition or None,
            "note": e.note,
        }
        for e in events
    ]


def payload(resolution: Resolution, request=None) -> dict:
    """The JSON of ``/api/v1/trace/<code>``."""
    data: dict = {
        "verdict": resolution.verdict,
        "code": resolution.printed,
        "scan_count": resolution.stats.count if resolution.stats else 0,
        "first_scanned_at": _iso(resolution.stats.first_at) if resolution.stats else None,
        "product": None,
        "gi": None,
        "batch": None,
        "producer": None,
        "authorisation": None,
        "standard": None,
        "inspection": None,
        "events": [],
    }
    if resolution.code is None:
        return data
    data.update(cached_batch_payload(resolution.batch, request))
    data["page"] = _abs(request, reverse("trace:page", args=[resolution.printed]))
    return data
