"""The import report: what was (or would be) done with each row, and the file-level problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CREATE, UPDATE, UNCHANGED, ERROR, EXAMPLE = "create", "update", "unchanged", "error", "example"
ACTION_LABELS = {
    EXAMPLE: gettext_lazy("Example row, skipped"),
    CREATE: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}


@dataclass(frozen=True)
class Column:
    """A column of the file the import read: the field, the header as written, its letter (A, B, …)."""

    field: str
    header: str
    letter: str


@dataclass
class CellView:
    """One cell as written in the file and as the import understood it, with its errors."""

    raw: str
    shown: str
    errors: list[str] = field(default_factory=list)
    field: str = ""

    @property
    def reinterpreted(self) -> bool:
        """The import read the cell as something other than its text (a label, a name, a date)."""
        return bool(self.raw) and self.raw != self.shown


@dataclass
class RowResult:
    """What the import did (or would do) with one spreadsheet row."""

    row: int
    key: str
    action: str
    messages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    #: field → the cell as written and as understood (the preview's columns)
    cells: dict[str, CellView] = field(default_factory=dict)
    #: the errors that belong to no one cell of the file (the record as a whole, a column not in the file)
    row_messages: list[str] | None = None
    cell_list: list[CellView | None] = field(default_factory=list)

    @property
    def general_messages(self) -> list[str]:
        return self.messages if self.row_messages is None else self.row_messages

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
    columns: list[Column] = field(default_factory=list)

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

    @property
    def error_cells(self) -> list[dict]:
        """Every error with its row and cell: ``{"row", "key", "cell", "header", "value", "message"}``
        (``cell`` like ``E3``; empty for an error of the row as a whole)."""
        entries = []
        for result in self.error_rows:
            for column in self.columns:
                cell = result.cells.get(column.field)
                for message in cell.errors if cell else ():
                    entries.append(
                        {
                            "row": result.row,
                            "key": result.key,
                            "cell": f"{column.letter}{result.row}",
                            "header": column.header,
                            "value": cell.raw,
                            "message": message,
                        }
                    )
            for message in result.general_messages:
                entries.append(
                    {"row": result.row, "key": result.key, "cell": "", "header": "", "value": "", "message": message}
                )
        return entries

    def summary(self) -> str:
        """One line: counts by action and the number of rows."""
        return _(
            "%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(errors)d with errors (%(rows)d rows)"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "rows": len(self.rows) - self.count(EXAMPLE),  # a template's example row is no data
        }

    def error_lines(self) -> list[str]:
        """The row-by-row error report, one line per message, naming the cell where there is one."""
        lines = list(self.file_errors)
        for entry in self.error_cells:
            if entry["cell"]:
                lines.append(
                    _("Row %(row)d (%(key)s), %(header)s %(cell)s “%(value)s”: %(message)s")
                    % {**entry, "key": entry["key"] or "—"}
                )
            else:
                lines.append(
                    _("Row %(row)d (%(key)s): %(message)s")
                    % {"row": entry["row"], "key": entry["key"] or "—", "message": entry["message"]}
                )
        return lines
