"""EPCIS capture: a document's events (or one event) validated, mapped onto batches and stored.

``capture_events`` is the one service the capture views, the background job and the benchmark
call. Rules:

* each event is checked against GS1's schema (``validation``) and mapped (``mapping``: one batch
  of ours, which the token speaks for); a bad event gets an error naming its index;
* identity is the GS1 event hash: an event already stored (a retried capture over a bad link) or
  sent twice in one document is stored once; in a document capture it is simply skipped (a
  retry succeeds), ``POST /epcis/events`` answers 409;
* ``rollback`` (the default ``GS1-Capture-Error-Behaviour``): any bad event and nothing is stored;
  ``proceed``: the good events are stored, the bad ones listed;
* storing is a few bulk inserts in one transaction (events, their EPC index rows, the trace
  events for the steps the trace page shows), so a 10,000-event document is not 50,000 queries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from gi_registry.trace.models import Batch, TraceEvent

from .. import problems
from ..models import CaptureJob, EpcisEvent, EpcisEventEpc
from . import mapping, validation

logger = logging.getLogger(__name__)
CHUNK = 500
ROLLBACK = CaptureJob.Behaviour.ROLLBACK
PROCEED = CaptureJob.Behaviour.PROCEED


def capture_limit() -> int:
    """Most events one capture takes (``EPCIS_CAPTURE_LIMIT``, GS1-EPCIS-Capture-Limit)."""
    return int(getattr(settings, "EPCIS_CAPTURE_LIMIT", 10000))


@dataclass
class CaptureResult:
    stored: list[EpcisEvent] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"index", "type", "title", "detail"}
    duplicates: list[tuple[int | None, EpcisEvent | None]] = field(default_factory=list)


def _error(index, type_, title, detail) -> dict:
    return {"index": index, "type": type_, "title": title, "detail": str(detail)}


def capture_events(
    events: list,
    context,
    token,
    behaviour: str = ROLLBACK,
    job: CaptureJob | None = None,
    in_document: bool = True,
    progress=None,
) -> CaptureResult:
    """Validate, map and store ``events`` for ``token`` (see the module docstring)."""
    result = CaptureResult()
    resolver = mapping.EpcResolver()
    allowed = set(token.batches().values_list("pk", flat=True))
    resolver.prefetch(
        value for event in events if isinstance(event, dict) for _level, value in mapping.event_epcs(event)
    )
    mapped_events: list[mapping.MappedEvent] = []
    seen: dict[str, int] = {}
    for index, event in enumerate(events):
        position = index if in_document else None
        found = validation.validate_event(event, position, in_document=in_document)
        if found:
            detail = "; ".join(str(p) for p in found)
            result.errors.append(_error(position, problems.VALIDATION, "Invalid event", detail))
            continue
        try:
            mapped = mapping.map_event(event, context, resolver, allowed, position)
        except mapping.MappingError as refused:
            prefix = _("Event %(index)s: ") % {"index": index} if in_document else ""
            result.errors.append(_error(position, refused.type, refused.title, prefix + refused.detail))
            continue
        if mapped.event_hash in seen:
            result.duplicates.append((position, None))
            continue
        seen[mapped.event_hash] = index
        mapped_events.append(mapped)
        if progress and index % 500 == 0:
            progress(index)
    mapped_events = _without_stored(mapped_events, result)
    if result.errors and behaviour == ROLLBACK:
        return result
    try:
        result.stored = _store(mapped_events, job)
    except IntegrityError:
        # Another capture stored one of these events meanwhile: check again, store the rest.
        mapped_events = _without_stored(mapped_events, result)
        result.stored = [] if (result.errors and behaviour == ROLLBACK) else _store(mapped_events, job)
    return result


def _without_stored(mapped_events: list, result: CaptureResult) -> list:
    """Drop events already stored (same hash: a duplicate) and refuse an eventID already used by
    a different event."""
    keep = []
    for start in range(0, len(mapped_events), CHUNK):
        chunk = mapped_events[start : start + CHUNK]
        by_hash = {e.event_hash: e for e in EpcisEvent.objects.filter(event_hash__in=[m.event_hash for m in chunk])}
        taken_ids = set(
            EpcisEvent.objects.filter(event_id__in=[m.event_id for m in chunk]).values_list("event_id", flat=True)
        )
        for mapped in chunk:
            if mapped.event_hash in by_hash:
                result.duplicates.append((mapped.index, by_hash[mapped.event_hash]))
            elif mapped.event_id in taken_ids:
                result.errors.append(
                    _error(
                        mapped.index,
                        problems.RESOURCE_ALREADY_EXISTS,
                        "Conflict",
                        _("The eventID %(id)s is already used by a different event.") % {"id": mapped.event_id},
                    )
                )
            else:
                keep.append(mapped)
    return keep


@transaction.atomic
def _store(mapped_events: list, job: CaptureJob | None) -> list[EpcisEvent]:
    if not mapped_events:
        return []
    # Trace events: a step the trace page already shows (same batch, step, time, place) is not
    # added again, and is linked to at most one EPCIS event.
    wanted = {m.trace_event.event_hash: m.trace_event for m in mapped_events if m.trace_event is not None}
    existing = {}
    hashes = list(wanted)
    for start in range(0, len(hashes), CHUNK):
        for trace_event in TraceEvent.objects.filter(event_hash__in=hashes[start : start + CHUNK]):
            existing[trace_event.event_hash] = trace_event
    linked = set(
        EpcisEvent.objects.filter(trace_event__in=list(existing.values())).values_list("trace_event_id", flat=True)
    )
    new_trace = [t for h, t in wanted.items() if h not in existing]
    TraceEvent.objects.bulk_create(new_trace, batch_size=CHUNK)
    existing.update({t.event_hash: t for t in new_trace})

    events = []
    for mapped in mapped_events:
        event = mapping.new_event(mapped, job)
        if mapped.trace_event is not None:
            trace_event = existing[mapped.trace_event.event_hash]
            if trace_event.pk not in linked:
                event.trace_event = trace_event
                linked.add(trace_event.pk)
        events.append(event)
    EpcisEvent.objects.bulk_create(events, batch_size=CHUNK)
    rows = [
        EpcisEventEpc(event=event, level=level, value=value)
        for event, mapped in zip(events, mapped_events, strict=True)
        for level, value in mapped.epcs
    ]
    EpcisEventEpc.objects.bulk_create(rows, batch_size=CHUNK * 4)
    # The trace page caches a batch under its updated_at: new events show at once.
    Batch.objects.filter(pk__in={m.batch.pk for m in mapped_events}).update(updated_at=timezone.now())
    return events


def run_job(job: CaptureJob, token=None) -> CaptureJob:
    """Capture a job's document and record the outcome on the job (its document is cleared)."""
    token = token or job.token
    document = job.document or {}
    events = validation.document_events(document)
    try:
        result = capture_events(events, document.get("@context"), token, job.behaviour, job=job)
    except Exception:
        logger.exception("EPCIS capture job %s failed", job.pk)
        result = CaptureResult(
            errors=[_error(None, problems.IMPLEMENTATION, "Internal error", _("The capture failed; try again."))]
        )
    job.errors = result.errors
    job.captured_count = len(result.stored)
    job.status = CaptureJob.Status.FAILED if result.errors else CaptureJob.Status.SUCCESS
    job.document = None
    job.finished_at = timezone.now()
    job.save(update_fields=["errors", "captured_count", "status", "document", "finished_at"])
    return job


@task(backend="background")
def run_capture_job(job_id: str, language: str = "") -> None:
    """The task queue's entry (``manage.py db_worker --backend background``); the errors are
    written in the language of the capture request."""
    job = CaptureJob.objects.select_related("token__organisation", "token__producer").filter(pk=job_id).first()
    if job is None or job.status != CaptureJob.Status.RUNNING:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        run_job(job)


def start_job(document: dict, token, behaviour: str) -> CaptureJob:
    """Store a capture job for ``document`` and queue it; returns the job (status ``running``)."""
    job = CaptureJob.objects.create(
        token=token,
        behaviour=behaviour,
        document=document,
        event_count=len(validation.document_events(document)),
    )
    run_capture_job.enqueue(str(job.pk), translation.get_language() or "")
    return job
