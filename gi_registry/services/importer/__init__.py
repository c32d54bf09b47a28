"""Spreadsheet import (CSV and XLSX) of producers, authorisations and standards.

The rules an officer can rely on:

- **Preview first, then all-or-nothing.** Every row is checked and written inside one database
  transaction. If any row has an error, or when only previewing (``commit=False``), the whole
  transaction is rolled back: nothing is written. The report lists every row, not just the first
  bad one.
- **Re-importing the same file changes nothing.** A row whose values equal the record's is
  "unchanged" and writes nothing: no save, no revision, no audit-log entry.
- **New and changed records go live at once**, with a revision and audit-log entries, as if a
  registry officer had pressed "Publish" in the admin (Wagtail's ``CreateAction``/``EditAction``
  with ``publish=True``). A record that is in moderation or has unpublished draft changes is not
  overwritten: its row is an error, so no one's pending work is lost.
- **Records are keyed** by credit code (producers), authorisation number (authorisations) and
  standard code (standards); a key that appears twice in one file is an error.
- **Only the columns present are touched.** An empty cell clears an optional field; it never
  clears a required one (it keeps the current value, takes the model default, or — for a new
  record without a default — is an error).
- **Forgiving but unambiguous input:** headers as field names, English labels or Chinese labels;
  choices as the stored value or label text (``合作社``, ``地方标准``, ``DB50/T``); dates as
  ``2024-05-01``, ``2024/5/1``, ``2024.05.01``, ``2024年5月1日`` or Excel date cells; booleans as
  是/否, true/false, 1/0; several values separated by ``;`` ``；`` ``、`` or ``,``. A value that could
  mean two things is an error, never a guess.

Modules: ``files`` reads the upload into a ``Table`` (types, sizes, encodings), ``kinds`` says what
can be imported and under which headers, ``cells`` parses one cell; this module processes the rows
inside the transaction and reports on each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction

from ...models import GeographicalIndication, Producer, ProductFamily, Standard, Township
from ...models.standards import standard_slug
from ...validators import normalise_credit_code, normalise_standard_code
from .cells import (
    _EMPTY,
    CellError,
    cell_text,
    level_from_code,
    norm,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    split_values,
)
from .files import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    Table,
    read_table,
)
from .kinds import KINDS, ImportKind

__all__ = [
    "KINDS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "CellError",
    "ImportFileError",
    "ImportKind",
    "ImportReport",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "read_table",
    "run_import",
]

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}

ProgressCallback = Callable[[int, int], None]


@dataclass
class RowResult:
    """What the import did (or would do) with one spreadsheet row."""

    row: int
    key: str
    action: str
    messages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def is_error(self) -> bool:
        return self.action == ERROR


@dataclass
class ImportReport:
    """Every row's outcome, file-level problems, and whether the changes were written."""

    kind: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.is_error]

    def summary(self) -> str:
        """One line: counts by action and the number of rows."""
        return _(
            "%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(errors)d with errors (%(rows)d rows)"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "rows": len(self.rows),
        }

    def error_lines(self) -> list[str]:
        """The row-by-row error report, one line per message."""
        lines = list(self.file_errors)
        for result in self.error_rows:
            for message in result.messages:
                lines.append(
                    _("Row %(row)d (%(key)s): %(message)s")
                    % {"row": result.row, "key": result.key or "—", "message": message}
                )
        return lines


def map_headers(kind: ImportKind, headers: Sequence[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """Column index → field name, plus file-level errors and notes (ignored columns).

    A header matches a field by its name, its verbose name (English or Chinese) or one of its
    Chinese aliases, ignoring case, width and spaces; a trailing note in brackets
    (``有效期起（YYYY-MM-DD）``) and a ``*`` marking required columns are ignored.
    """
    lookup = _header_lookup(kind.name)
    mapping: dict[int, str] = {}
    errors: list[str] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = norm(header).strip("*")
        name = lookup.get(key) or lookup.get(re.sub(r"\(.*\)$", "", key).strip("*"))
        if name is None:
            ignored.append(header)
            continue
        if name in seen:
            errors.append(
                _("The columns “%(a)s” and “%(b)s” are both %(field)s; keep one.")
                % {"a": seen[name], "b": header, "field": kind.field_label(name)}
            )
            continue
        seen[name] = header
        mapping[index] = name
    if kind.key not in seen:
        errors.append(
            _("The file has no “%(header)s” column (%(field)s), which identifies each record.")
            % {"header": kind.columns[kind.key][0], "field": kind.field_label(kind.key)}
        )
    notes = []
    if ignored:
        notes.append(_("Columns ignored (not recognised): %(columns)s") % {"columns": "、".join(ignored)})
    return mapping, errors, notes


@cache
def _header_lookup(kind_name: str) -> dict[str, str]:
    kind = KINDS[kind_name]
    lookup: dict[str, str] = {}
    for name, aliases in kind.columns.items():
        spellings = {name, *aliases}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                spellings.add(str(kind.field(name).verbose_name))
        for spelling in spellings:
            lookup.setdefault(norm(spelling), name)
    return lookup


class References:
    """Finds the records a cell names: townships, product families, GIs, producers and standards.

    Reference lists are small and read once; producers and standards are looked up per value and
    remembered. Each finder raises :class:`CellError` when nothing, or more than one record, matches.
    """

    def __init__(self) -> None:
        self._townships = list(Township.objects.all())
        self._families = list(ProductFamily.objects.all())
        self._gis = list(GeographicalIndication.objects.all())
        self._producers: dict[str, Producer | None] = {}

    @staticmethod
    def _one(matches: list, text: str, what: str) -> Any:
        unique = list(dict.fromkeys(matches))
        if len(unique) == 1:
            return unique[0]
        if unique:
            raise CellError(
                _("“%(value)s” matches more than one %(what)s: %(matches)s.")
                % {"value": text, "what": what, "matches": "、".join(str(m) for m in unique[:5])}
            )
        return None

    def township(self, value: Any) -> Township:
        text = cell_text(value)
        key = norm(text)
        what = str(Township._meta.verbose_name)
        found = self._one([t for t in self._townships if key in (norm(t.name), norm(t.name_en))], text, what)
        if found is None and len(key) >= 2:  # "礼让" for "礼让镇"
            found = self._one([t for t in self._townships if norm(t.name).startswith(key)], text, what)
        if found is None:
            raise CellError(_("There is no township “%(value)s” in Liangping.") % {"value": text})
        return found

    def family(self, text: str) -> ProductFamily:
        key = norm(text)
        found = self._one(
            [f for f in self._families if key in (norm(f.slug), norm(f.name), norm(f.name_en))],
            text,
            str(ProductFamily._meta.verbose_name),
        )
        if found is None:
            raise CellError(
                _("There is no product family “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": "、".join(f.name for f in self._families)}
            )
        return found

    def gi(self, text: str) -> GeographicalIndication:
        key = norm(text)
        what = str(GeographicalIndication._meta.verbose_name)
        found = self._one(
            [g for g in self._gis if g.registration_number and norm(g.registration_number) == key], text, what
        )
        found = found or self._one([g for g in self._gis if key in (norm(g.name), norm(g.slug))], text, what)
        if found is None:
            raise CellError(
                _("There is no geographical indication with the name or registration number “%(value)s”.")
                % {"value": text}
            )
        return found

    def producer(self, value: Any) -> Producer:
        text = cell_text(value)
        code = normalise_credit_code(text)
        if code not in self._producers:
            found = Producer.objects.filter(credit_code=code).first()
            if found is None:  # a name (e.g. from the admin's own export) when it is unique
                found = self._one(list(Producer.objects.filter(name=text)[:5]), text, str(Producer._meta.verbose_name))
            self._producers[code] = found
        if self._producers[code] is None:
            raise CellError(
                _("There is no producer with the credit code “%(value)s”; import the producers first.")
                % {"value": text}
            )
        return self._producers[code]

    @staticmethod
    def standard(value: Any) -> Standard:
        text = cell_text(value)
        code = normalise_standard_code(text)
        found = Standard.objects.filter(code=code).first()
        if found is None:  # "DB50/T 1000-2020 梁平柚栽培技术规程", as the admin's export writes it
            head = re.match(r"^(\S+\s\S+)", code)
            found = head and Standard.objects.filter(code=head.group(1)).first()
        if not found:
            raise CellError(_("There is no standard with the code “%(value)s”.") % {"value": text})
        return found


# ---------------------------------------------------------------------------------------------
# Rows → records
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    key: str
    cells: dict[str, Any]  # field name → raw cell value (None when empty)
    replaced_by: str = ""  # standards only: the normalised code it names


def normalise_key(kind: ImportKind, value: Any) -> str:
    text = cell_text(value)
    if kind.key == "credit_code":
        return normalise_credit_code(text)
    if kind.key == "code":
        return normalise_standard_code(text)
    return unicodedata.normalize("NFKC", text).strip()


class _Importer:
    """Turns parsed rows into records for one :class:`ImportKind`, collecting per-row results."""

    def __init__(self, kind: ImportKind, user: Any, *, commit: bool) -> None:
        self.kind = kind
        self.user = user
        self.commit = commit
        self.refs = References()
        #: key → pk of the records this import has written, and the rows that failed (standards).
        self.written: dict[str, int] = {}
        self.failed: dict[str, int] = {}

    # -- values ---------------------------------------------------------------------------------

    def parse(self, row: _Row) -> tuple[dict[str, Any], dict[str, str]]:
        """Field name → Python value (or ``_EMPTY``), and field name → error message."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, raw in row.cells.items():
            if name == self.kind.key:
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                values[name] = [] if self.kind.field(name).many_to_many else _EMPTY
                continue
            try:
                values[name] = self.parse_value(name, raw)
            except CellError as exc:
                errors[name] = str(exc)
        return values, errors

    def parse_value(self, name: str, raw: Any) -> Any:
        model_field = self.kind.field(name)
        if model_field.many_to_many:
            finder = self.refs.family if model_field.related_model is ProductFamily else self.refs.gi
            return [finder(part) for part in split_values(raw)]
        if model_field.is_relation:
            if model_field.related_model is Township:
                return self.refs.township(raw)
            if model_field.related_model is Producer:
                return self.refs.producer(raw)
            if model_field.related_model is GeographicalIndication:
                return self.refs.gi(cell_text(raw))
            if model_field.related_model is Standard:
                return self.standard_reference(raw)
        if model_field.choices:
            return parse_choice(self.kind.model, name, raw)
        if isinstance(model_field, models.DateField):
            return parse_date(raw)
        if isinstance(model_field, models.BooleanField):
            return parse_bool(raw)
        if isinstance(model_field, models.IntegerField):
            return parse_int(raw)
        if isinstance(model_field, models.DecimalField):
            return parse_decimal(raw, model_field.decimal_places)
        return cell_text(raw)

    def standard_reference(self, raw: Any) -> Standard:
        code = normalise_standard_code(cell_text(raw))
        if code in self.failed:
            raise CellError(
                _("“%(code)s” (row %(row)d of this file) could not be imported.")
                % {"code": code, "row": self.failed[code]}
            )
        if code in self.written:
            return Standard.objects.get(pk=self.written[code])
        return self.refs.standard(raw)

    def infer(self, obj: models.Model, values: dict[str, Any], key: str) -> None:
        """Fill what the row implies: a standard's level from its code; a replaced standard is superseded."""
        if self.kind.model is not Standard:
            return
        if values.get("level", _EMPTY) is _EMPTY and not obj.pk:
            level = level_from_code(key)
            if level:
                values["level"] = level
        replaced = values.get("replaced_by", _EMPTY)
        status_given = values.get("status", _EMPTY) is not _EMPTY
        if replaced not in (_EMPTY, None) and not status_given and obj.status == Standard.Status.CURRENT:
            values["status"] = Standard.Status.SUPERSEDED

    def resolve_empty(self, obj: models.Model, values: dict[str, Any], errors: dict[str, str]) -> None:
        """An empty cell clears an optional field; for a required one it keeps the value or the default."""
        required = [
            f.name
            for f in self.kind.model._meta.get_fields()
            if f.name in self.kind.columns
            and f.name != self.kind.key
            and getattr(f, "concrete", False)
            and not f.many_to_many
            and not f.blank
            and not f.has_default()
        ]
        for name in list(values):
            if values[name] is not _EMPTY:
                continue
            model_field = self.kind.field(name)
            if model_field.blank and not model_field.has_default():
                values[name] = None if model_field.null else ""
            else:
                del values[name]  # keep the current value (or the model default for a new record)
        if not obj.pk:
            for name in required:
                if name not in values and name not in errors:
                    errors[name] = _("This field is required.")

    # -- changes -------------------------------------------------------------------------------

    def apply(self, obj: models.Model, values: dict[str, Any]) -> list[str]:
        """Set the values that differ from the record's; return the names of the fields changed."""
        changed = []
        for name, value in values.items():
            model_field = self.kind.field(name)
            if model_field.many_to_many:
                manager = getattr(obj, name)
                current = set(manager.values_list("pk", flat=True)) if obj.pk else set()
                if current != {v.pk for v in value}:
                    manager.set(value)
                    changed.append(name)
            elif model_field.is_relation:
                if getattr(obj, model_field.attname) != (value.pk if value is not None else None):
                    setattr(obj, name, value)
                    changed.append(name)
            elif getattr(obj, name) != value:
                setattr(obj, name, value)
                changed.append(name)
        return changed

    def error_messages(self, errors: Mapping[str, Iterable[str] | str]) -> list[str]:
        messages = []
        for name, field_messages in errors.items():
            for message in [field_messages] if isinstance(field_messages, str) else field_messages:
                if name in ("__all__", None):
                    messages.append(str(message))
                else:
                    label = self.kind.field_label(name) if name in self._field_names else name
                    messages.append(f"{label}: {message}")
        return messages

    @property
    def _field_names(self) -> set[str]:
        return {f.name for f in self.kind.model._meta.get_fields()}

    # -- one row -------------------------------------------------------------------------------

    def process(self, row: _Row, existing: models.Model | None) -> RowResult:
        result = RowResult(row=row.number, key=row.key, action=ERROR)
        obj = existing if existing is not None else self.kind.model(**{self.kind.key: row.key})
        values, errors = self.parse(row)
        self.infer(obj, values, row.key)
        self.resolve_empty(obj, values, errors)
        changed = self.apply(obj, values)  # in memory only; saved below if the row is good
        if obj.pk and not changed and not errors:
            result.action = UNCHANGED
            return result
        if obj.pk and not errors and (blocked := self.blocked(obj)):
            result.messages = [blocked]
            return result
        if isinstance(obj, Standard):
            obj.slug = standard_slug(obj.code)
        try:
            obj.full_clean(exclude=list(errors))
        except ValidationError as exc:
            model_errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, messages in model_errors.items():
                if name not in errors:  # a cell that could not be read already has its message
                    errors[name] = messages
        if errors:
            result.messages = self.error_messages(errors)
            return result
        try:
            self.save(obj, new=existing is None)
        except PermissionDenied as exc:
            result.messages = [_("You may not change this record: %(reason)s") % {"reason": exc}]
            return result
        except DatabaseError as exc:
            result.messages = [_("The database refused the record: %(error)s") % {"error": exc}]
            return result
        result.action = UPDATE if existing is not None else CREATE
        result.changes = [self.kind.field_label(name) for name in changed] if existing is not None else []
        self.written[row.key] = obj.pk
        return result

    def blocked(self, obj: models.Model) -> str | None:
        """Refuse to publish over someone's pending work: a lock, moderation in progress, an unpublished draft."""
        if getattr(obj, "locked", False) and obj.locked_by_id != getattr(self.user, "pk", None):
            return _("This record is locked by %(user)s; unlock it before importing changes to it.") % {
                "user": obj.locked_by or "—"
            }
        if getattr(obj, "workflow_in_progress", False):
            return _("This record is in moderation; approve or cancel the moderation before importing changes to it.")
        if getattr(obj, "has_unpublished_changes", False):
            return _(
                "This record has unpublished draft changes; publish or discard them before importing changes to it."
            )
        return None

    def save(self, obj: models.Model, *, new: bool) -> None:
        """Create or edit, make a revision and publish it, each with its audit-log entry (in a savepoint).

        A preview is rolled back at the end, so it takes a shorter path to the same database
        state: the same permission and lock checks, then one plain save (later rows, e.g. a
        standard replaced by one on an earlier row, see it) without revisions or log entries.
        """
        action = (CreateAction if new else EditAction)(obj, user=self.user, publish=True, clean=False)
        with transaction.atomic():
            if self.commit:
                action.execute(skip_permission_checks=self.user is None)
            else:
                action.check(skip_permission_checks=self.user is None)
                obj.save()


def _order_standards(rows: list[_Row]) -> tuple[list[_Row], dict[int, str]]:
    """Order rows so that a standard's replacement named in the same file is written first.

    ``replaced_by`` forms chains; a chain that comes back to where it started inside the file is
    refused for every row on the circle (the model refuses circles that pass through the database).
    Returns the ordered rows and the errors (row number → message) of rows on a circle.
    """
    by_key = {row.key: row for row in rows}
    ordered: list[_Row] = []
    done: set[str] = set()
    cycle_errors: dict[int, str] = {}
    for start in rows:
        path: list[_Row] = []
        on_path: set[str] = set()
        current: _Row | None = start
        while current is not None and current.key not in done and current.key not in on_path:
            path.append(current)
            on_path.add(current.key)
            current = by_key.get(current.replaced_by)
        if current is not None and current.key in on_path:  # a circle: from current back to current
            circle = path[path.index(current) :]
            chain = " → ".join([r.key for r in circle] + [current.key])
            for member in circle:
                cycle_errors[member.number] = _(
                    "Replaced by: this would make the “replaced by” chain go round in a circle (%(chain)s)."
                ) % {"chain": chain}
        for row in reversed(path):
            done.add(row.key)
            ordered.append(row)
    return ordered, cycle_errors


def run_import(
    kind: str,
    rows: Table | Sequence[Mapping[str, Any]],
    *,
    user: Any = None,
    commit: bool,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check every row and write them all, or — on any error, or when ``commit`` is false — nothing.

    ``rows`` is a :class:`Table` from :func:`read_table` (or a list of dicts, numbered from row 2).
    With a ``user``, Wagtail's permission and lock checks apply and the revisions and log entries
    are theirs; without one (a management command run without ``--user``) they are anonymous.
    ``progress(done, total)`` is called after each row.
    """
    spec = KINDS[kind]
    table = rows if isinstance(rows, Table) else Table.from_dicts(rows)
    report = ImportReport(kind=kind)
    mapping, report.file_errors, report.notes = map_headers(spec, table.headers)
    if report.file_errors:
        return report
    if not table.rows:
        report.file_errors.append(_("The file has a header row but no data rows."))
        return report

    parsed: list[_Row] = []
    first_row: dict[str, int] = {}
    early_errors: dict[int, list[str]] = {}
    for number, cells in table.rows:
        by_field = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
        row = _Row(number=number, key=normalise_key(spec, by_field.get(spec.key)), cells=by_field)
        if kind == "standards" and by_field.get("replaced_by") is not None:
            row.replaced_by = normalise_standard_code(cell_text(by_field["replaced_by"]))
        if not row.key:
            early_errors[number] = [f"{spec.field_label(spec.key)}: {_('This field is required.')}"]
        elif row.key in first_row:
            early_errors[number] = [
                _("%(field)s “%(key)s” is also on row %(row)d; each record may appear only once.")
                % {"field": spec.field_label(spec.key), "key": row.key, "row": first_row[row.key]}
            ]
        else:
            first_row[row.key] = number
        parsed.append(row)

    importer = _Importer(spec, user, commit=commit)
    order = parsed
    if kind == "standards":
        rejected = [r for r in parsed if r.number in early_errors]
        order, circles = _order_standards([r for r in parsed if r.number not in early_errors])
        for row in order:
            if row.number in circles:
                early_errors[row.number] = [circles[row.number]]
                importer.failed[row.key] = row.number
        order += rejected

    results: dict[int, RowResult] = {}
    total = len(parsed)
    with transaction.atomic():
        existing = spec.model.objects.in_bulk([r.key for r in parsed if r.key], field_name=spec.key)
        for done, row in enumerate(order, start=1):
            if row.number in early_errors:
                results[row.number] = RowResult(row.number, row.key, ERROR, early_errors[row.number])
            else:
                result = importer.process(row, existing.get(row.key))
                results[row.number] = result
                if result.is_error:
                    importer.failed.setdefault(row.key, row.number)
            if progress:
                progress(done, total)
        report.rows = [results[number] for number, _cells in table.rows]
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
    return report
