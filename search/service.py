"""The search service other code calls: which engine answers, and keeping every index true.

- ``search`` / ``suggest``: the cluster when ``SEARCH_URL`` names one, else the embedded engine.
  When the cluster does not answer, the embedded engine answers instead, with a notice, and the
  cluster is left alone for ``SEARCH_RETRY_SECONDS``.
- ``record_changed``: called (by ``search.signals``) whenever an indexed record is saved,
  published, unpublished or deleted. The embedded index is always kept (it is the fallback);
  the cluster is updated after the transaction commits, and an update it misses is queued in
  ``PendingIndexUpdate`` and replayed once the cluster answers again.
- ``rebuild``: every public record into every engine (a new cluster index, swapped in).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import SearchDoc, iter_documents, sources
from .engines.base import EngineUnavailable, SearchEngine, SearchResults, Suggestion, batched
from .engines.embedded import EmbeddedEngine
from .models import ClusterRebuild, PendingIndexUpdate

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = _(
    "The search cluster is not answering at the moment; these results come from the site's built-in search."
)

_lock = threading.Lock()
_clusters: dict[tuple, SearchEngine] = {}
_state = {"resting_until": 0.0, "next_replay": 0.0}
REPLAY_INTERVAL = 10.0  # seconds between two looks at the queue from a process that answers searches


def embedded_engine() -> EmbeddedEngine:
    return EmbeddedEngine()


def cluster_engine() -> SearchEngine | None:
    """The cluster engine ``SEARCH_URL`` names, or None for the embedded mode."""
    url = getattr(settings, "SEARCH_URL", "")
    if not url:
        return None
    from .engines.cluster import ClusterEngine

    key = (url, settings.SEARCH_INDEX_PREFIX, settings.SEARCH_TIMEOUT)
    with _lock:
        if key not in _clusters:
            _clusters[key] = ClusterEngine(url, prefix=settings.SEARCH_INDEX_PREFIX, timeout=settings.SEARCH_TIMEOUT)
        return _clusters[key]


def engines() -> list[SearchEngine]:
    """Every engine that is kept up to date: the embedded one, and the cluster if configured."""
    cluster = cluster_engine()
    return [embedded_engine(), *([cluster] if cluster else [])]


# --- the cluster's health ----------------------------------------------------------------------


def _cluster_resting() -> bool:
    return time.monotonic() < _state["resting_until"]


def _cluster_failed(exc: Exception) -> None:
    logger.warning("search cluster unavailable, using the embedded engine: %s", exc)
    _state["resting_until"] = time.monotonic() + float(getattr(settings, "SEARCH_RETRY_SECONDS", 10.0))


def _cluster_answered() -> None:
    _state["resting_until"] = 0.0
    if time.monotonic() >= _state["next_replay"]:
        _state["next_replay"] = time.monotonic() + REPLAY_INTERVAL
        try:
            if PendingIndexUpdate.objects.exists():
                replay_pending()
        except Exception:  # the search itself has answered; a failed replay is retried later
            logger.exception("replaying the missed search updates failed")


def reset_cluster_state() -> None:
    """Forget a failure (tests; an operator who knows the cluster is back)."""
    _state["resting_until"] = 0.0
    _state["next_replay"] = 0.0


# --- reading -----------------------------------------------------------------------------------


def search(
    query: str, filters: Mapping[str, Iterable[str]] | None = None, page: int = 1, size: int = 10
) -> SearchResults:
    """Results from the configured engine; raises ``text.QueryError`` for a query that is too long."""
    cluster = cluster_engine()
    if cluster is not None and not _cluster_resting():
        try:
            results = cluster.search(query, filters, page, size)
        except EngineUnavailable as exc:
            _cluster_failed(exc)
        else:
            _cluster_answered()
            return results
    results = embedded_engine().search(query, filters, page, size)
    if cluster is not None:
        results.notice = str(FALLBACK_NOTICE)
    return results


def suggest(prefix: str, size: int = 8) -> list[Suggestion]:
    cluster = cluster_engine()
    if cluster is not None and not _cluster_resting():
        try:
            suggestions = cluster.suggest(prefix, size)
        except EngineUnavailable as exc:
            _cluster_failed(exc)
        else:
            _cluster_answered()
            return suggestions
    return embedded_engine().suggest(prefix, size)


# --- writing -----------------------------------------------------------------------------------


def current_document(doc_type: str, object_id: str) -> SearchDoc | None:
    source = sources().get(doc_type)
    return source.document(object_id) if source else None


def _apply(engine: SearchEngine, doc_type: str, object_id: str, doc: SearchDoc | None) -> None:
    if doc is None:
        engine.delete(doc_type, object_id)
    else:
        engine.index([doc])


def queue_update(doc_type: str, object_id: str, error: str = "") -> None:
    updated = PendingIndexUpdate.objects.filter(doc_type=doc_type, object_id=object_id).update(
        attempts=F("attempts") + 1, last_error=error[:500], queued_at=timezone.now()
    )
    if not updated:
        PendingIndexUpdate.objects.get_or_create(
            doc_type=doc_type, object_id=object_id, defaults={"attempts": 1, "last_error": error[:500]}
        )


def update_cluster(doc_type: str, object_id: str) -> None:
    """Send the record's current state to the cluster, or queue it when the cluster is down."""
    cluster = cluster_engine()
    if cluster is None:
        return
    if _cluster_resting():
        queue_update(doc_type, object_id, "the cluster was not answering")
        return
    if ClusterRebuild.objects.exists():  # the new index may have read this record already
        queue_update(doc_type, object_id, "changed during a rebuild")
    try:
        _apply(cluster, doc_type, object_id, current_document(doc_type, object_id))
    except EngineUnavailable as exc:
        _cluster_failed(exc)
        queue_update(doc_type, object_id, str(exc))
    else:
        _cluster_answered()


def update_embedded(doc_type: str, object_id: str) -> None:
    _apply(embedded_engine(), doc_type, object_id, current_document(doc_type, object_id))


def record_changed(doc_type: str, object_id: str) -> None:
    """A record was saved, published, unpublished or deleted: every index follows, after commit.

    The work runs when the surrounding transaction commits (at once outside one), so it reads
    the committed record, with its many-to-many relations written, and a rolled-back change
    leaves the index alone.
    """
    object_id = str(object_id)

    def run() -> None:
        try:
            update_embedded(doc_type, object_id)
        except Exception:  # the record is saved; a failed index write must not turn that into an error
            logger.exception("could not update the embedded search index for %s:%s", doc_type, object_id)
        update_cluster(doc_type, object_id)

    transaction.on_commit(run)


def replay_pending(limit: int = 10_000) -> tuple[int, int]:
    """Send the queued updates to the cluster; returns (replayed, still queued)."""
    cluster = cluster_engine()
    if cluster is None:
        return 0, PendingIndexUpdate.objects.count()
    replayed = 0
    for chunk in batched(PendingIndexUpdate.objects.order_by("queued_at", "pk")[:limit].iterator(), 200):
        docs, deletes = [], []
        for item in chunk:
            doc = current_document(item.doc_type, item.object_id)
            if doc is None:
                deletes.append(item)
            else:
                docs.append(doc)
        try:
            if docs:
                cluster.index(docs)
            for item in deletes:
                cluster.delete(item.doc_type, item.object_id)
        except EngineUnavailable as exc:
            _cluster_failed(exc)
            break
        PendingIndexUpdate.objects.filter(pk__in=[item.pk for item in chunk]).delete()
        replayed += len(chunk)
    return replayed, PendingIndexUpdate.objects.count()


def rebuild(
    engine_names: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the named engines (default: all kept ones) from the public records.

    Returns documents written per engine. A cluster's queue is emptied by a successful rebuild:
    the new index holds every record as it is now.
    """
    wanted = set(engine_names) if engine_names else None
    types = list(types) if types else None
    total = sum(source.count() for name, source in sources().items() if types is None or name in types)
    summary: dict[str, int] = {}
    for engine in engines():
        kind = "cluster" if not isinstance(engine, EmbeddedEngine) else "embedded"
        if wanted and kind not in wanted and engine.name not in wanted:
            continue

        def report(done: int, engine_name: str = engine.name) -> None:
            if progress:
                progress(engine_name, done, total)

        if kind == "embedded":
            summary[engine.name] = engine.rebuild(iter_documents(types), progress=report)
            continue
        # Updates queued before the rebuild are in the new index as it reads the records now;
        # updates made while it runs are queued (``update_cluster``) and replayed after the swap.
        marker = ClusterRebuild.objects.create()
        try:
            summary[engine.name] = engine.rebuild(iter_documents(types), progress=report)
            if types is None:
                PendingIndexUpdate.objects.filter(queued_at__lt=marker.started_at).delete()
        finally:
            marker.delete()
        replay_pending()
    return summary
