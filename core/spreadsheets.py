"""Spreadsheet output that cannot carry a formula: the one writer for every CSV and XLSX we produce.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before reading the rest as a formula) is run as a formula by Excel, LibreOffice and
Google Sheets: ``=HYPERLINK("http://evil.example","x")`` typed into the contact form becomes a
link in the office's spreadsheet. Following OWASP's "CSV injection" advice, such a *string* is
written with a single quote in front (``'=HYPERLINK(…)``), which spreadsheet programs show as text.

What stays as it is:

- real numbers (``int``, ``float``, ``Decimal``), dates and ``None``: they are not text, so a
  negative quantity stays a number;
- a string that is only a signed number (``"-5"``, ``"+3.5"``, ``"-1,200"``, ``"-12%"``): a
  spreadsheet reads it as that number and nothing else, so the quote would only spoil the value.

This module imports none of our apps (it is meant for a shared core package); Wagtail is imported
only inside :func:`guard_wagtail_exports`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Sign, digits, then only digits, separators and an optional percent sign: no room for a formula.
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9][0-9.,]*%?")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: a string a spreadsheet would run as a formula
    gets a leading ``'``; anything else (numbers, dates, ``None``, safe strings) is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _SIGNED_NUMBER.fullmatch(value):
        return ESCAPE + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


class _Line:
    """A file-like object whose ``write`` returns the line, for ``csv`` writers in a generator."""

    def write(self, value: str) -> str:
        return value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`neutralise` (``raw=True``: unchanged,
    for consumers who asked for the values as stored)."""

    def __init__(self, file=None, *, raw: bool = False, **fmtparams):
        self._writer = csv.writer(file if file is not None else _Line(), **fmtparams)
        self.raw = raw

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(list(row) if self.raw else neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` with every cell, header included, passed through :func:`neutralise`."""

    def __init__(self, file=None, fieldnames=(), **kwargs):
        super().__init__(file if file is not None else _Line(), fieldnames, **kwargs)

    def writerow(self, rowdict):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        # csv.DictWriter.writerows bypasses writerow
        for rowdict in rowdicts:
            self.writerow(rowdict)


def csv_lines(rows: Iterable[Iterable[Any]], *, raw: bool = False, bom: bool = True) -> Iterator[str]:
    """CSV text, one line at a time (for a ``StreamingHttpResponse``); ``bom``: start with a
    byte-order mark so that spreadsheet programs read the Chinese as UTF-8."""
    writer = SafeWriter(raw=raw)
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


@dataclass
class Sheet:
    """One worksheet for :func:`xlsx_bytes`: rows of values, the first ``header_rows`` bold and frozen.

    ``widths``: column widths in characters; ``text_columns``: 0-based columns kept as text
    (Excel would turn an all-digit credit code or a phone number into a number and lose digits);
    ``choices``: 0-based column → values offered as a drop-down list below the header (a hint,
    not a lock: other values may still be typed); ``wrap``: wrap long text.
    """

    title: str
    rows: Sequence[Sequence[Any]]
    header_rows: int = 1
    widths: Sequence[int] = ()
    text_columns: frozenset[int] = frozenset()
    choices: Mapping[int, Sequence[str]] = field(default_factory=dict)
    wrap: bool = False


#: How many rows below the header get the drop-down lists.
XLSX_PREPARED_ROWS = 1000


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets``, every cell passed through :func:`neutralise`.

    Dates are written as date cells shown as ``yyyy-mm-dd``. The drop-down lists read their values
    from a hidden sheet (an inline list is limited to 255 characters).
    """
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.remove(workbook.active)
    lists, list_count = None, 0
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for row in spec.rows:
            sheet.append(neutralise_row(row))
        bold = Font(bold=True)
        for row in sheet.iter_rows(min_row=1, max_row=spec.header_rows):
            for cell in row:
                cell.font = bold
        if spec.header_rows:
            sheet.freeze_panes = sheet.cell(row=spec.header_rows + 1, column=1)
        for row in sheet.iter_rows(min_row=spec.header_rows + 1):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                if spec.wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        first, last = spec.header_rows + 1, spec.header_rows + XLSX_PREPARED_ROWS
        for column in spec.text_columns:  # the column's style (new cells) and the cells written
            sheet.column_dimensions[get_column_letter(column + 1)].number_format = "@"
            for row_number in range(first, sheet.max_row + 1):
                sheet.cell(row=row_number, column=column + 1).number_format = "@"
        for column, values in spec.choices.items():
            if not values:
                continue
            if lists is None:
                lists = workbook.create_sheet("lists")
                lists.sheet_state = "hidden"
            list_count += 1
            list_column = get_column_letter(list_count)
            for offset, value in enumerate(values, start=1):
                lists[f"{list_column}{offset}"] = neutralise(value)
            source = f"{quote_sheetname(lists.title)}!${list_column}$1:${list_column}${len(values)}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
            letter = get_column_letter(column + 1)
            validation.add(f"{letter}{first}:{letter}{last}")
            sheet.add_data_validation(validation)
    if lists is not None:
        workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def guard_wagtail_exports() -> None:
    """Neutralise every cell and heading of Wagtail's spreadsheet exports, CSV and XLSX.

    Why a patch: ``wagtail.admin.views.mixins.SpreadsheetExportMixin`` is the base of every
    listing export Wagtail serves — each ``SnippetViewSet``/``ModelViewSet`` index view, the
    reports (site history, locked pages, aging pages, workflows) and the form-submission export —
    and Wagtail has no hook for cell formatting. Wrapping its ``preprocess_field_value`` (every
    cell, both formats, after Wagtail's own conversion) and ``get_heading`` (form-field labels are
    typed by editors) once, at start-up, covers all of them, including views added later. For
    XLSX Wagtail already stores a cell openpyxl takes for a formula as text; the quote also keeps
    it text when someone edits the cell or saves the sheet as CSV. Idempotent.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "formula_guard", False):
        return
    preprocess_field_value = SpreadsheetExportMixin.preprocess_field_value
    get_heading = SpreadsheetExportMixin.get_heading

    def guarded_preprocess_field_value(self, field, value, export_format):
        return neutralise(preprocess_field_value(self, field, value, export_format))

    def guarded_get_heading(self, queryset, field):
        return neutralise(get_heading(self, queryset, field))

    SpreadsheetExportMixin.preprocess_field_value = guarded_preprocess_field_value
    SpreadsheetExportMixin.get_heading = guarded_get_heading
    SpreadsheetExportMixin.formula_guard = True
