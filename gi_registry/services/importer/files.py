"""Reading an uploaded spreadsheet (CSV in UTF-8 or GB18030, XLSX) into a ``Table``, with limits.

A crafted file must fail fast, not after minutes and gigabytes: a 231 KB XLSX can hold one row of
4.5 million cells, or ten million shared strings, and openpyxl (even ``read_only``) builds a whole
row in memory and reads the whole shared-strings table before the first row. So, before openpyxl
reads anything, the ZIP's directory is checked (entries, unpacked sizes, compression ratio), the
shared strings are read by a streaming parser that stops at ``IMPORT_MAX_SHARED_STRINGS`` entries
or ``IMPORT_MAX_SHARED_STRING_CHARS`` characters, and the sheet is pre-scanned the same way,
counting rows, cells and filled columns; only then does ``iter_rows`` run, bounded by the column
limit. A CSV is read line by line with a line-length limit. The limits are settings
(``IMPORT_MAX_*``, see the README's configuration table).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import cell_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: The default of ``IMPORT_MAX_ROWS``.
MAX_ROWS = 20_000
#: An XLSX is a ZIP; refuse one that would inflate beyond this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Excel's own widest sheet (column XFD): a row with more cell elements than this is not a real sheet.
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """What one import file may hold; read from the ``IMPORT_MAX_*`` settings at each import."""

    rows: int
    columns: int
    cells: int
    shared_strings: int
    shared_string_chars: int
    line_chars: int
    zip_entries: int
    zip_ratio: int

    @classmethod
    def from_settings(cls, rows: int | None = None) -> Limits:
        return cls(
            rows=rows if rows is not None else getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS),
            columns=getattr(settings, "IMPORT_MAX_COLUMNS", 60),
            cells=getattr(settings, "IMPORT_MAX_CELLS", 1_500_000),
            shared_strings=getattr(settings, "IMPORT_MAX_SHARED_STRINGS", 200_000),
            shared_string_chars=getattr(settings, "IMPORT_MAX_SHARED_STRING_CHARS", 2_000_000),
            line_chars=getattr(settings, "IMPORT_MAX_LINE_CHARS", 100_000),
            zip_entries=getattr(settings, "IMPORT_MAX_ZIP_ENTRIES", 500),
            zip_ratio=getattr(settings, "IMPORT_MAX_ZIP_RATIO", 200),
        )

    @property
    def raw_rows(self) -> int:
        """Rows read at all, empty ones included (blank but formatted rows go on and on)."""
        return 2 * self.rows + 1000


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
    fileobj: IO[bytes], filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int | None = None
) -> Table:
    """Read the first sheet of an uploaded ``.csv`` or ``.xlsx`` file; the first non-empty row holds the headers.

    The type is decided by the extension *and* checked against the content: an ``.xlsx`` must be
    a ZIP holding an Excel workbook, a ``.csv`` must be text (UTF-8, with or without BOM, else
    GB18030 as Chinese Excel writes it, or UTF-16 with a BOM). Files over ``max_bytes`` or with
    more than ``max_rows`` data rows (default ``IMPORT_MAX_ROWS``), or beyond the other
    ``IMPORT_MAX_*`` limits, are refused as soon as the limit is passed. Raises :class:`ImportFileError`.
    """
    limits = Limits.from_settings(max_rows)
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
        return _read_xlsx(data, limits)
    if extension == ".csv":
        return _table_from_rows(_csv_rows(data, limits), limits)
    if extension in (".xls", ".et", ".ods", ".numbers"):
        raise ImportFileError(_("This spreadsheet format cannot be read; save it as .xlsx (Excel workbook) or .csv."))
    raise ImportFileError(_("Only .csv and .xlsx files can be imported."))


def _too_many_rows(limits: Limits) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": limits.rows}
    )


def _too_many_columns(limits: Limits, row: int) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)d columns (row %(row)d); remove the extra columns.")
        % {"max": limits.columns, "row": row}
    )


def _table_from_rows(rows: Iterable[Sequence[Any]], limits: Limits) -> Table:
    """Skip empty rows (keeping spreadsheet row numbers), stop past ``limits.rows`` data rows or
    ``limits.columns`` filled columns. ``rows`` may be longer than the column limit by one cell
    (so that a filled cell just past it is seen); longer rows are cut first, without a copy."""
    headers: list[str] | None = None
    header_row = 1
    body: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(rows, start=1):
        if number > limits.raw_rows:
            raise _too_many_rows(limits)
        cells = [_clean_cell(value) for value in raw[: limits.columns + 1]]
        while cells and cells[-1] is None:
            cells.pop()
        if len(cells) > limits.columns or (
            len(raw) > limits.columns + 1 and any(_clean_cell(v) is not None for v in raw[limits.columns :])
        ):
            raise _too_many_columns(limits, number)
        if not cells:
            continue
        if headers is None:
            headers, header_row = [cell_text(c) for c in cells], number
            continue
        body.append((number, cells))
        if len(body) > limits.rows:
            raise _too_many_rows(limits)
    if headers is None:
        raise ImportFileError(_("The file has no header row."))
    return Table(headers, body, header_row)


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lstrip("\ufeff")
        return value or None
    return value


def _csv_rows(data: bytes, limits: Limits) -> Iterable[list[str]]:
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
    return _csv_reader(text, delimiter, limits)


def _csv_reader(text: str, delimiter: str, limits: Limits) -> Iterable[list[str]]:
    """The rows, one at a time; a line longer than ``limits.line_chars`` stops the reading."""

    def lines():
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > limits.line_chars:
                raise ImportFileError(
                    _("Line %(line)d of the file is longer than %(max)d characters; this is not a registry table.")
                    % {"line": number, "max": limits.line_chars}
                )
            yield line

    try:
        yield from csv.reader(lines(), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _decode(data: bytes, encodings: Sequence[str]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”."))


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    not_a_workbook = _("The file's name ends in .xlsx but its content is not an Excel workbook.")
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                _("This is an old-style (.xls) or password-protected workbook; save it as a plain .xlsx workbook.")
            )
        raise ImportFileError(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive, limits, not_a_workbook)
        reader = _limited_reader(io.BytesIO(data), limits)
        reader.read()
        workbook = reader.wb
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, BadZipFile, …)
        if isinstance(exc.__cause__ or exc.__context__, ImportFileError):  # openpyxl wraps ours
            raise (exc.__cause__ or exc.__context__) from None
        raise ImportFileError(not_a_workbook) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        with reader.archive.open(sheet._worksheet_path) as source:
            _check_sheet(source, limits)
        rows = sheet.iter_rows(max_col=limits.columns + 1, max_row=limits.raw_rows + 1, values_only=True)
        return _table_from_rows(rows, limits)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid ZIP
        raise ImportFileError(not_a_workbook) from exc
    finally:
        workbook.close()


def _check_archive(archive: zipfile.ZipFile, limits: Limits, not_a_workbook: str) -> None:
    """The ZIP's directory, before anything is unpacked: a workbook, not too many entries, not
    too large once unpacked, and no entry packed more tightly than ``limits.zip_ratio`` to one."""
    members = archive.infolist()
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise ImportFileError(not_a_workbook)
    too_large = ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))
    if len(members) > limits.zip_entries:
        raise too_large
    if sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise too_large
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > limits.zip_ratio * max(1, member.compress_size):
            raise ImportFileError(
                _("The workbook is packed suspiciously tightly (%(name)s); save it again from a spreadsheet program.")
                % {"name": member.filename}
            )


class _Refused(Exception):
    """Stops an expat parse from inside a handler (expat reports handler errors as its own)."""


def _expat_parse(source: IO[bytes], **handlers) -> None:
    """Feed ``source`` in 64 KB chunks to an expat parser with ``handlers``; no tree is built, so
    memory stays flat whatever the file holds. A DOCTYPE (entity tricks) is refused outright, as
    defusedxml would. Names are ``namespace-uri}local`` pairs."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def no_doctype(*args):
        raise _Refused(ImportFileError(_("The file's name ends in .xlsx but its content is not an Excel workbook.")))

    parser.StartDoctypeDeclHandler = no_doctype
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    try:
        while chunk := source.read(65536):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.args[0] from None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _check_sheet(source: IO[bytes], limits: Limits) -> None:
    """Stream the sheet's XML once and refuse it as soon as it has more rows, cells, or filled
    cells in a row than the limits allow; openpyxl would otherwise build a row of millions of
    cells in memory before handing it over. A cell counts as filled when it has a value, an
    inline string or a formula (not a mere format)."""
    state = {"rows": 0, "cells": 0, "row_cells": 0, "filled": 0, "number": 0, "in_cell": False}

    def start(name: str, attributes: dict) -> None:
        tag = _local(name)
        if tag == "c":
            state["cells"] += 1
            state["row_cells"] += 1
            state["in_cell"] = True
            if state["cells"] > limits.cells:
                raise _Refused(
                    ImportFileError(
                        _("The file has more than %(max)d cells; split it into smaller files.") % {"max": limits.cells}
                    )
                )
            if state["row_cells"] > EXCEL_MAX_COLUMNS:
                raise _Refused(_too_many_columns(limits, state["number"]))
        elif tag == "row":
            state["rows"] += 1
            state["row_cells"] = state["filled"] = 0
            r = attributes.get("r", "")
            state["number"] = int(r) if r.isdigit() else state["number"] + 1
            if state["rows"] > limits.raw_rows:
                raise _Refused(_too_many_rows(limits))
        elif state["in_cell"] and tag in ("v", "is", "f"):
            state["in_cell"] = False  # counted once per cell
            state["filled"] += 1
            if state["filled"] > limits.columns:
                raise _Refused(_too_many_columns(limits, state["number"]))

    def end(name: str) -> None:
        if _local(name) == "c":
            state["in_cell"] = False

    _expat_parse(source, StartElementHandler=start, EndElementHandler=end)


def _read_shared_strings(source: IO[bytes], limits: Limits) -> list[str]:
    """openpyxl's ``read_string_table`` (each ``<si>``: its ``<t>`` and its runs' ``<r><t>``, not
    phonetic ``<rPh>`` text, with ``x005F_`` removed), read by expat with limits on the number of
    entries and their characters in all, so a table of ten million strings fails at the limit."""
    strings: list[str] = []
    path: list[str] = []
    parts: list[str] = []
    total = {"chars": 0}
    capture = {"on": False}

    def start(name: str, attributes: dict) -> None:
        tag = _local(name)
        path.append(tag)
        if tag == "si":
            parts.clear()
        elif tag == "t" and (path[-2:] == ["si", "t"] or path[-3:] == ["si", "r", "t"]):
            capture["on"] = True

    def end(name: str) -> None:
        tag = path.pop()
        if tag == "t":
            capture["on"] = False
        elif tag == "si":
            text = "".join(parts).replace("x005F_", "")
            strings.append(text)
            total["chars"] += len(text)
            if len(strings) > limits.shared_strings:
                raise _Refused(
                    ImportFileError(
                        _("The workbook has more than %(max)d different texts; split it into smaller files.")
                        % {"max": limits.shared_strings}
                    )
                )
            if total["chars"] > limits.shared_string_chars:
                raise _Refused(
                    ImportFileError(
                        _(
                            "The workbook's texts are longer than %(max)d characters in all; split it into smaller files."
                        )
                        % {"max": limits.shared_string_chars}
                    )
                )

    def text(data: str) -> None:
        if capture["on"]:
            parts.append(data)
            if len(parts) > 1 and sum(map(len, parts)) > limits.shared_string_chars:  # one huge entry
                raise _Refused(
                    ImportFileError(
                        _(
                            "The workbook's texts are longer than %(max)d characters in all; split it into smaller files."
                        )
                        % {"max": limits.shared_string_chars}
                    )
                )

    _expat_parse(source, StartElementHandler=start, EndElementHandler=end, CharacterDataHandler=text)
    return strings


@cache  # openpyxl is imported on the first import, not when the site starts
def _limited_excel_reader():
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class LimitedExcelReader(ExcelReader):
        """openpyxl's reader, read-only and values only, whose shared strings are read with limits."""

        def __init__(self, fileobj: IO[bytes], limits: Limits) -> None:
            super().__init__(fileobj, read_only=True, data_only=True)
            self.limits = limits

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = _read_shared_strings(source, self.limits)

    return LimitedExcelReader


def _limited_reader(fileobj: IO[bytes], limits: Limits):
    return _limited_excel_reader()(fileobj, limits)
