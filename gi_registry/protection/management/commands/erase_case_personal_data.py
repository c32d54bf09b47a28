"""Erase the phone numbers and photos (files too) of reports whose case was closed more than
``PROTECTION_RETENTION_DAYS`` days ago (PIPL; run daily by cron).

    python manage.py erase_case_personal_data [--dry-run]

Prints progress and ends with one line saying what it removed (or would remove). See
``gi_registry.protection.retention``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from core.progress import ProgressBar
from gi_registry.protection.retention import due_reports, erase_personal_data


class Command(BaseCommand):
    help = "Erase phone numbers and photos of reports on cases closed longer ago than PROTECTION_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed; remove nothing.")

    def handle(self, *args, dry_run=False, **options):
        bar = ProgressBar(self.stderr, due_reports().count(), "reports")
        summary = erase_personal_data(dry_run=dry_run, progress=bar)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"personal data of cases closed over {settings.PROTECTION_RETENTION_DAYS} days ago: {verb} "
            f"{summary.phones} phone number(s) and {summary.photos} photo(s) ({summary.photo_bytes} bytes) "
            f"from {summary.reports} report(s) in {summary.cases} case(s)" + (" (dry run)" if dry_run else "")
        )
