"""Keeping open cases' deadlines true to the holiday list: a holiday entered (or removed) after a
case arrived moves its deadlines, because the working days between receipt and due date changed."""

from __future__ import annotations

from .models import Case
from .workdays import Calendar


def recompute_open_deadlines() -> int:
    """Recompute ``accept_due``/``verify_due`` of every open case from the holiday list; returns how
    many cases changed."""
    calendar = Calendar.from_database()
    changed = 0
    for case in Case.objects.open().only("pk", "kind", "received_at", "accept_due", "verify_due"):
        before = (case.accept_due, case.verify_due)
        case.set_deadlines(calendar)
        if (case.accept_due, case.verify_due) != before:
            Case.objects.filter(pk=case.pk).update(accept_due=case.accept_due, verify_due=case.verify_due)
            changed += 1
    return changed


def on_holiday_changed(sender, **kwargs) -> None:
    recompute_open_deadlines()
