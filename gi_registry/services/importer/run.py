"""A whole file in one transaction: rows keyed and numbered, standards ordered, all written or none."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ...validators import normalise_standard_code
from .cells import cell_text
from .files import Table
from .guide import is_example_key
from .headers import map_headers
from .kinds import KINDS
from .report import ERROR, EXAMPLE, CellView, Column, ImportReport, RowResult
from .rows import Row, RowImporter, normalise_key

ProgressCallback = Callable[[int, int], None]


def _order_standards(rows: list[Row]) -> tuple[list[Row], dict[int, str]]:
    """Order rows so that a standard's replacement named in the same file is written first.

    ``replaced_by`` forms chains; a chain that comes back to where it started inside the file is
    refused for every row on the circle (the model refuses circles that pass through the database).
    Returns the ordered rows and the errors (row number → message) of rows on a circle.
    """
    by_key = {row.key: row for row in rows}
    ordered: list[Row] = []
    done: set[str] = set()
    cycle_errors: dict[int, str] = {}
    for start in rows:
        path: list[Row] = []
        on_path: set[str] = set()
        current: Row | None = start
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
    report.columns = [
        Column(name, str(table.headers[index]), get_column_letter(index + 1)) for index, name in sorted(mapping.items())
    ]
    if not table.rows:
        report.file_errors.append(_("The file has a header row but no data rows."))
        return report

    parsed: list[Row] = []
    first_row: dict[str, int] = {}
    early_errors: dict[int, list[str]] = {}
    examples: dict[int, RowResult] = {}
    for number, cells in table.rows:
        by_field = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
        row = Row(number=number, key=normalise_key(spec, by_field.get(spec.key)), cells=by_field)
        if row.key and is_example_key(spec, row.key):  # the template's example row, left in
            examples[number] = RowResult(
                number,
                row.key,
                EXAMPLE,
                cells={name: CellView(cell_text(raw), cell_text(raw)) for name, raw in by_field.items()},
            )
            report.notes.append(
                _("Row %(row)d is the template's example row (%(key)s); it is skipped.")
                % {"row": number, "key": row.key}
            )
            continue
        if kind == "standards" and by_field.get("replaced_by") is not None:
            row.replaced_by = normalise_standard_code(cell_text(by_field["replaced_by"]))
        if not row.key:
            if not spec.match_without_key:
                early_errors[number] = [f"{spec.field_label(spec.key)}: {_('This field is required.')}"]
        elif row.key in first_row:
            early_errors[number] = [
                _("%(field)s “%(key)s” is also on row %(row)d; each record may appear only once.")
                % {"field": spec.field_label(spec.key), "key": row.key, "row": first_row[row.key]}
            ]
        else:
            first_row[row.key] = number
        parsed.append(row)

    if not parsed:
        report.file_errors.append(
            _("The file holds only the template's example row; overwrite it with your data or add rows below it.")
        )
        return report

    importer = RowImporter(spec, user, commit=commit)
    order = parsed
    if kind == "standards":
        rejected = [r for r in parsed if r.number in early_errors]
        order, circles = _order_standards([r for r in parsed if r.number not in early_errors])
        for row in order:
            if row.number in circles:
                early_errors[row.number] = [circles[row.number]]
                importer.failed[row.key] = row.number
        order += rejected

    results: dict[int, RowResult] = dict(examples)
    total = len(parsed)
    with transaction.atomic():
        existing = spec.model.objects.in_bulk([r.key for r in parsed if r.key], field_name=spec.key)
        for done, row in enumerate(order, start=1):
            if row.number in early_errors:
                results[row.number] = RowResult(
                    row.number,
                    row.key,
                    ERROR,
                    early_errors[row.number],
                    cells={name: CellView(cell_text(raw), cell_text(raw)) for name, raw in row.cells.items()},
                )
            else:
                result = importer.process(row, existing.get(row.key))
                results[row.number] = result
                if result.is_error:
                    importer.failed.setdefault(row.key, row.number)
            if progress:
                progress(done, total)
        report.rows = [results[number] for number, _cells in table.rows]
        for result in report.rows:
            for name, cell in result.cells.items():
                cell.field = name
            result.cell_list = [result.cells.get(column.field) for column in report.columns]
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
    return report
