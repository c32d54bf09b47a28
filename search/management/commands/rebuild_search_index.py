"""Rebuild the public search index from the published records.

    python manage.py rebuild_search_index                 # every engine in use
    python manage.py rebuild_search_index --engine embedded
    python manage.py rebuild_search_index --replay        # only send the updates a cluster missed

The embedded index is refilled in one transaction; a cluster gets a new versioned index that the
alias is swapped to at the end, so searches never see a half-built index.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from search import service
from search.documents import sources
from search.engines.base import EngineUnavailable


class Command(BaseCommand):
    help = "Rebuild the search index (embedded and, when SEARCH_URL is set, the cluster) from public records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--engine", action="append", choices=["embedded", "cluster"], help="only this engine (repeatable)"
        )
        parser.add_argument("--type", action="append", dest="types", help="only these document types (gi, producer, …)")
        parser.add_argument("--replay", action="store_true", help="only replay the updates the cluster missed")

    def progress(self, engine: str, done: int, total: int) -> None:
        """One bar per engine, labelled with its name."""
        bar = self.bars.setdefault(engine, ProgressBar(self.stderr, total, f"{engine:<20}"))
        bar(done, total)

    def handle(self, *args, engine=None, types=None, replay=False, **options):
        self.bars: dict[str, ProgressBar] = {}
        unknown = set(types or []) - set(sources())
        if unknown:
            raise CommandError(f"Unknown document type(s): {', '.join(sorted(unknown))}; known: {', '.join(sources())}")
        if replay:
            try:
                replayed, remaining = service.replay_pending()
            except EngineUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Replayed {replayed} missed update(s); {remaining} still queued.")
            return
        started = time.perf_counter()
        try:
            summary = service.rebuild(engine_names=engine, types=types, progress=self.progress)
        except EngineUnavailable as exc:
            raise CommandError(f"The search cluster is not answering: {exc}") from exc
        seconds = time.perf_counter() - started
        parts = ", ".join(f"{name}: {count}" for name, count in summary.items()) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt in {seconds:.1f} s ({parts} documents)."))
