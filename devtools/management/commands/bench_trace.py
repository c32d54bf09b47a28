"""Benchmark traceability: issuing codes with their label PDF, and serving the trace page.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_trace
    python manage.py bench_trace --codes 200 \
        --database-url sqlite:////tmp/bench.sqlite3 \
        --database-url postgres://USER:PASSWORD@127.0.0.1:5432/SCRATCH_DB

1. Issues ``--codes`` codes (default 10,000) for a seeded batch and draws their A4 label sheets
   as a vector PDF: codes per second, labels per second, seconds in all (target: 10,000 labels
   in under 20 s).
2. Serves the site with gunicorn on 127.0.0.1 and loads the trace page, the trace JSON and the
   GS1 Digital Link in interleaved rounds with the project's ``/healthz`` and a truly bare Django
   app (devtools/bare_wsgi.py, served by a second gunicorn alike) and that bare view with the
   trace page's one read of the same code (devtools/bare_read.py, a third gunicorn alike: what the
   database round trip alone costs), over ``--concurrency`` keep-alive connections (default 64).
   Every trace request comes with a phone's WeChat User-Agent, so it is a counted scan, as in
   production: it verifies the code, reads the code and its batch, passes the rate limiter (set
   so high that loopback never hits it) and is written to the scan log. Target: the trace page
   at 50% or more of the bare app's throughput, p99 under 100 ms, no errors.
3. After the server has stopped (its workers write their buffered scans as they exit), checks
   that the scan log holds one counted row per trace request sent and that the code's counters
   agree with it.

``--database-url`` (repeatable) runs the whole benchmark once per database, each in a fresh
process with that ``DATABASE_URL`` (and the server with it too), and then prints the runs side by
side. Without it the benchmark runs on the configured database. Migrates first; seeded rows are
removed at the end unless ``--keep``. Use scratch databases.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q

from core.progress import ProgressBar
from devtools.bench import as_dicts, compare_with_options, gunicorn, report
from devtools.seed import bench_gi_and_producer
from gi_registry.factories import make_credit_code
from gi_registry.models import Authorisation, GeographicalIndication, Producer
from gi_registry.trace import labels
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, Scan, TraceCode, TraceEvent

BENCH_SLUG = "bench-trace-gi"
BENCH_CREDIT_SERIAL = 990_000
TRACE_TARGETS = ("trace_page", "trace_api", "digital_link")
#: The rate limiter runs on every trace request, but no loopback client reaches this.
BENCH_RATE_LIMIT = "1000000000"


class Command(BaseCommand):
    help = "Benchmark code issuance with label PDFs and the trace page under concurrent load."

    def add_arguments(self, parser):
        parser.add_argument("--codes", type=int, default=10_000)
        parser.add_argument("--layout", choices=sorted(labels.LAYOUTS), default="4x10")
        parser.add_argument("--requests", type=int, default=640, help="requests per target per round")
        parser.add_argument("--concurrency", type=int, default=64)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
        parser.add_argument("--pdf", type=Path, help="keep the label PDF here")
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows")
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
        parser.add_argument(
            "--database-url",
            action="append",
            default=[],
            metavar="URL",
            help="run once per database (repeatable), each in its own process, and compare the runs",
        )

    def handle(self, *args, **options):
        if options["database_url"]:
            return self.handle_databases(options)
        call_command("migrate", verbosity=0)
        self.remove_seed()
        batch = self.seed(options["codes"])
        figures: dict = {"database": describe_database()}
        try:
            figures["issue"] = self.bench_issue(batch, options)
            first = batch.codes.order_by("pk").first()
            code = first.printed_code
            paths = {
                "trace_page": f"/t/{code}",
                "trace_api": f"/api/v1/trace/{code}",
                "digital_link": f"/01/{batch.gtin}/10/{batch.lot_number}/21/{code}",
            }
            env = {"TRACE_RATE_LIMIT": BENCH_RATE_LIMIT, "PAGE_CACHE_SECONDS": "0"}
            with gunicorn(
                workers=options["workers"],
                threads=options["threads"],
                extra_env=env,
                bare_read=(first.serial, first.key_id),
            ) as base:
                results = compare_with_options(
                    base,
                    paths,
                    options,
                    "serve",
                    self.stderr,
                    # each target's buffered scans are written (and their CPU counted) in its turn
                    settle=settings.TRACE_SCAN_FLUSH_INTERVAL + 0.25,
                )
            # The server has stopped: its workers have written the scans they had buffered.
            for line in report(results):
                self.stdout.write(line)
            figures["serve"] = as_dicts(results)
            figures["scan_log"] = self.check_scan_log(first, sum(results[name].sent for name in TRACE_TARGETS))
        finally:
            if not options["keep"]:
                self.remove_seed()
        if options["json"]:
            options["json"].write_text(json.dumps(figures, indent=2, default=str))
        page = figures["serve"]["trace_page"]
        issue = figures["issue"]
        errors = sum(r["errors"] for r in figures["serve"].values())
        read = figures["serve"]["bare_read"]
        self.stdout.write(
            f"bench_trace ({figures['database']}): {issue['codes']} codes + label PDF in {issue['total_s']:.1f} s "
            f"({issue['labels_per_s']:.0f} labels/s); trace page {page['ratio_bare_app']:.0%} of the bare app "
            f"({page['ratio']:.0%} of /healthz; the bare view with its one read {read['ratio_bare_app']:.0%}), "
            f"p50 {page['p50_ms']:.1f} ms, p99 {page['p99_ms']:.1f} ms, "
            f"server CPU {page['cpu_us']:.0f} us/request ({cpu_ratio(figures['serve'], 'trace_page')}); {errors} errors "
            f"at {options['concurrency']} connections; {figures['scan_log']['rows']} scan rows for "
            f"{figures['scan_log']['requests']} trace requests"
        )

    def check_scan_log(self, code: TraceCode, requests: int) -> dict:
        """Every trace request of the run is one counted scan row, and the code's counters agree."""
        rows = Scan.objects.filter(code=code).aggregate(all=Count("pk"), counted=Count("pk", filter=Q(counted=True)))
        code.refresh_from_db()
        figures = {"requests": requests, "rows": rows["all"], "counted": rows["counted"], "scan_count": code.scan_count}
        self.stdout.write(
            f"scan log: {rows['all']} rows ({rows['counted']} counted) for {requests} trace requests; "
            f"the code's scan_count {code.scan_count}, origin_count {code.origin_count}"
        )
        if not rows["all"] == rows["counted"] == code.scan_count == requests:
            raise CommandError(f"the scan log does not match the requests served: {figures}")
        return figures

    def handle_databases(self, options) -> None:
        """Run the benchmark once per ``--database-url``, each in a child process, then compare."""
        runs = []
        for url in options["database_url"]:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                args = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_trace", "--json", out.name]
                for name in ("codes", "layout", "requests", "concurrency", "rounds", "workers", "threads"):
                    args += [f"--{name}", str(options[name])]
                if options["keep"]:
                    args.append("--keep")
                self.stdout.write(f"== {redact(url)}")
                self.stdout.flush()
                done = subprocess.run(args, env={**os.environ, "DATABASE_URL": url}, check=False)  # noqa: S603
                if done.returncode:
                    raise CommandError(f"the run on {redact(url)} failed (exit status {done.returncode})")
                runs.append(json.loads(Path(out.name).read_text()))
        self.stdout.write("")
        self.stdout.write(
            f"{'database':<12}{'target':<14}{'req/s':>9}{'/healthz':>9}{'bare app':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
            f"{'CPU us':>9}{'x bare':>8}"
        )
        for run in runs:
            bare_cpu = run["serve"]["bare"]["cpu_us"] or 1.0
            for name, r in run["serve"].items():
                self.stdout.write(
                    f"{run['database']:<12}{name:<14}{r['rps']:>9.0f}{r['ratio']:>9.0%}{r['ratio_bare_app']:>9.0%}"
                    f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
                    f"{r['cpu_us']:>9.0f}{r['cpu_us'] / bare_cpu:>8.2f}"
                )
        if options["json"]:
            options["json"].write_text(json.dumps(runs, indent=2, default=str))

    def bench_issue(self, batch: Batch, options) -> dict:
        count = options["codes"]
        started = time.perf_counter()
        codes = issue_codes(batch, count, progress=ProgressBar(self.stderr, count, "issue"))
        issued = time.perf_counter()
        for code in codes:
            code.batch = batch
        pdf = labels.label_sheet_pdf(
            labels.label_data(codes), options["layout"], progress=ProgressBar(self.stderr, count, "labels")
        )
        finished = time.perf_counter()
        if options["pdf"]:
            options["pdf"].write_bytes(pdf)
        figures = {
            "codes": count,
            "issue_s": issued - started,
            "labels_s": finished - issued,
            "total_s": finished - started,
            "codes_per_s": count / max(issued - started, 1e-9),
            "labels_per_s": count / max(finished - issued, 1e-9),
            "pdf_bytes": len(pdf),
        }
        self.stdout.write(
            f"issued {count} codes in {figures['issue_s']:.2f} s ({figures['codes_per_s']:.0f}/s); "
            f"label PDF ({options['layout']}, {len(pdf) / 1e6:.1f} MB) in {figures['labels_s']:.2f} s "
            f"({figures['labels_per_s']:.0f} labels/s)"
        )
        return figures

    @transaction.atomic
    def seed(self, count: int) -> Batch:
        today = datetime.date.today()
        gi, producer = bench_gi_and_producer(
            gi_name="基准测试梁平柚",
            slug=BENCH_SLUG,
            registration_number="BENCH-AGI",
            producer_name="基准测试梁平柚专业合作社",
            credit_code=make_credit_code(BENCH_CREDIT_SERIAL, "93"),
        )
        authorisation = Authorisation.objects.create(
            number="BENCH-TRACE-AUTH",
            producer=producer,
            geographical_indication=gi,
            valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=300),
            yearly_quota=count + 1000,
            is_demo=True,
            live=True,
        )
        batch = Batch.objects.create(
            producer=producer,
            authorisation=authorisation,
            lot_number="BENCH-LOT-1",
            product_name="梁平柚 礼盒装",
            production_date=today,
            plot="礼让镇",
            quantity=5000,
            grade="特级",
            gtin="6901234567892",
            inspection_results=[{"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": True}],
            is_demo=True,
        )
        for step in ("commissioning", "inspecting", "packing", "shipping"):
            TraceEvent.record(batch, business_step=step, event_time=datetime.datetime.now(datetime.UTC), note=step)
        return batch

    def remove_seed(self) -> None:
        with transaction.atomic():
            batches = Batch.objects.filter(authorisation__geographical_indication__slug=BENCH_SLUG)
            Scan.objects.filter(code__batch__in=batches).delete()
            TraceCode.objects.filter(batch__in=batches).delete()
            TraceEvent.objects.filter(batch__in=batches).delete()
            batches.delete()
            Authorisation.objects.filter(geographical_indication__slug=BENCH_SLUG).delete()
            Producer.objects.filter(credit_code=make_credit_code(BENCH_CREDIT_SERIAL, "93")).delete()
            GeographicalIndication.objects.filter(slug=BENCH_SLUG).delete()


def describe_database() -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)


def redact(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def cpu_ratio(serve: dict, name: str) -> str:
    bare = serve["bare"]["cpu_us"]
    return f"{serve[name]['cpu_us'] / bare:.2f}x bare" if bare else "not measured"
