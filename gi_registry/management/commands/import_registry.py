"""``manage.py import_registry {producers,authorisations,standards} FILE [--dry-run] [--user USERNAME]``.

Imports a CSV or XLSX spreadsheet all-or-nothing (see ``gi_registry.services.importer``): a
progress bar on stderr while the rows are checked, the row-by-row error report and a non-zero
exit when any row is bad (nothing is written then), and a one-line summary at the end.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import ProgressBar
from gi_registry.services.importer import KINDS, MAX_UPLOAD_BYTES, ImportFileError, read_table, run_import


class Command(BaseCommand):
    help = "Import producers, authorisations or standards from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="What the file holds.")
        parser.add_argument("file", help="A .csv (UTF-8 or GB18030) or .xlsx file; the first row holds the headers.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report, but write nothing.")
        parser.add_argument(
            "--user", help="Username the revisions and audit-log entries are recorded under; must hold the permissions."
        )

    def handle(self, *args, kind, file, dry_run, user, **options):
        spec = KINDS[kind]
        account = self.resolve_user(user, spec) if user else None
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            with path.open("rb") as handle:
                table = read_table(handle, path.name)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        self.stderr.write(_("Checking %(rows)d rows of %(file)s …") % {"rows": len(table.rows), "file": path.name})
        report = run_import(
            kind, table, user=account, commit=not dry_run, progress=ProgressBar(self.stderr, len(table.rows))
        )
        for note in report.notes:
            self.stderr.write(note)
        if not report.ok:
            for line in report.error_lines():
                self.stderr.write(line)
            raise CommandError(_("Import failed, nothing was written: %(summary)s") % {"summary": report.summary()})
        if dry_run:
            self.stdout.write(_("Dry run, nothing was written: %(summary)s") % {"summary": report.summary()})
        else:
            self.stdout.write(self.style.SUCCESS(_("Import finished: %(summary)s") % {"summary": report.summary()}))

    def resolve_user(self, username: str, spec):
        account = get_user_model().objects.filter(username=username, is_active=True).first()
        if account is None:
            raise CommandError(_("No active user “%(name)s”.") % {"name": username})
        if not (account.has_perm(spec.add_permission) and account.has_perm(spec.change_permission)):
            raise CommandError(
                _("The user “%(name)s” may not add and change %(what)s.") % {"name": username, "what": spec.label}
            )
        return account
