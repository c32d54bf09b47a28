"""Write the scans left in the journal files of web workers that died before writing them.

A running web worker does this itself (at its scan writer's start and every 30 s); run this
after a crash or before a deploy to have them written at once. Files of live processes are
left alone (each is locked by its process), so it is safe to run at any time.
"""

from django.core.management.base import BaseCommand

from gi_registry.trace import scans


class Command(BaseCommand):
    help = "Write the scans journalled by web workers that were killed before writing them."

    def handle(self, *args, **options):
        directory = scans.journal_directory()
        if directory is None:
            self.stdout.write("scan journal is off (TRACE_SCAN_JOURNAL_DIR is empty); nothing to replay")
            return
        written = scans.replay_scan_journals()
        self.stdout.write(f"replayed scan journals in {directory}: {written} scans written")
