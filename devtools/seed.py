"""What the benchmarks seed first: a registered, live (demo-marked) pomelo GI and a cooperative
holding it, named for the benchmark so its rows are easy to find and remove."""

from __future__ import annotations

import datetime

from gi_registry.models import GeographicalIndication, Producer, ProductFamily, Township


def bench_gi_and_producer(
    *, gi_name: str, slug: str, registration_number: str, producer_name: str, credit_code: str
) -> tuple[GeographicalIndication, Producer]:
    gi = GeographicalIndication.objects.create(
        name=gi_name,
        slug=slug,
        kind=GeographicalIndication.Kind.AGRICULTURAL,
        registration_number=registration_number,
        authority="农业农村部",
        product_family=ProductFamily.objects.get(slug="pomelo"),
        registration_date=datetime.date(2008, 7, 1),
        status=GeographicalIndication.Status.REGISTERED,
        is_demo=True,
        live=True,
    )
    producer = Producer.objects.create(
        name=producer_name,
        credit_code=credit_code,
        kind=Producer.Kind.COOPERATIVE,
        township=Township.objects.order_by("sort_order").first(),
        is_demo=True,
        live=True,
    )
    return gi, producer
