"""Reading an uploaded spreadsheet (CSV in UTF-8 or GB18030, XLSX) into a ``Table``, with limits."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.utils.translation import gettext as _

from .cells import cell_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: An XLSX is a ZIP; refuse one that would inflate beyond this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 100


class ImportFileError(ValueError):
    """The upload cannot be read as a table: wrong type, too large, not text, too many rows."""


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """Headers and the non-empty data rows of a sheet, each with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1

    @classmethod
    def from_dicts(cls, rows: Sequence[Mapping[str, Any]]) -> Table:
        headers = list(dict.fromkeys(key for row in rows for key in row))
        return cls(headers, [(number, [row.get(h) for h in headers]) for number, row in enumerate(rows, start=2)])


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "ZIP/XLSX",
    b"\xd0\xcf\x11\xe0": "Excel 97-2003 (.xls)",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"MZ": "Windows program",
    b"\x7fELF": "program",
}


def read_table(
    fileobj: IO[bytes], filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int = MAX_ROWS
) -> Table:
    """Read the first sheet of an uploaded ``.csv`` or ``.xlsx`` file; the first non-empty row holds the headers.

    The type is decided by the extension *and* checked against the content: an ``.xlsx`` must be
    a ZIP holding an Excel workbook, a ``.csv`` must be text (UTF-8, with or without BOM, else
    GB18030 as Chinese Excel writes it, or UTF-16 with a BOM). Files over ``max_bytes`` or with
    more than ``max_rows`` data rows are refused. Raises :class:`ImportFileError`.
    """
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xlsx":
        return _read_xlsx(data, max_rows)
    if extension == ".csv":
        return _table_from_rows(_csv_rows(data), max_rows)
    if extension in (".xls", ".et", ".ods", ".numbers"):
        raise ImportFileError(_("This spreadsheet format cannot be read; save it as .xlsx (Excel workbook) or .csv."))
    raise ImportFileError(_("Only .csv and .xlsx files can be imported."))


def _table_from_rows(rows: Iterable[Sequence[Any]], max_rows: int) -> Table:
    """Skip empty rows (keeping spreadsheet row numbers), stop at ``max_rows`` data rows."""
    too_many = ImportFileError(
        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows}
    )
    headers: list[str] | None = None
    header_row = 1
    body: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(rows, start=1):
        if number > 2 * max_rows + 1000:  # blank (but formatted) rows go on and on
            raise too_many
        cells = [_clean_cell(value) for value in list(raw)[:MAX_COLUMNS]]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        if headers is None:
            headers, header_row = [cell_text(c) for c in cells], number
            continue
        body.append((number, cells))
        if len(body) > max_rows:
            raise too_many
    if headers is None:
        raise ImportFileError(_("The file has no header row."))
    return Table(headers, body, header_row)


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lstrip("\ufeff")
        return value or None
    return value


def _csv_rows(data: bytes) -> list[list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(data, ("utf-16",))
    else:
        for signature, what in _BINARY_SIGNATURES.items():
            if data.startswith(signature):
                raise ImportFileError(
                    _("The file's name ends in .csv but its content is a %(what)s file, not CSV text.") % {"what": what}
                )
        if b"\x00" in data:
            raise ImportFileError(_("The file's content is binary, not CSV text."))
        text = _decode(data, ("utf-8-sig", "gb18030"))
    if re.search(r"[\x01-\x08\x0b\x0e-\x1f]", text):
        raise ImportFileError(_("The file's content is binary, not CSV text."))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _decode(data: bytes, encodings: Sequence[str]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”."))


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    not_a_workbook = _("The file's name ends in .xlsx but its content is not an Excel workbook.")
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                _("This is an old-style (.xls) or password-protected workbook; save it as a plain .xlsx workbook.")
            )
        raise ImportFileError(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise ImportFileError(not_a_workbook)
            if sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, BadZipFile, …)
        raise ImportFileError(not_a_workbook) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        return _table_from_rows(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid ZIP
        raise ImportFileError(not_a_workbook) from exc
    finally:
        workbook.close()
