"""Shared pieces of the webhook tests: an organisation's subscription and a recorded change."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from gi_registry.interfaces.models import Organisation, RegistryChange, Subscription
from gi_registry.interfaces.signals import change_recorded


def subscription(url: str, kinds=None, **fields) -> Subscription:
    organisation = fields.pop("organisation", None) or Organisation.objects.create(
        name=f"重庆某果品电商平台{uuid.uuid4().hex[:6]}", kind=Organisation.Kind.PLATFORM
    )
    return Subscription.objects.create(
        organisation=organisation,
        target_url=url,
        kinds=kinds or [RegistryChange.Kind.BATCH_RECALLED, RegistryChange.Kind.AUTHORISATION_REVOKED],
        **fields,
    )


def change(kind=RegistryChange.Kind.BATCH_RECALLED, **fields) -> RegistryChange:
    key = uuid.uuid4().hex
    values = {
        "kind": kind,
        "occurred_at": timezone.now() - datetime.timedelta(minutes=1),
        "subject_type": "trace.batch",
        "subject_id": "42",
        "title": "梁平柚批次 LP-2026-001 召回",
        "title_en": "Liangping pomelo batch LP-2026-001 recalled",
        "url": "/trace/batch/42/",
        "payload": {"lot": "LP-2026-001", "reason": "农残超标"},
        "dedupe_key": f"test:{key}",
    }
    values.update(fields)
    return RegistryChange.objects.create(**values)


def record(kind=RegistryChange.Kind.BATCH_RECALLED, **fields) -> RegistryChange:
    """Store a change and announce it, as the feeds helper's recording does once committed."""
    stored = change(kind, **fields)
    change_recorded.send(sender=RegistryChange, change=stored)
    return stored
