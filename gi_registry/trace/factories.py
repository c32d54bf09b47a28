"""factory_boy factories for traceability records (tests, benchmarks)."""

import datetime

import factory
from django.utils import timezone

from ..factories import AuthorisationFactory, StandardFactory
from .models import Batch, TraceEvent


class BatchFactory(factory.django.DjangoModelFactory):
    """A batch of 梁平柚 under a valid authorisation of its own producer."""

    class Meta:
        model = Batch

    authorisation = factory.SubFactory(AuthorisationFactory)
    producer = factory.LazyAttribute(lambda o: o.authorisation.producer)
    lot_number = factory.Sequence(lambda n: f"LP2025-{n:04d}")
    product_name = "梁平柚 礼盒装"
    production_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    plot = "礼让镇川西村柚园3号地块"
    quantity = 1200
    unit = Batch.Unit.KG
    grade = "特级"
    standard = factory.SubFactory(StandardFactory)
    inspection_results = factory.LazyFunction(
        lambda: [
            {"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": True},
            {"item": "毒死蜱", "value": "未检出", "unit": "mg/kg", "limit": "≤ 0.5", "pass": True},
        ]
    )


class TraceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceEvent

    batch = factory.SubFactory(BatchFactory)
    business_step = TraceEvent.BusinessStep.COMMISSIONING
    event_time = factory.Sequence(lambda n: timezone.now() - datetime.timedelta(days=10, minutes=-n))
    read_point = "礼让镇川西村"
    note = "采收"
