"""Large label sheets and print-shop ZIPs, built by a background task instead of in the request.

A 5,960-code PDF takes about 14 s of a web worker, and any producer may ask again and again. So
a download of more than ``LABEL_SYNC_MAX_CODES`` codes (PDF or ZIP; the CSV is cheap and stays in
the request) creates a ``LabelJob`` and enqueues ``render_label_job`` (django-tasks: run by
``manage.py db_worker``); the user is sent to the job's page, which refreshes itself until the
file is ready and then links to it. The same request for the same codes (``request_digest``:
batch, its last change, format, layout, error correction, issuance and the codes themselves)
while a job is waiting, running or done returns that job instead of rendering again; a failed
job is replaced by a new one. Who may see a job: whoever may view its batch (officers every
batch, a producer account its own producers' batches), so another producer gets 404.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from . import labels
from .models import Batch, LabelJob, TraceCode
from .permissions import batches_for

logger = logging.getLogger(__name__)

#: Formats that may be built off the request; the CSV is always built at once.
JOB_FORMATS = (LabelJob.Format.PDF, LabelJob.Format.ZIP)


def sync_max_codes() -> int:
    """More codes than this are rendered by a background task (``LABEL_SYNC_MAX_CODES``)."""
    return settings.LABEL_SYNC_MAX_CODES


def label_codes(batch: Batch, fmt: str, run: datetime.datetime | None = None) -> QuerySet:
    """The codes a download of ``batch`` covers: one issuance (``run``) or all; active only for
    label sheets (a withdrawn code is not printed again), every status for the CSV and ZIP."""
    codes = TraceCode.objects.filter(batch=batch).order_by("issued_at", "pk")
    if run is not None:
        codes = codes.filter(issued_at=run)
    if fmt == "pdf":
        codes = codes.filter(status=TraceCode.Status.ACTIVE)
    return codes


def request_digest(batch: Batch, fmt: str, layout: str, ec: str, run: str, code_ids: list[int]) -> str:
    """What makes two requests the same file: the batch as of its last change, the options and
    exactly which codes."""
    digest = hashlib.sha256()
    digest.update(f"{batch.pk}|{batch.updated_at.isoformat()}|{fmt}|{layout}|{ec}|{run}|".encode())
    digest.update(",".join(map(str, code_ids)).encode())
    return digest.hexdigest()


def jobs_for(user) -> QuerySet:
    """The label jobs ``user`` may see: those of the batches the user may view."""
    return LabelJob.objects.filter(batch__in=batches_for(user)).select_related("batch")


def request_job(user, batch: Batch, fmt: str, layout: str, ec: str, run: str, code_ids: list[int]) -> LabelJob:
    """The waiting, running or finished job for these codes, or a new one with its task enqueued."""
    digest = request_digest(batch, fmt, layout, ec, run, code_ids)
    reusable = [LabelJob.Status.PENDING, LabelJob.Status.RUNNING, LabelJob.Status.DONE]
    job = LabelJob.objects.filter(batch=batch, digest=digest, status__in=reusable).order_by("-created_at").first()
    if job is not None:
        return job
    job = LabelJob.objects.create(
        token=uuid.uuid4(),
        batch=batch,
        created_by=user if user.is_authenticated else None,
        fmt=fmt,
        layout=layout if fmt == LabelJob.Format.PDF else "",
        ec=ec,
        run=run,
        code_count=len(code_ids),
        digest=digest,
    )
    render_label_job.enqueue(job.pk)
    return job


def render(job: LabelJob) -> tuple[bytes, str]:
    """The file of ``job`` and its name (the same renderers as the download in the request)."""
    batch = Batch.objects.select_related("producer").get(pk=job.batch_id)
    run = datetime.datetime.fromisoformat(job.run) if job.run else None
    codes = list(label_codes(batch, job.fmt, run))
    for code in codes:
        code.batch = batch

    def progress(done: int) -> None:
        LabelJob.objects.filter(pk=job.pk).update(progress=done)

    if job.fmt == LabelJob.Format.PDF:
        body = labels.label_sheet_pdf(labels.label_data(codes), job.layout or "3x8", job.ec, progress=progress)
        return body, f"{batch.lot_number}-labels-{job.layout or '3x8'}.pdf"
    body = labels.codes_zip(labels.code_rows(codes), job.ec)
    progress(len(codes))
    return body, f"{batch.lot_number}-codes.zip"


@task(backend="background")
def render_label_job(job_id: int) -> None:
    """Render a label job's file to storage (run by ``manage.py db_worker``); a failure is kept
    on the job (status "failed", the error) for its page to show."""
    job = LabelJob.objects.filter(pk=job_id, status=LabelJob.Status.PENDING).first()
    if job is None:
        return  # done already, or gone with its batch
    LabelJob.objects.filter(pk=job.pk).update(status=LabelJob.Status.RUNNING)
    try:
        body, name = render(job)
        job.file.save(name, ContentFile(body), save=False)
    except Exception as exc:
        logger.exception("label job %s failed", job.pk)
        LabelJob.objects.filter(pk=job.pk).update(
            status=LabelJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    LabelJob.objects.filter(pk=job.pk).update(
        status=LabelJob.Status.DONE, file=job.file.name, progress=job.code_count, finished_at=timezone.now()
    )
