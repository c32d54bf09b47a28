"""``manage.py bench_epcis_query``: the EPCIS event query at a million stored events, side by side
with listing the same rows the way the admin lists them.

Stores ``--events`` (default 1,000,000) EPCIS events (bulk, with a progress bar; rows from an
earlier run are reused) over ``--batches`` public batches (each has a GTIN, so anonymous callers
see all of them, as the admin does), one instance EPC and one class EPC each, event times spread
over a year. Then, interleaved for ``--rounds`` rounds, each typical query is asked

* of ``GET /epcis/events`` through the test client (view, parameter checks, visibility,
  serialisation: what a caller waits for, minus the network), and
* of the admin's listing: the same filter through Django's ``Paginator`` over the ORM queryset
  with the batch joined, as Wagtail's ``IndexView`` lists a model (a ``COUNT(*)`` for the page
  links, then ``LIMIT``/``OFFSET``; a deep page is ``?p=N``),

the deep page both ways: EPCIS with the ``nextPageToken`` of the row at ``--deep`` (keyset),
the admin with the page number holding that row (offset). Prints p50 and p95 per query and way,
the ratio of the medians and the machine's load average (``os.getloadavg``) before and after.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import Client

from core.progress import ProgressBar
from devtools.bare import bare_client
from gi_registry.factories import AuthorisationFactory
from gi_registry.interfaces.epcis import query as event_query
from gi_registry.interfaces.models import EpcisEvent, EpcisEventEpc
from gi_registry.trace.models import Batch

PREFIX = "urn:uuid:bench-q-"
LOT_PREFIX = "BQ"
STEPS = ("commissioning", "inspecting", "packing", "shipping", "receiving", "storing", "sampling")
DISPOSITIONS = ("active", "conformant", "in_progress", "in_transit", "sellable_accessible")
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
SPAN_SECONDS = 365 * 24 * 3600
CHUNK = 5000
ADMIN_PER_PAGE = 30  # the same page size both ways


def gtin_for(n: int) -> str:
    from gi_registry.trace.gtin import gtin_check_digit

    body = f"690123{n:07d}"
    return body + str(gtin_check_digit(body))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark GET /epcis/events at 1,000,000 stored events against the admin-style ORM listing."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--batches", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=15)
        parser.add_argument("--deep", type=int, default=300_000, help="Row position of the deep page.")
        parser.add_argument("--seed", type=int, default=14)

    def handle(self, *args, events, batches, rounds, deep, seed, **options):
        settings.DEBUG = False  # no query log: measure what production runs
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 (bench data, not secrets)
        load_before = os.getloadavg()
        batch_rows = self.ensure_batches(batches)
        inserted = self.ensure_events(events, batch_rows, rng)
        total = EpcisEvent.objects.filter(event_id__startswith=PREFIX).count()
        self.stdout.write(
            f"{connection.vendor}: {total:,} bench events ({inserted:,} inserted now), {len(batch_rows)} batches; "
            f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
        )
        probe = EpcisEvent.objects.filter(event_id__startswith=PREFIX).order_by("pk")[total // 2]
        instance = probe.epcs.filter(level="instance").values_list("value", flat=True).first()
        lot_class = probe.epcs.filter(level="class").values_list("value", flat=True).first()
        week_from = START + datetime.timedelta(days=150)
        week_to = week_from + datetime.timedelta(days=7)
        scenarios = [
            ("time window (7 days)", {"GE_eventTime": week_from.isoformat(), "LT_eventTime": week_to.isoformat()}),
            ("EQ_bizStep=shipping", {"EQ_bizStep": "shipping"}),
            ("MATCH_epc (one code)", {"MATCH_epc": instance}),
            ("MATCH_anyEPCClass (one lot)", {"MATCH_anyEPCClass": lot_class}),
            ("all events, first page", {}),
            (f"all events, deep page (row {deep:,})", {"_deep": deep}),
        ]
        client = Client(SERVER_NAME="localhost")
        bare = bare_client()
        timings: dict[str, dict[str, list[float]]] = {
            name: {"epcis": [], "run": [], "admin": []} for name, _p in scenarios
        }
        bare_ms: list[float] = []  # the truly bare view through the same test client, interleaved
        prepared = {name: self.prepare(params) for name, params in scenarios}
        for name, _params in scenarios:  # warm both ways once, then measure interleaved
            self.epcis(client, prepared[name])
            self.admin(prepared[name])
            bare.get("/")
        bar = ProgressBar(sys.stderr, rounds, "rounds")
        for round_ in range(1, rounds + 1):
            for name, _params in scenarios:
                t0 = time.perf_counter()
                got = self.epcis(client, prepared[name])
                t1 = time.perf_counter()
                self.run_query(prepared[name])
                t2 = time.perf_counter()
                listed = self.admin(prepared[name])
                t3 = time.perf_counter()
                bare.get("/")
                bare_ms.append((time.perf_counter() - t3) * 1000)
                timings[name]["epcis"].append((t1 - t0) * 1000)
                timings[name]["run"].append((t2 - t1) * 1000)
                timings[name]["admin"].append((t3 - t2) * 1000)
                if round_ == 1 and got != listed:
                    self.stderr.write(f"  {name}: EPCIS returned {got} events, the listing {listed} rows")
            bar(round_)
        load_after = os.getloadavg()
        self.stdout.write(
            "\nmilliseconds; HTTP = GET /epcis/events through the test client; run() = the same query in "
            "process (ORM + serialising); admin = the Paginator listing (COUNT + OFFSET page); x bare = HTTP p50 "
            "over the truly bare view's (devtools.bare: no middleware, no database) through the same client"
        )
        bare50 = statistics.median(bare_ms)
        self.stdout.write(
            f"{'query':<38} {'HTTP p50':>9} {'p95':>7} {'x bare':>7} {'run() p50':>10} {'p95':>7} {'admin p50':>10}"
            f" {'p95':>7} {'admin/run()':>12}"
        )
        self.stdout.write(
            f"{'bare view':<38} {bare50:>9.2f} {percentile(bare_ms, 0.95):>7.2f} {1:>7.1f} {'':>10} {'':>7} {'':>10}"
            f" {'':>7} {'':>12}"
        )
        for name, _params in scenarios:
            e, r, a = timings[name]["epcis"], timings[name]["run"], timings[name]["admin"]
            r50, a50 = statistics.median(r), statistics.median(a)
            self.stdout.write(
                f"{name:<38} {statistics.median(e):>9.1f} {percentile(e, 0.95):>7.1f} "
                f"{statistics.median(e) / bare50:>7.1f} {r50:>10.1f} "
                f"{percentile(r, 0.95):>7.1f} {a50:>10.1f} {percentile(a, 0.95):>7.1f} {a50 / r50:>11.2f}x"
            )
        self.stdout.write(
            f"\nload average after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} "
            f"({os.cpu_count()} CPUs); {rounds} rounds; "
            f"{connection.vendor}, {total:,} events, done in {time.perf_counter() - started:.0f} s."
        )

    # --- data -----------------------------------------------------------------------------------

    def ensure_batches(self, count: int) -> list[Batch]:
        existing = list(Batch.objects.filter(lot_number__startswith=LOT_PREFIX).select_related("producer"))
        if len(existing) >= count:
            return existing[:count]
        authorisation = existing[0].authorisation if existing else AuthorisationFactory(yearly_quota=10**9)
        made = [
            Batch(
                producer=authorisation.producer,
                authorisation=authorisation,
                lot_number=f"{LOT_PREFIX}{n:05d}",
                product_name="梁平柚",
                production_date=datetime.date(2026, 1, 1),
                gtin=gtin_for(n),
            )
            for n in range(len(existing), count)
        ]
        Batch.objects.bulk_create(made)
        return list(Batch.objects.filter(lot_number__startswith=LOT_PREFIX).select_related("producer"))[:count]

    def ensure_events(self, count: int, batches: list[Batch], rng: random.Random) -> int:
        have = EpcisEvent.objects.filter(event_id__startswith=PREFIX).count()
        if have >= count:
            return 0
        bar = ProgressBar(sys.stderr, count - have, "insert")
        done = 0
        for start in range(have, count, CHUNK):
            stop = min(count, start + CHUNK)
            rows = []
            for n in range(start, stop):
                batch = batches[n % len(batches)]
                step = STEPS[n % len(STEPS)]
                when = START + datetime.timedelta(seconds=rng.randrange(SPAN_SECONDS))
                epc = f"https://id.gs1.org/01/{batch.gtin}/10/{batch.lot_number}/21/{n:09d}"
                lot = f"https://id.gs1.org/01/{batch.gtin}/10/{batch.lot_number}"
                disposition = DISPOSITIONS[n % len(DISPOSITIONS)]
                rows.append(
                    EpcisEvent(
                        event_id=f"{PREFIX}{n:012d}",
                        event_hash=f"ni:///sha-256;{n:064x}?ver=CBV2.0",
                        event_type="ObjectEvent",
                        event_time=when,
                        biz_step=step,
                        disposition=disposition,
                        batch_id=batch.pk,
                        document={
                            "type": "ObjectEvent",
                            "eventTime": when.isoformat(),
                            "eventTimeZoneOffset": "+00:00",
                            "action": "OBSERVE",
                            "epcList": [epc],
                            "quantityList": [{"epcClass": lot}],
                            "bizStep": step,
                            "disposition": disposition,
                            "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
                        },
                    )
                )
            with transaction.atomic():
                EpcisEvent.objects.bulk_create(rows, batch_size=1000)
                ids = dict(
                    EpcisEvent.objects.filter(event_id__in=[r.event_id for r in rows]).values_list("event_id", "pk")
                )
                epcs = []
                for row in rows:
                    pk = ids[row.event_id]
                    epcs.append(EpcisEventEpc(event_id=pk, level="instance", value=row.document["epcList"][0]))
                    epcs.append(
                        EpcisEventEpc(event_id=pk, level="class", value=row.document["quantityList"][0]["epcClass"])
                    )
                EpcisEventEpc.objects.bulk_create(epcs, batch_size=2000)
            done += len(rows)
            bar(done)
        return done

    # --- the two ways ---------------------------------------------------------------------------

    def prepare(self, params: dict) -> dict:
        """The query string for EPCIS (a deep page: with the token of the row before it) and the
        queryset and page number for the admin listing."""
        deep = params.pop("_deep", None)
        query = event_query.parse(_QueryDict(params))
        rows = event_query.filtered(query, event_query.visible_rows(None))
        # the admin lists every row it may (an officer: all), with the same filters
        listing = event_query.filtered(query, EpcisEvent.objects.all()).select_related("batch")
        page_number = 1
        if deep:
            before = rows[deep - 1 : deep].get()
            params = {**params, "nextPageToken": event_query.page_token(query, before)}
            page_number = deep // ADMIN_PER_PAGE + 1
        return {"params": {**params, "perPage": str(ADMIN_PER_PAGE)}, "listing": listing, "page": page_number}

    def epcis(self, client: Client, prepared: dict) -> int:
        response = client.get("/epcis/events", prepared["params"])
        if response.status_code != 200:
            raise CommandError(f"GET /epcis/events answered {response.status_code}: {response.content[:300]!r}")
        return len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"])

    def run_query(self, prepared: dict) -> int:
        query = event_query.parse(_QueryDict(prepared["params"]))
        return len(event_query.run(query, None).events)

    def admin(self, prepared: dict) -> int:
        paginator = Paginator(prepared["listing"], ADMIN_PER_PAGE)
        page = paginator.page(prepared["page"])
        rows = list(page.object_list)
        # what the listing's columns read: the batch, the step, the time, the place
        _cells = [(r.batch.lot_number, r.biz_step, r.event_time, r.document.get("readPoint")) for r in rows]
        _links = (paginator.num_pages, page.has_next())
        return len(rows)


class _QueryDict(dict):
    """Just enough of a ``QueryDict`` for ``query.parse``."""

    def getlist(self, key):
        return [self[key]] if key in self else []
