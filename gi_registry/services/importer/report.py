"""The import report: what was (or would be) done with each row, and the file-level problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}


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
