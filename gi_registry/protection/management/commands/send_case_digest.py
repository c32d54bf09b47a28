"""E-mail enforcement staff (执法人员 with an address) the new, overdue and soon-due cases (run daily by cron).

    python manage.py send_case_digest [--date 2026-12-05] [--send-empty]

Sent with Django's mail, so ``EMAIL_URL`` applies. Nothing is sent when there is nothing to report,
unless ``--send-empty``. See ``gi_registry.protection.digest``.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from gi_registry.protection.digest import send_case_digest


class Command(BaseCommand):
    help = "E-mail enforcement staff a digest of new and overdue protection cases."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); default: today (Beijing time).")
        parser.add_argument("--send-empty", action="store_true", help="Send even when no case is new, overdue or due.")

    def handle(self, *args, date=None, send_empty=False, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        sent, summary = send_case_digest(today, send_empty=send_empty)
        self.stdout.write(
            f"case digest {summary.today.isoformat()}: {len(summary.new)} new, {len(summary.overdue)} overdue, "
            f"{len(summary.due_soon)} due within a week; mailed to {sent} address(es)"
        )
