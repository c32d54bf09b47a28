"""What the trace page and its JSON show of a code's batch: product, GI, producer, authorisation,
standard, inspection and events (``batch_payload``, ``event_payload``), cached per batch version,
language and host (``details_cache_key``), and the JSON of ``/api/v1/trace/<code>`` (``payload``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.origin import absolute_url

from .fastpath import code_url
from .models import Batch, ComplianceCertificate

if TYPE_CHECKING:
    from .verdicts import Resolution

#: Seconds a batch's details stay cached; the key carries the batch's ``updated_at`` (bumped by a
#: change to the batch, a new event, a withdrawal), so this bounds only how long an edit of the
#: producer, GI, authorisation or standard records takes to show on trace pages.
DETAILS_CACHE_SECONDS = 60


def full_batch(batch_id: int) -> tuple[Batch, list]:
    """A batch with everything the trace page shows, and its events, in two queries. The token of
    its current compliance certificate comes in the batch's query (an indexed subquery,
    ``trace_cert_batch_current``), as ``certificate_token`` (``None`` without one)."""
    current = ComplianceCertificate.objects.filter(batch=OuterRef("pk"), superseded_by__isnull=True)
    batch = (
        Batch.objects.annotate(certificate_token=Subquery(current.order_by("-issued_at", "-pk").values("token")[:1]))
        .select_related(
            "producer__township",
            "authorisation__geographical_indication__product_family",
            "authorisation__producer",  # Authorisation.is_valid_on reads the producer's status
            "authorisation__certificate",
            "standard",
            "inspection_report",
            "photo",
        )
        .get(pk=batch_id)
    )
    return batch, list(batch.events.all())


def details_cache_key(kind: str, batch: Batch, request=None, *, host: str | None = None) -> str:
    if host is None:
        host = request.get_host() if request is not None else ""
    stamp = batch.updated_at.timestamp() if batch.updated_at else 0
    return f"trace:{kind}:{batch.pk}:{stamp}:{get_language()}:{host}"


def cached_batch_payload(batch: Batch, request=None) -> dict:
    """``batch_payload`` and the events of a batch, cached under the batch's ``updated_at``."""
    key = details_cache_key("payload", batch, request)
    data = cache.get(key)
    if data is None:
        full, events = full_batch(batch.pk)
        data = {**batch_payload(full, request), "events": event_payload(events)}
        cache.set(key, data, DETAILS_CACHE_SECONDS)
    return data


def _abs(request, url: str | None) -> str | None:
    if not url:
        return None
    return absolute_url(url) if request is not None else url


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return _local_iso(value, timezone.get_current_timezone())
    return value.isoformat()


@lru_cache(maxsize=1024)  # a code's first scan is in every later answer about it
def _local_iso(value, zone) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds")


def batch_payload(batch: Batch, request=None) -> dict:
    """Product, GI, batch, producer, authorisation, standard, inspection and events of a batch."""
    auth = batch.authorisation
    gi = auth.geographical_indication
    producer = batch.producer
    standard = batch.standard
    return {
        "product": {
            "name": batch.display_name,
            "gtin": batch.gtin14,
            "family": gi.product_family.name,
            "photo": None,
        },
        "gi": {
            "name": gi.name,
            "name_en": gi.name_en,
            "kind": gi.kind,
            "kind_label": str(gi.get_kind_display()),
            "registration_number": gi.registration_number,
            "authority": gi.authority,
            "holder": gi.holder,
            "url": _abs(request, gi.get_absolute_url()) if gi.live else None,
        },
        "batch": {
            "lot": batch.lot_number,
            "status": batch.status,
            "production_date": _iso(batch.production_date),
            "plot": batch.plot,
            "quantity": float(batch.quantity) if batch.quantity is not None else None,
            "unit": batch.unit,
            "grade": batch.grade,
            "withdrawn_at": _iso(batch.status_changed_at) if batch.status != Batch.Status.ACTIVE else None,
            "withdrawal_reason": batch.status_reason if batch.status != Batch.Status.ACTIVE else "",
            # the current compliance certificate's public page (承诺达标合格证), if one was issued
            "certificate_url": _abs(request, reverse("trace:certificate", args=[token]))
            if (token := getattr(batch, "certificate_token", None))
            else None,
        },
        "producer": {
            "name": producer.name,
            "credit_code": producer.credit_code,
            "kind": producer.kind,
            "township": producer.township.name,
            "address": producer.address,
            "contact_phone": producer.contact_phone if producer.contact_public else None,
            "url": _abs(request, producer.get_absolute_url()) if producer.live else None,
        },
        "authorisation": {
            "number": auth.number,
            "valid_from": _iso(auth.valid_from),
            "valid_until": _iso(auth.valid_until),
            "status": auth.status,
            "valid_today": auth.is_valid_on(),
            "certificate": _abs(request, auth.certificate.url) if auth.certificate_id else None,
        },
        "standard": (
            {
                "code": standard.code,
                "title": standard.title,
                "status": standard.status,
                "url": _abs(request, standard.get_absolute_url()) if standard.live else None,
            }
            if standard
            else None
        ),
        "inspection": {
            "results": batch.inspection_results or [],
            "report": _abs(request, batch.inspection_report.url) if batch.inspection_report_id else None,
        },
    }


def event_payload(events) -> list[dict]:
    return [
        {
            "business_step": e.business_step,
            "business_step_uri": f"https://ref.gs1.org/cbv/BizStep-{e.business_step}",
            "label": str(e.get_business_step_display()),
            "event_time": _iso(e.event_time),
            "read_point": e.read_point,
            "disposition": e.disposition or None,
            "note": e.note,
        }
        for e in events
    ]


def payload(resolution: Resolution, request=None) -> dict:
    """The JSON of ``/api/v1/trace/<code>``."""
    data: dict = {
        "verdict": resolution.verdict,
        "code": resolution.printed,
        "scan_count": resolution.stats.count if resolution.stats else 0,
        "first_scanned_at": _iso(resolution.stats.first_at) if resolution.stats else None,
        "product": None,
        "gi": None,
        "batch": None,
        "producer": None,
        "authorisation": None,
        "standard": None,
        "inspection": None,
        "events": [],
    }
    if resolution.code is None:
        return data
    data.update(cached_batch_payload(resolution.batch, request))
    data["page"] = _abs(request, code_url("trace:page", resolution.printed))
    return data
