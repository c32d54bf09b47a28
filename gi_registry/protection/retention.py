"""The retention rule (PIPL): a report's phone number and photos (the files too) are erased
``PROTECTION_RETENTION_DAYS`` days after its case was closed (or refused). What stays: the case,
the report's other fields (where, when, what was wrong, the evidence, which holds no personal
data), the consent text as shown, and ``personal_data_erased_at`` saying when it was erased.
Run daily by ``manage.py erase_case_personal_data``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Case, Report, ReportPhoto, private_storage


@dataclass
class ErasureSummary:
    cases: int = 0
    reports: int = 0
    phones: int = 0
    photos: int = 0
    photo_bytes: int = 0


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.PROTECTION_RETENTION_DAYS)


def due_reports(now: datetime.datetime | None = None):
    """Reports not yet erased whose case was closed or refused before the retention cut-off."""
    return Report.objects.filter(
        personal_data_erased_at__isnull=True,
        case__status__in=[Case.Status.CLOSED, Case.Status.REJECTED],
        case__closed_at__lt=cutoff(now),
    ).order_by("pk")


def erase_personal_data(
    now: datetime.datetime | None = None, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ErasureSummary:
    now = now or timezone.now()
    summary = ErasureSummary()
    case_ids: set[int] = set()
    for done, report in enumerate(due_reports(now).prefetch_related("photos"), start=1):
        photos = list(report.photos.all())
        summary.reports += 1
        summary.phones += bool(report.phone)
        summary.photos += len(photos)
        summary.photo_bytes += sum(photo.size for photo in photos)
        case_ids.add(report.case_id)
        if not dry_run:
            _erase_report(report, photos, now)
        if progress:
            progress(done)
    summary.cases = len(case_ids)
    if not dry_run and case_ids:
        Case.objects.filter(pk__in=case_ids, personal_data_erased_at__isnull=True).update(personal_data_erased_at=now)
    return summary


def _erase_report(report: Report, photos: list[ReportPhoto], now: datetime.datetime) -> None:
    names = [photo.image.name for photo in photos if photo.image.name]
    with transaction.atomic():
        ReportPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        Report.objects.filter(pk=report.pk).update(phone="", personal_data_erased_at=now)
        # the files go once the rows are gone for good
        transaction.on_commit(lambda: [private_storage.delete(name) for name in names])
