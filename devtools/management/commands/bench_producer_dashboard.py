"""Benchmark the producer's workspace (the admin home of a producer account) on a big producer.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_producer_dashboard

Seeds one producer with ``--batches`` batches (default 200), ``--codes-per-batch`` codes each and
``--scans`` counted scans (default 100,000) spread over the last 12 months (bulk inserts, timed),
and a producer account linked to it. Then renders, in process (Django's test client, logged in),
in interleaved rounds: the account's admin home with its workspace, the same home without the
workspace panel (a registry officer's home: Wagtail's own panels only), ``/healthz`` (which pays the
whole middleware stack) and a truly bare view (``devtools.bare``: no middleware, no database).
Reports the median and p90 per target, the ratio of each median to the bare view's, and the number
of database queries of one render. No absolute time is asserted anywhere; the test that
matters is ``test_workspace_query_count_is_constant`` (same queries for 2 batches as for 50). The
seed is removed at the end unless ``--keep``. Use a scratch database.
"""

from __future__ import annotations

import datetime
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from core.progress import ProgressBar
from devtools.bare import bare_client
from devtools.seed import bench_gi_and_producer
from gi_registry.factories import make_credit_code
from gi_registry.media_collections import producer_group_name
from gi_registry.models import (
    Authorisation,
    GeographicalIndication,
    Producer,
    ProducerCollection,
)
from gi_registry.setup import PRODUCERS, REGISTRY_OFFICERS
from gi_registry.trace.issuance import new_serials
from gi_registry.trace.models import Batch, Scan, TraceCode

BENCH_SLUG = "bench-workspace-gi"
BENCH_CREDIT_SERIAL = 990_100
PRODUCER_USER, OFFICER_USER = "bench-workspace-producer", "bench-workspace-officer"
BARE = "bare view (no middleware, no db)"


class Command(BaseCommand):
    help = "Seed a producer with 200 batches and 100,000 scans and time its admin workspace against a bare view."

    def add_arguments(self, parser):
        parser.add_argument("--batches", type=int, default=200)
        parser.add_argument("--codes-per-batch", type=int, default=20)
        parser.add_argument("--scans", type=int, default=100_000)
        parser.add_argument("--rounds", type=int, default=30, help="renders per target")
        parser.add_argument("--keep", action="store_true", help="leave the seeded rows in the database")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        self.remove_seed()
        started = time.perf_counter()
        producer_user, officer_user = self.seed(options)
        self.stdout.write(
            f"seeded {options['batches']} batches, {options['batches'] * options['codes_per_batch']} codes, "
            f"{options['scans']} scans in {time.perf_counter() - started:.1f} s ({describe_database()})"
        )
        try:
            with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
                self.measure(producer_user, officer_user, options["rounds"])
        finally:
            if not options["keep"]:
                self.remove_seed()

    def measure(self, producer_user, officer_user, rounds: int) -> None:
        producer, officer, healthz = Client(), Client(), Client()
        producer.force_login(producer_user)
        officer.force_login(officer_user)
        targets = {
            "workspace (producer's /admin/)": (producer, "/admin/"),
            "officer's /admin/ (no workspace)": (officer, "/admin/"),
            "/healthz (whole middleware stack)": (healthz, "/healthz"),
            BARE: (bare_client(), "/"),
        }
        queries = {}
        for name, (client, path) in targets.items():
            if client.get(path).status_code != 200:  # warm up: caches, templates
                raise CommandError(f"{name}: {path} did not answer 200")
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            queries[name] = len(ctx.captured_queries)
            if name.startswith("workspace") and b"data-producer-workspace" not in response.content:
                raise CommandError("the producer's home shows no workspace")
        timings: dict[str, list[float]] = {name: [] for name in targets}
        bar = ProgressBar(self.stderr, rounds * len(targets), "render")
        done = 0
        for _ in range(rounds):  # interleaved, so that a slow moment hits every target alike
            for name, (client, path) in targets.items():
                t0 = time.perf_counter()
                client.get(path)
                timings[name].append((time.perf_counter() - t0) * 1000)
                done += 1
                bar(done)
        bare_median = statistics.median(timings[BARE])
        self.stdout.write(f"{'target':<40} {'median ms':>10} {'p90 ms':>8} {'x bare':>8} {'queries':>8}")
        for name, values in timings.items():
            median = statistics.median(values)
            p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else median
            self.stdout.write(f"{name:<40} {median:>10.1f} {p90:>8.1f} {median / bare_median:>8.1f} {queries[name]:>8}")

    @transaction.atomic
    def seed(self, options):
        today = timezone.localdate()
        gi, producer = bench_gi_and_producer(
            gi_name="基准测试梁平柚·工作台",
            slug=BENCH_SLUG,
            registration_number="BENCH-WS",
            producer_name="基准测试工作台柚子专业合作社",
            credit_code=make_credit_code(BENCH_CREDIT_SERIAL, "93"),
        )
        auths = [
            Authorisation.objects.create(
                number=f"BENCH-WS-{n}",
                producer=producer,
                geographical_indication=gi,
                valid_from=today - datetime.timedelta(days=300),
                valid_until=today + datetime.timedelta(days=days),
                yearly_quota=1_000_000,
                is_demo=True,
                live=True,
            )
            for n, days in enumerate((20, 75, 400))
        ]
        User = get_user_model()
        producer_user = User.objects.create_user(PRODUCER_USER, password=None)
        producer_user.groups.add(Group.objects.get(name=PRODUCERS))
        officer_user = User.objects.create_user(OFFICER_USER, password=None)
        officer_user.groups.add(Group.objects.get(name=REGISTRY_OFFICERS))
        producer.accounts.add(producer_user)
        producer.save()
        now = timezone.now()
        batches = Batch.objects.bulk_create(
            Batch(
                producer=producer,
                authorisation=auths[n % len(auths)],
                lot_number=f"BENCH-WS-{n:04d}",
                product_name="梁平柚 礼盒装",
                production_date=today - datetime.timedelta(days=n),
                quantity=1000,
                inspection_results=[{"item": "可溶性固形物", "value": 11.2, "unit": "%", "pass": True}],
                status=Batch.Status.WITHDRAWN if n % 17 == 0 else Batch.Status.ACTIVE,
                is_demo=True,
            )
            for n in range(options["batches"])
        )
        per_batch = options["codes_per_batch"]
        serials = iter(new_serials(len(batches) * per_batch))
        codes = TraceCode.objects.bulk_create(
            (
                TraceCode(
                    batch=b, serial=next(serials), key_id="bench", issued_at=now - datetime.timedelta(days=i % 360)
                )
                for i, b in enumerate(batches)
                for _ in range(per_batch)
            ),
            batch_size=2000,
        )
        total = options["scans"]
        bar = ProgressBar(self.stderr, total, "scans")
        step = 5000
        for start in range(0, total, step):
            Scan.objects.bulk_create(
                Scan(
                    code=codes[i % len(codes)],
                    scanned_at=now - datetime.timedelta(hours=(i * 7) % 8700),
                    client="wechat",
                )
                for i in range(start, min(start + step, total))
            )
            bar(min(start + step, total))
        return producer_user, officer_user

    def remove_seed(self) -> None:
        with transaction.atomic():
            batches = Batch.objects.filter(authorisation__geographical_indication__slug=BENCH_SLUG)
            Scan.objects.filter(code__batch__in=batches).delete()
            TraceCode.objects.filter(batch__in=batches).delete()
            batches.delete()
            Authorisation.objects.filter(geographical_indication__slug=BENCH_SLUG).delete()
            producers = Producer.objects.filter(credit_code=make_credit_code(BENCH_CREDIT_SERIAL, "93"))
            for producer in producers:
                link = ProducerCollection.objects.filter(producer=producer).select_related("collection").first()
                if link is not None:
                    collection = link.collection
                    link.delete()
                    collection.delete()
                Group.objects.filter(name=producer_group_name(producer)).delete()
            producers.delete()
            GeographicalIndication.objects.filter(slug=BENCH_SLUG).delete()
            get_user_model().objects.filter(username__in=[PRODUCER_USER, OFFICER_USER]).delete()


def describe_database() -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
