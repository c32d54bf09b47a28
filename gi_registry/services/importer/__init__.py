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
  standard code (standards); a key that appears twice in one file is an error. An authorisation
  row may leave its number empty: it then updates the authorisation of the same producer, GI and
  start date, or is new and gets the next number by the registry's rule when saved.
- **The template's example row** (a key no real record has, ``guide.is_example_key``) is skipped
  with a note, never imported.
- **The report shows each cell as understood** (``RowResult.cells``: the text in the file, the
  value read — a choice's label, a township's name, a date — and the cell's errors).
- **Only the columns present are touched.** An empty cell clears an optional field; it never
  clears a required one (it keeps the current value, takes the model default, or — for a new
  record without a default — is an error).
- **Forgiving but unambiguous input:** headers as field names, English labels or Chinese labels;
  choices as the stored value or label text (``合作社``, ``地方标准``, ``DB50/T``); dates as
  ``2024-05-01``, ``2024/5/1``, ``2024.05.01``, ``2024年5月1日`` or Excel date cells; booleans as
  是/否, true/false, 1/0; several values separated by ``;`` ``；`` ``、`` or ``,``. A value that could
  mean two things is an error, never a guess.

Modules: ``files`` reads the upload into a ``Table`` (types, sizes, encodings), ``kinds`` says what
can be imported and under which headers, ``headers`` maps the header row to fields, ``cells`` parses
one cell, ``references`` finds the related records a cell names, ``guide`` writes the templates (example
row, what each column accepts), ``rows`` turns one row into one record, ``run`` processes the whole file inside one transaction, and ``report`` says what happened
to each row. Callers import from this package; the names below are its public interface.
"""

from __future__ import annotations

from .cells import CellError, parse_bool, parse_choice, parse_date
from .files import MAX_ROWS, MAX_UPLOAD_BYTES, ImportFileError, Table, read_table
from .guide import EXAMPLE_CREDIT_CODE, ColumnGuide, column_guides, guide_rows, is_example_key, template_rows
from .kinds import KINDS, ImportKind
from .report import ImportReport, RowResult
from .run import ProgressCallback, run_import

__all__ = [
    "EXAMPLE_CREDIT_CODE",
    "ColumnGuide",
    "column_guides",
    "guide_rows",
    "is_example_key",
    "template_rows",
    "KINDS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "CellError",
    "ImportFileError",
    "ImportKind",
    "ImportReport",
    "ProgressCallback",
    "RowResult",
    "Table",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "read_table",
    "run_import",
]
