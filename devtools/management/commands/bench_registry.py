"""Seed a large registry and measure its public pages against a bare Django view.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_registry

Seeds 10,000 producers, 50,000 authorisations and 2,000 standards (bulk inserts, timed), serves
the site with gunicorn on 127.0.0.1 and loads the GI page, the producer directory and the
standards library in interleaved rounds with the bare ``/healthz`` view. Reports requests per
second, the ratio to the bare view, p50/p99 latency and page size. Seeded rows are removed at the
end unless ``--keep``. Use a scratch database: the seed is big.
"""

import datetime
import json
import time
from itertools import cycle
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.progress import ProgressBar
from devtools.bench import as_dicts, compare_with_options, describe_slowest, gunicorn, report
from gi_registry.factories import make_credit_code
from gi_registry.models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township

BENCH_PREFIX = "基准测试"
FIRST_SERIAL = 100000


class Command(BaseCommand):
    help = "Seed a large registry and benchmark the GI page, directory and standards library."

    def add_arguments(self, parser):
        parser.add_argument("--producers", type=int, default=10_000)
        parser.add_argument("--authorisations", type=int, default=50_000)
        parser.add_argument("--standards", type=int, default=2_000)
        parser.add_argument("--requests", type=int, default=300, help="requests per target per round")
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows")
        parser.add_argument("--json", type=Path, help="also write the figures to this file")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        self.remove_seed()
        started = time.perf_counter()
        gis = self.seed(options)
        seed_seconds = time.perf_counter() - started
        self.stdout.write(
            f"seeded {options['producers']} producers, {options['authorisations']} authorisations, "
            f"{options['standards']} standards in {seed_seconds:.1f} s"
        )
        township = Township.objects.order_by("sort_order").first()
        paths = {
            "gi_page": gis[0].get_absolute_url(),
            "directory": "/producers/",
            "directory_filter": f"/producers/?township={township.pk}&family=pomelo&kind=cooperative",
            "standards": "/standards/",
            "standards_filter": "/standards/?level=local&status=current&family=pomelo",
        }
        # The site as deployed (anonymous whole-page cache on), then every request rendered afresh.
        configurations = {"page cache on": {}, "page cache off": {"PAGE_CACHE_SECONDS": "0"}}
        figures, summary = {}, []
        try:
            for label, extra_env in configurations.items():
                with gunicorn(workers=options["workers"], extra_env=extra_env) as base:
                    results = compare_with_options(base, paths, options, label, self.stderr)
                self.stdout.write(f"-- {label}")
                for line in report(results):
                    self.stdout.write(line)
                errors = sum(r.errors for r in results.values())
                summary.append(f"{label}: {describe_slowest(results)}, {errors} errors")
                figures[label] = as_dicts(results)
        finally:
            if not options["keep"]:
                self.remove_seed()
        if options["json"]:
            options["json"].write_text(json.dumps({"seed_seconds": seed_seconds, "runs": figures}, indent=2))
        self.stdout.write(f"bench_registry: seed {seed_seconds:.1f} s; " + "; ".join(summary))

    @transaction.atomic
    def seed(self, options) -> list[GeographicalIndication]:
        self.progress_producers = ProgressBar(self.stderr, options["producers"], "producers")
        self.progress_authorisations = ProgressBar(self.stderr, options["authorisations"], "authorisations")
        townships = list(Township.objects.all())
        families = {f.slug: f for f in ProductFamily.objects.filter(is_five_zi=True)}
        registered = datetime.date(2015, 1, 1)
        gis = GeographicalIndication.objects.bulk_create(
            [
                GeographicalIndication(
                    name=f"{BENCH_PREFIX}{family.name}{n}",
                    slug=f"bench-{slug}-{n}",
                    kind=GeographicalIndication.Kind.AGRICULTURAL,
                    registration_number=f"BENCH-{slug}-{n}",
                    authority="农业农村部",
                    product_family=family,
                    registration_date=registered,
                    status=GeographicalIndication.Status.REGISTERED,
                    is_demo=True,
                )
                for slug, family in families.items()
                for n in (1, 2)
            ]
        )
        kinds = cycle(Producer.Kind.values)
        family_cycle = cycle(families.values())
        producers, links = [], []
        for i in range(options["producers"]):
            producers.append(
                Producer(
                    name=f"{BENCH_PREFIX}梁平区第{i:05d}号专业合作社",
                    credit_code=make_credit_code(FIRST_SERIAL + i, "93"),
                    kind=next(kinds),
                    township=townships[i % len(townships)],
                    address=f"梁平区{townships[i % len(townships)].name}第{i % 40 + 1}村",
                    is_demo=True,
                )
            )
            self.progress_producers(i + 1)
        producers = Producer.objects.bulk_create(producers, batch_size=2000)
        through = Producer.product_families.through
        for producer in producers:
            links.append(through(producer_id=producer.pk, productfamily_id=next(family_cycle).pk))
        through.objects.bulk_create(links, batch_size=5000)

        today = datetime.date.today()
        authorisations = []
        for i in range(options["authorisations"]):
            authorisations.append(
                Authorisation(
                    number=f"BENCH-{i:06d}",
                    producer=producers[i % len(producers)],
                    geographical_indication=gis[i % len(gis)],
                    valid_from=today - datetime.timedelta(days=30 + i % 300),
                    valid_until=today + datetime.timedelta(days=30 + i % 700),
                    # every tenth authorisation of each GI has expired
                    status=Authorisation.Status.EXPIRED if (i // len(gis)) % 10 == 0 else Authorisation.Status.ACTIVE,
                    yearly_quota=1000 + i % 5000,
                    is_demo=True,
                )
            )
            self.progress_authorisations(i + 1)
        Authorisation.objects.bulk_create(authorisations, batch_size=5000)

        standards = Standard.objects.bulk_create(
            [
                Standard(
                    code=f"DB50/T {20000 + i}-2021",
                    slug=f"db50t-{20000 + i}-2021",
                    title=f"{BENCH_PREFIX}标准第{i}号 农产品生产技术规程",
                    level=Standard.Level.LOCAL,
                    status=Standard.Status.SUPERSEDED if i % 5 == 0 else Standard.Status.CURRENT,
                    issuing_body="重庆市市场监督管理局",
                    issued_on=datetime.date(2021, 1, 1),
                    implemented_on=datetime.date(2021, 4, 1),
                    is_demo=True,
                )
                for i in range(options["standards"])
            ],
            batch_size=2000,
        )
        ProgressBar(self.stderr, options["standards"], "standards")(len(standards))
        for i, standard in enumerate(standards):
            if i % 5 == 0 and i + 1 < len(standards):
                standard.replaced_by = standards[i + 1]
        Standard.objects.bulk_update(standards, ["replaced_by"], batch_size=2000)
        std_families = Standard.product_families.through
        std_families.objects.bulk_create(
            [std_families(standard_id=s.pk, productfamily_id=next(family_cycle).pk) for s in standards],
            batch_size=5000,
        )
        std_gis = Standard.geographical_indications.through
        std_gis.objects.bulk_create(
            [
                std_gis(standard_id=s.pk, geographicalindication_id=gis[i % len(gis)].pk)
                for i, s in enumerate(standards[:200])
            ]
        )
        return gis

    def remove_seed(self) -> None:
        with transaction.atomic():
            Authorisation.objects.filter(number__startswith="BENCH-").delete()
            Standard.objects.filter(title__startswith=BENCH_PREFIX).update(replaced_by=None)
            Standard.objects.filter(title__startswith=BENCH_PREFIX).delete()
            Producer.objects.filter(name__startswith=BENCH_PREFIX).delete()
            GeographicalIndication.objects.filter(slug__startswith="bench-").delete()
