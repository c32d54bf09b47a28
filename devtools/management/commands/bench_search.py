"""Score and time every search engine, side by side with Wagtail's own database search backend.

    python manage.py bench_search                        # relevance set on the demo registry
    python manage.py bench_search --synthetic 100000     # + indexing rate and query p50/p95 at 100,000 documents
    python manage.py bench_search --synthetic 1000000    # streamed: each rebuild reads and analyses as it writes
    python manage.py bench_search --opensearch http://127.0.0.1:9201 --elasticsearch http://127.0.0.1:9202

By default the command works in a scratch database it creates and drops (like the test runner:
a temporary SQLite file, or a ``lp_bench_search_<pid>`` PostgreSQL database), so it never touches
the site's data. It loads the demo registry, scores each engine on the relevance set (MRR and
recall@5, overall and by kind of query) and times the set's queries; ``--synthetic N`` adds N
generated producers and times indexing and queries again. Cluster engines join when their URL
is given (or ``SEARCH_TEST_OPENSEARCH_URL`` / ``SEARCH_TEST_ELASTICSEARCH_URL`` is set). Figures
are printed, never asserted: machines here are shared and noisy.

Side by side with a bare view: the search and suggest API endpoints and the truly bare Django
view of ``devtools.bare`` (one view, no middleware, no database, a 200-byte body) are served the
same way, through Django's request handler in this process (the scratch database lives only
here), in interleaved rounds; p50/p99 of each and the ratio of the medians are printed with the
machine's load (``os.getloadavg()``) before and after.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from core.progress import ProgressBar
from devtools.bare import bare_client
from gi_registry import services
from gi_registry.factories import LIANGPING_DIVISION, make_credit_code
from gi_registry.models import GeographicalIndication, Producer, ProductFamily, Standard, Township
from gi_registry.validators import credit_code_check_character, org_code_check_character
from search.documents import iter_documents, sources
from search.engines.base import SearchEngine
from search.engines.cluster import ClusterEngine
from search.engines.embedded import EmbeddedEngine
from search.relevance import CASES, score

#: What a visitor types into the header box, one keystroke at a time (autocomplete).
SUGGEST_PREFIXES = ("梁", "梁平", "梁平柚", "合", "合作", "l", "lp", "lpy", "liang", "zhang", "DB50", "9150")

LATENCY_QUERIES = (
    "柚",
    "鸭",
    "柚子",
    "平柚",
    "合作社",
    "梁平柚",
    "张鸭子",
    "专业合作社",
    "礼让镇柚子",
    "liangpingyou",
    "hezuoshe",
    "lpy",
    "zyz",
    "DB50/T 9101",
    "93500155MA9000011Q",
    "pomelo",
)

VILLAGES = [
    "川西",
    "双河",
    "龙滩",
    "新店",
    "万年",
    "观音",
    "天竺",
    "新拱",
    "猎神",
    "扈槽",
    "文峰",
    "兴隆",
    "石马",
    "护国",
    "义和",
    "大坪",
    "桂香",
    "红旗",
    "仁和",
    "太平",
    "长岭",
    "金竹",
    "黄泥",
    "白鹤",
]
PRODUCTS = [
    ("柚子", "pomelo"),
    ("蜜柚", "pomelo"),
    ("优质稻", "rice"),
    ("稻米", "rice"),
    ("麻鸭", "duck"),
    ("卤鸭", "duck"),
    ("大豆", "beans"),
    ("豆筋", "beans"),
    ("竹笋", "bamboo"),
    ("笋干", "bamboo"),
    ("山羊", "other"),
    ("蔬菜", "other"),
]
KINDS = [
    ("cooperative", "93", "{product}种植专业合作社"),
    ("cooperative", "93", "{product}专业合作社"),
    ("enterprise", "91", "{product}食品有限公司"),
    ("enterprise", "91", "{product}农业开发有限公司"),
    ("family_farm", "92", "{product}家庭农场"),
    ("individual", "92", "{product}经营部"),
]
SENTENCES = [
    "主要从事{product}的种植、加工与销售，产品通过绿色食品认证。",
    "基地位于{township}{village}村，面积约{n}亩，采用稻鸭共生等生态种养方式。",
    "合作社带动周边农户{n}户，统一品种、统一技术、统一品牌。",
    "产品使用梁平区域公共品牌“五子登科·丰味梁平”。",
    "生产过程执行地方标准，建立了质量追溯体系。",
]


def synthetic_credit_code(n: int, category: str) -> str:
    """The credit code of the ``n``-th generated producer: ``make_credit_code(100000 + n)`` as before
    (the first 800,000), then ``MB``… so that a million never meets the demo registry's ``MA9000…``."""
    if n < 800_000:
        return make_credit_code(100_000 + n, category)
    body = f"MB{n - 800_000:06d}"
    first17 = category + LIANGPING_DIVISION + body + org_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class WagtailBaseline:
    """Wagtail's configured search backend (the database backend here), over the same records."""

    name = "wagtail-db"

    def __init__(self):
        from wagtail.search.backends import get_search_backend

        self.backend = get_search_backend("default")

    def querysets(self):
        from wagtail.models import Page

        return [services.public_gis(), services.public_producers(), services.public_standards(), Page.objects.live()]

    def index(self) -> int:
        from wagtail.models import Page

        self.backend.reset_indexes()
        written = 0
        for model in (GeographicalIndication, Producer, Standard, Page):
            objects = list(model.objects.filter(live=True))
            for start in range(0, len(objects), 1000):
                self.backend.add_bulk(model, objects[start : start + 1000])
            written += len(objects)
        return written

    def urls(self, query: str, size: int = 10) -> list[str]:
        scored = []
        for queryset in self.querysets():
            try:
                results = self.backend.search(query, queryset).annotate_score("_score")[:size]
                scored += [(getattr(obj, "_score", 0) or 0, obj) for obj in results]
            except Exception:  # noqa: S112 — a query the backend cannot run counts as no results
                continue
        scored.sort(key=lambda pair: -pair[0])
        out = []
        for _, obj in scored[:size]:
            obj = obj.specific if hasattr(obj, "specific") else obj
            out.append(obj.get_url() if hasattr(obj, "get_url") else obj.get_absolute_url())
        return out


class Command(BaseCommand):
    help = "Relevance (MRR, recall@5) and speed of every search engine, next to Wagtail's database backend."

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", type=int, default=0, help="also time N generated producers (e.g. 100000)")
        parser.add_argument(
            "--stream",
            action="store_true",
            help="rebuild from the records as they are read (the default above 200,000 documents)",
        )
        parser.add_argument("--rounds", type=int, default=5, help="times each latency query runs per engine")
        parser.add_argument("--opensearch", default=os.environ.get("SEARCH_TEST_OPENSEARCH_URL", ""))
        parser.add_argument("--elasticsearch", default=os.environ.get("SEARCH_TEST_ELASTICSEARCH_URL", ""))
        parser.add_argument("--no-wagtail", action="store_true", help="leave Wagtail's backend out")
        parser.add_argument(
            "--in-place", action="store_true", help="use the current database (tests), not a scratch one"
        )
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
        parser.add_argument(
            "--http-rounds", type=int, default=5, help="rounds of the endpoints beside the bare view (0: skip)"
        )

    # --- set-up ----------------------------------------------------------------------------

    def handle(self, *args, **options):
        in_place = options["in_place"]
        figures = self.run(options) if in_place else self.in_scratch_database(lambda: self.run(options))
        if options["json"]:
            options["json"].write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        summary = ", ".join(
            f"{name}: MRR {f['mrr']:.3f}, recall@5 {f['recall5']:.3f}" for name, f in figures["relevance"].items()
        )
        self.stdout.write(self.style.SUCCESS(f"bench_search done ({len(CASES)} queries) — {summary}"))

    def in_scratch_database(self, work: Callable[[], dict]) -> dict:
        """Create a throw-away database (as the test runner does), run ``work`` in it, drop it."""
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            scratch = Path(tempfile.gettempdir()) / f"lp-bench-search-{os.getpid()}.sqlite3"
            test_settings["NAME"] = str(scratch)
        else:
            test_settings["NAME"] = f"lp_bench_search_{os.getpid()}"
        self.stderr.write(f"scratch database: {test_settings['NAME']} (migrating…)")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            return work()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def engines(self, options) -> list[SearchEngine]:
        found: list[SearchEngine] = [EmbeddedEngine()]
        prefix = f"lp-bench-{uuid.uuid4().hex[:6]}"
        for flavour in ("opensearch", "elasticsearch"):
            url = options[flavour]
            if not url:
                continue
            url = url if "+" in url.split("://", 1)[0] else f"{flavour}+{url}"
            engine = ClusterEngine(url, prefix=prefix, timeout=60)
            if engine.available():
                found.append(engine)
            else:
                self.stderr.write(self.style.WARNING(f"{flavour} at {url} does not answer; left out"))
        return found

    # --- the run ---------------------------------------------------------------------------

    def run(self, options) -> dict:
        engines = self.engines(options)
        baseline = None if options["no_wagtail"] else WagtailBaseline()
        self.stderr.write("loading the demo registry…")
        call_command("load_demo_data", verbosity=0)
        figures: dict = {"relevance": {}, "by_kind": {}, "latency_demo": {}, "synthetic": {}}
        try:
            self.relevance(engines, baseline, figures, options["rounds"])
            if options["synthetic"]:
                self.synthetic(engines, baseline, figures, options["synthetic"], options["rounds"], options["stream"])
            if options["http_rounds"]:
                # the site's own search service (the embedded engine unless SEARCH_URL names a cluster)
                figures["endpoints"] = self.endpoints(options["http_rounds"])
        finally:
            for engine in engines:
                if hasattr(engine, "drop_all"):
                    engine.drop_all()
        return figures

    def contenders(self, engines, baseline) -> list[tuple[str, Callable[[str], list[str]]]]:
        out = [(e.name, lambda q, e=e: [h.url for h in e.search(q, size=10).hits]) for e in engines]
        if baseline is not None:
            out.append((baseline.name, baseline.urls))
        return out

    def relevance(self, engines, baseline, figures, rounds) -> None:
        docs = list(iter_documents())
        for engine in engines:
            engine.rebuild(docs)
        if baseline is not None:
            baseline.index()
        self.stdout.write(f"\nRelevance set: {len(CASES)} queries on the demo registry ({len(docs)} documents)")
        kinds = list(dict.fromkeys(c.kind for c in CASES))
        header = f"{'engine':<18}{'MRR':>7}{'R@5':>7}  " + "".join(f"{k:>10}" for k in kinds)
        self.stdout.write(header + "   (MRR by kind)")
        for name, search in self.contenders(engines, baseline):
            result = score(search)
            by_kind = result.by_kind()
            figures["relevance"][name] = {"mrr": result.mrr, "recall5": result.recall5}
            figures["by_kind"][name] = {k: {"mrr": v[0], "recall5": v[1], "n": v[2]} for k, v in by_kind.items()}
            self.stdout.write(
                f"{name:<18}{result.mrr:>7.3f}{result.recall5:>7.3f}  "
                + "".join(f"{by_kind[k][0]:>10.3f}" for k in kinds)
            )
            misses = [(c.query, round(rr, 2)) for c, rr, _, _ in result.per_case if rr < 1]
            if misses and not name.startswith("wagtail"):
                self.stdout.write(f"    below rank 1: {misses}")
        figures["latency_demo"] = self.latency(engines, baseline, [c.query for c in CASES], rounds)

    def latency(self, engines, baseline, queries, rounds) -> dict:
        return self.timed(
            self.contenders(engines, baseline),
            queries,
            rounds,
            f"Query latency over {len(queries)} queries × {rounds} rounds (ms, whole search call):",
        )

    def timed(self, contenders, inputs, rounds, title: str) -> dict:
        """Each contender on each input, interleaved so noise hits them alike; p50/p95 in ms.

        Beside the wall time, this process's CPU time per call: on a loaded machine it hardly
        moves, and for SQLite (which runs in this process) it is the whole cost of a search.
        """
        timings: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        for _ in range(rounds):
            for text in inputs:
                for name, call in contenders:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    call(text)
                    timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
                    cpu.setdefault(name, []).append((time.process_time() - started_cpu) * 1000)
        self.stdout.write(f"{title} load {os.getloadavg()[0]:.2f}")
        out = {}
        for name, values in timings.items():
            out[name] = {
                "p50": percentile(values, 0.5),
                "p95": percentile(values, 0.95),
                "cpu_p50": percentile(cpu[name], 0.5),
                "cpu_p95": percentile(cpu[name], 0.95),
                "n": len(values),
            }
            f = out[name]
            self.stdout.write(
                f"    {name:<18} p50 {f['p50']:7.1f}   p95 {f['p95']:7.1f}   "
                f"(CPU in this process: p50 {f['cpu_p50']:6.1f}   p95 {f['cpu_p95']:6.1f})"
            )
        return out

    # --- synthetic corpus ------------------------------------------------------------------

    #: above this many documents the corpus is not held in memory: each engine's rebuild reads and
    #: analyses the records as it writes them (about 5 KB a document once analysed), and the
    #: analysis rate is taken over the first ``ANALYSIS_SAMPLE`` documents
    STREAM_ABOVE = 200_000
    ANALYSIS_SAMPLE = 100_000

    def synthetic(self, engines, baseline, figures, count, rounds, stream: bool = False) -> None:
        created = self.seed_producers(count)
        total_docs = sum(source.count() for source in sources().values())
        self.stdout.write(f"\nSynthetic corpus: {created} generated producers, {total_docs} documents in all")
        streamed = stream or total_docs > self.STREAM_ABOVE
        # the records are read first, then analysed, so each gets its own rate
        started = time.perf_counter()
        docs = list(islice(iter_documents(), self.ANALYSIS_SAMPLE) if streamed else iter_documents())
        reading = time.perf_counter() - started
        bar = ProgressBar(self.stderr, len(docs), "analysing" + (" (a sample)" if streamed else ""))
        started, started_cpu = time.perf_counter(), time.process_time()
        for n, doc in enumerate(docs, 1):
            doc.analysed  # noqa: B018 — segmentation and pinyin happen here, timed on their own
            bar(n)
        analysis, analysis_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        rates = {
            "reading the records": len(docs) / reading,
            "analysis (segmentation + pinyin)": len(docs) / analysis,
            "analysis per CPU second": len(docs) / max(analysis_cpu, 1e-9),
        }
        if streamed:
            docs = []  # each rebuild reads, analyses and writes the records as they come
        for engine in engines:
            label = f"{engine.name} (reading + analysis + writing)" if streamed else engine.name
            started = time.perf_counter()
            written = engine.rebuild(
                iter_documents() if streamed else docs, progress=ProgressBar(self.stderr, total_docs, engine.name)
            )
            rates[label] = written / (time.perf_counter() - started)
        if baseline is not None:
            started = time.perf_counter()
            written = baseline.index()
            rates[baseline.name] = written / (time.perf_counter() - started)
        self.stdout.write(f"Indexing rate (documents per second), load {os.getloadavg()[0]:.2f}:")
        for name, rate in rates.items():
            self.stdout.write(f"    {name:<34} {rate:10.0f}")
        self.settle()
        figures["synthetic"] = {
            "documents": total_docs,
            "streamed": streamed,
            "index_rate": rates,
            "latency": self.latency(engines, baseline, list(LATENCY_QUERIES), rounds),
            "totals": {q: engines[0].search(q).total for q in LATENCY_QUERIES},
            "suggest_latency": self.suggest_latency(engines, rounds),
        }

    #: the tables a PostgreSQL rebuild has just filled (``settle``)
    SETTLED_TABLES = ("search_pgindex", "search_pgsuggest", "search_searchdocument", "search_searchfacet")

    def settle(self) -> None:
        """On PostgreSQL, ``VACUUM (ANALYZE)`` the tables the rebuild filled before anything is timed.

        Right after a rebuild of 1,000,000 documents commits, autovacuum scans 5.5 GB of fresh
        rows (setting their hint bits and visibility map) and checkpoints follow each other every
        ~20 s: the run at that size timed its queries during that (search p95 2.4 s; on a
        vacuumed index of that size the same queries took at most 0.4 s from a cold cache, though
        which part of the difference this explains is not proven). Done here, that work is left
        out of the timings and printed with its own duration. Inside a transaction (``--in-place`` in
        the tests) VACUUM cannot run, and nothing is done.
        """
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in self.SETTLED_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        self.stdout.write(f"VACUUM (ANALYZE) after the rebuild, before timing: {time.perf_counter() - started:.0f} s")

    def endpoints(self, rounds: int) -> dict:
        """The search and suggest endpoints beside the bare view, served alike, interleaved; p50/p99."""
        site, bare = Client(), bare_client()
        targets: list[tuple[str, Client, str]] = [("bare view", bare, "/")]
        targets += [("search API", site, "/api/v1/search?q=" + urllib.parse.quote(q)) for q in LATENCY_QUERIES]
        targets += [
            ("suggest API", site, "/api/v1/search/suggest?q=" + urllib.parse.quote(p)) for p in SUGGEST_PREFIXES
        ]
        for _name, client, path in targets:  # warm-up; every endpoint must answer
            status = client.get(path).status_code
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        load_before = os.getloadavg()
        timings: dict[str, list[float]] = {}
        timings["bare view"] = []
        for _ in range(rounds):
            for name, client, path in targets[1:]:
                # each request of an endpoint is followed by one of the bare view, so both see the same moments
                for label, c, p in ((name, client, path), ("bare view", bare, "/")):
                    started = time.perf_counter()
                    c.get(p)
                    timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        load_after = os.getloadavg()
        bare_p50 = percentile(timings["bare view"], 0.5)
        self.stdout.write(
            f"Endpoints beside the bare view (in-process Django handler, {rounds} rounds, interleaved), "
            f"load {load_before[0]:.2f} → {load_after[0]:.2f} (1-min avg):"
        )
        self.stdout.write(f"    {'target':<14}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'p50 x bare':>12}")
        out: dict = {"load": [load_before[0], load_after[0]]}
        for name, values in timings.items():
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            out[name] = {"p50": p50, "p99": p99, "n": len(values), "ratio": p50 / bare_p50 if bare_p50 else 0.0}
            self.stdout.write(f"    {name:<14}{len(values):>6}{p50:>9.2f}{p99:>9.2f}{out[name]['ratio']:>12.1f}")
        return out

    def suggest_latency(self, engines, rounds) -> dict:
        """Autocomplete (``suggest``) per engine over the typed prefixes."""
        return self.timed(
            [(engine.name, engine.suggest) for engine in engines],
            SUGGEST_PREFIXES,
            rounds,
            f"Autocomplete latency over {len(SUGGEST_PREFIXES)} prefixes × {rounds} rounds (ms):",
        )

    def seed_producers(self, count: int) -> int:
        """``count`` producers with plausible Chinese names and text (fixed seed), bulk-inserted."""
        from django.db import transaction

        rng = random.Random(20261126)  # noqa: S311 — test data, not security
        townships = list(Township.objects.all())
        families = {f.slug: f for f in ProductFamily.objects.all()}
        through = Producer.product_families.through
        made = 0
        bar = ProgressBar(self.stderr, count, "seeding producers")
        with transaction.atomic():
            for start in range(0, count, 2000):
                batch, links = [], []
                for n in range(start, min(count, start + 2000)):
                    township = rng.choice(townships)
                    village = rng.choice(VILLAGES)
                    product, family_slug = rng.choice(PRODUCTS)
                    kind, category, pattern = rng.choice(KINDS)
                    name = f"梁平区{township.name}{village}{pattern.format(product=product)}{n}"
                    text = "".join(
                        s.format(product=product, township=township.name, village=village, n=rng.randint(10, 900))
                        for s in rng.sample(SENTENCES, 3)
                    )
                    batch.append(
                        Producer(
                            name=name[:150],
                            credit_code=synthetic_credit_code(n, category),
                            kind=kind,
                            township=township,
                            address=f"{township.name}{village}村{rng.randint(1, 12)}组",
                            description=text,
                            live=True,
                        )
                    )
                    links.append(family_slug)
                saved = Producer.objects.bulk_create(batch)
                through.objects.bulk_create(
                    [
                        through(producer_id=p.pk, productfamily_id=families[slug].pk)
                        for p, slug in zip(saved, links, strict=True)
                    ]
                )
                made += len(saved)
                bar(made)
        return made

    @staticmethod
    def median(values):
        return statistics.median(values) if values else 0.0
