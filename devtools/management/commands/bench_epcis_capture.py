"""Benchmark EPCIS capture: a 10,000-event document for demo-like batches, events per second.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_epcis_capture

Seeds one producer with ``--batches`` batches (default 20, each with a GTIN) and one printed code
per event (``--events``, default 10,000), and an API token of that producer. The document is one
``ObjectEvent`` per code (packing, then shipping …, the code as this site's Digital Link, a read
point, a business transaction), as a packing house's line would send it.

Then, in ``--rounds`` rounds (default 3), captures the whole document in process through the real
service (``capture.capture_events``: schema validation, event hash, mapping onto the batch, bulk
storage with the EPC index rows and trace events), each round inside a transaction rolled back
afterwards so that every round stores the same 10,000 new events; reports the median events per
second, and the share of the time spent in schema validation and in hashing (measured apart).
Once more through the HTTP view (``POST /epcis/capture`` with the Django test client, the job run
in the request by the immediate task backend), also rolled back. The seed is removed at the end
unless ``--keep``. Use a scratch database.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from core.origin import site_origin
from core.progress import ProgressBar
from devtools.seed import bench_gi_and_producer
from gi_registry.interfaces.epcis import capture, hashing, validation
from gi_registry.interfaces.models import ApiToken, CaptureJob, EpcisEvent
from gi_registry.models import Authorisation, GeographicalIndication, Producer
from gi_registry.trace import signing
from gi_registry.trace.gtin import gtin_check_digit
from gi_registry.trace.issuance import new_serials
from gi_registry.trace.models import Batch, TraceCode

BENCH_SLUG = "bench-epcis-capture-gi"
BENCH_CREDIT_CODE = "93500155MA5BENCH1X"  # not a real code; unique to this benchmark
STEPS = ("packing", "shipping", "receiving", "storing", "inspecting")
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Capture a 10,000-event EPCIS document (in process and over HTTP) and report events per second."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--batches", type=int, default=20)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--no-http", action="store_true", help="skip the capture through the HTTP view")
        parser.add_argument("--keep", action="store_true", help="leave the seeded rows in the database")

    def handle(self, *args, **options):
        if options["events"] > capture.capture_limit():
            raise CommandError(f"--events is over EPCIS_CAPTURE_LIMIT ({capture.capture_limit()})")
        keys = settings.TRACE_SIGNING_KEYS or "bench1:bench-only-trace-signing-key"
        with override_settings(TRACE_SIGNING_KEYS=keys, TASKS=IMMEDIATE_TASKS, ALLOWED_HOSTS=["*"]):
            call_command("migrate", verbosity=0)
            self.remove_seed()
            started = time.perf_counter()
            token, secret, document = self.seed(options["events"], options["batches"])
            events = document["epcisBody"]["eventList"]
            self.stdout.write(
                f"seeded {options['batches']} batches, {len(events)} codes and a {len(json.dumps(document)) / 1e6:.1f} MB "
                f"document in {time.perf_counter() - started:.1f} s ({connection.vendor})"
            )
            try:
                self.measure(token, secret, document, options)
            finally:
                if not options["keep"]:
                    self.remove_seed()

    def measure(self, token, secret, document, options) -> None:
        events = document["epcisBody"]["eventList"]
        count = len(events)
        rates = []
        for number in range(1, options["rounds"] + 1):
            bar = ProgressBar(self.stderr, count, f"round {number}")
            t0 = time.perf_counter()
            try:
                with transaction.atomic():
                    result = capture.capture_events(events, document["@context"], token, progress=bar)
                    bar(count)
                    if result.errors or len(result.stored) != count:
                        raise CommandError(f"capture failed: {result.errors[:3]}")
                    elapsed = time.perf_counter() - t0
                    raise Rollback
            except Rollback:
                pass
            rates.append(count / elapsed)
            self.stdout.write(f"round {number}: {count} events in {elapsed:.1f} s = {count / elapsed:,.0f} events/s")

        t0 = time.perf_counter()
        for index, event in enumerate(events):
            validation.validate_event(event, index)
        validating = time.perf_counter() - t0
        t0 = time.perf_counter()
        for event in events:
            hashing.event_hash(event, document["@context"])
        hashing_time = time.perf_counter() - t0
        median = statistics.median(rates)
        per_event_ms = 1000 / median
        self.stdout.write(
            f"of {per_event_ms:.2f} ms an event: schema validation {validating / count * 1000:.2f} ms, "
            f"event hash {hashing_time / count * 1000:.2f} ms, mapping and storage the rest"
        )

        http_rate = None
        if not options["no_http"]:
            client = Client()
            body = json.dumps(document)
            t0 = time.perf_counter()
            try:
                with transaction.atomic():
                    response = client.post(
                        "/epcis/capture",
                        data=body,
                        content_type="application/ld+json",
                        headers={"Authorization": f"Bearer {secret}"},
                    )
                    if response.status_code != 202:
                        raise CommandError(
                            f"POST /epcis/capture answered {response.status_code}: {response.content[:300]}"
                        )
                    job = client.get(response["Location"], headers={"Authorization": f"Bearer {secret}"}).json()
                    elapsed = time.perf_counter() - t0
                    if job["status"] != "success" or job["capturedCount"] != count:
                        raise CommandError(f"the capture job ended {job['status']}: {job['errors'][:3]}")
                    raise Rollback
            except Rollback:
                pass
            http_rate = count / elapsed
            self.stdout.write(
                f"HTTP POST /epcis/capture: {count} events in {elapsed:.1f} s = {http_rate:,.0f} events/s"
            )

        self.stdout.write(
            f"EPCIS capture of {count} events ({connection.vendor}): median {median:,.0f} events/s in process "
            f"over {len(rates)} rounds (min {min(rates):,.0f}, max {max(rates):,.0f})"
            + (f", {http_rate:,.0f} events/s through HTTP" if http_rate else "")
        )

    @transaction.atomic
    def seed(self, event_count: int, batch_count: int):
        today = timezone.localdate()
        gi, producer = bench_gi_and_producer(
            gi_name="基准测试梁平柚·EPCIS",
            slug=BENCH_SLUG,
            registration_number="BENCH-EPCIS",
            producer_name="基准测试EPCIS柚子专业合作社",
            credit_code=BENCH_CREDIT_CODE,
        )
        authorisation = Authorisation.objects.create(
            number="BENCH-EPCIS-1",
            producer=producer,
            geographical_indication=gi,
            valid_from=today - datetime.timedelta(days=300),
            valid_until=today + datetime.timedelta(days=300),
            yearly_quota=1_000_000,
            is_demo=True,
            live=True,
        )
        batches = Batch.objects.bulk_create(
            Batch(
                producer=producer,
                authorisation=authorisation,
                lot_number=f"BENCH-EP-{n:03d}",
                product_name="梁平柚 礼盒装",
                production_date=today - datetime.timedelta(days=n),
                gtin=(body := f"0690999{n:06d}") + str(gtin_check_digit(body)),
                quantity=1000,
                is_demo=True,
            )
            for n in range(batch_count)
        )
        kid = signing.signing_key().kid
        serials = iter(sorted(new_serials(event_count)))
        codes = TraceCode.objects.bulk_create(
            (TraceCode(batch=batches[i % batch_count], serial=next(serials), key_id=kid) for i in range(event_count)),
            batch_size=2000,
        )
        token, secret = ApiToken.issue(producer=producer, name="bench packing line")
        origin = site_origin()
        start = timezone.now() - datetime.timedelta(days=3)
        events = []
        for i, code in enumerate(codes):
            batch = code.batch
            printed = signing.sign(bytes.fromhex(code.serial), kid)
            moment = (start + datetime.timedelta(seconds=7 * i)).astimezone(
                datetime.timezone(datetime.timedelta(hours=8))
            )
            events.append(
                {
                    "type": "ObjectEvent",
                    "eventTime": moment.isoformat(timespec="milliseconds"),
                    "eventTimeZoneOffset": "+08:00",
                    "epcList": [f"{origin}/01/{batch.gtin}/10/{batch.lot_number}/21/{printed}"],
                    "action": "OBSERVE",
                    "bizStep": STEPS[i % len(STEPS)],
                    "disposition": "in_progress",
                    "readPoint": {"id": "urn:epc:id:sgln:6909999.00001.0"},
                    "bizTransactionList": [
                        {"type": "po", "bizTransaction": f"urn:epcglobal:cbv:bt:6909999000019:PO{i // 100}"}
                    ],
                }
            )
        document = {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": timezone.now().isoformat(),
            "epcisBody": {"eventList": events},
        }
        return token, secret, document

    def remove_seed(self) -> None:
        producers = Producer.objects.filter(credit_code=BENCH_CREDIT_CODE)
        with transaction.atomic():
            EpcisEvent.objects.filter(batch__producer__in=producers).delete()
            CaptureJob.objects.filter(token__producer__in=producers).delete()
            TraceCode.objects.filter(batch__producer__in=producers).delete()
            Batch.objects.filter(producer__in=producers).delete()
            Authorisation.objects.filter(producer__in=producers).delete()
            ApiToken.objects.filter(producer__in=producers).delete()
            producers.delete()
            GeographicalIndication.objects.filter(slug=BENCH_SLUG).delete()
