"""``manage.py bench_site``: the public site's pages against a bare Django view, and page weight.

    DATABASE_URL=sqlite:////tmp/site-bench.sqlite3 python manage.py bench_site

Migrates and loads the demo data into the configured database (never point it at a production
registry), serves the site with gunicorn on 127.0.0.1 and loads the home page, a brand page, a
product-family page, the dashboard and the English home side by side with ``/healthz`` in
interleaved rounds (``devtools.bench``): medians and ratios, with the page cache on (as deployed)
and off (every request rendered afresh). Then the weight of each page before images: its HTML
plus the stylesheets and scripts it links, as sent (gzip where the server compresses) and raw.
Every run also serves the truly bare app (devtools/bare_wsgi.py) beside the site and prints each
page's ratio to it and to ``/healthz``, and the machine's load before and after. Targets: each page
at least 40 % of the bare view's throughput; home under 150 KB.

gunicorn's figures include the client and the network, not the server's time alone, so the command
ends with every public page rendered in this process with the page cache off (Django's test client,
DEBUG off): the median CPU time per request (``time.process_time``, which other programs on a
shared machine disturb far less than wall time) after warm-up, and the page's SQL queries. Target:
at most 15 ms and 10 queries each (issue 15). ``--render-only`` prints this part alone.
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import os
import re
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from devtools.bench import (
    USER_AGENT,
    as_dicts,
    compare_with_options,
    describe_slowest,
    gunicorn,
    machine_load,
    report,
    slowest,
)

PATHS = {
    "home": "/",
    "brand": "/brands/wuzi-dengke/",
    "family": "/pomelo/",
    "dashboard": "/indicators/",
    "home_en": "/en/",
}
#: every public page (issue 15's list), rendered in process with the page cache off
RENDER_PATHS = {
    "home": "/",
    "home_en": "/en/",
    "gi": "/gi/liangping-you/",
    "gi_en": "/en/gi/liangping-you/",
    "directory": "/producers/",
    "producer": "/producers/93500155MA9000011Q/",
    "standards": "/standards/",
    "standard": "/standards/gbt-17924-2008/",
    "brands": "/brands/",
    "brand": "/brands/wuzi-dengke/",
    "brand_en": "/en/brands/wuzi-dengke/",
    "family": "/pomelo/",
    "family_en": "/en/pomelo/",
    "announcements": "/announcements/",
    "dashboard": "/indicators/",
    "dashboard_en": "/en/indicators/",
    "search": "/search/?q=%E6%A2%81%E5%B9%B3%E6%9F%9A",  # 梁平柚
}
RENDER_TARGET_MS = 15.0
QUERY_BUDGET = 10
WEIGHT_LIMIT_KB = 150
THROUGHPUT_TARGET = 0.40
_ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def fetch(base: str, path: str, gzip_ok: bool) -> tuple[bytes, str]:
    """The body as sent and its Content-Encoding."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"User-Agent": USER_AGENT, **({"Accept-Encoding": "gzip"} if gzip_ok else {})}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return body, response.getheader("Content-Encoding", "")


def render_times(requests: int) -> dict[str, dict]:
    """Each page of ``RENDER_PATHS`` served in this process with the page cache off: the median
    and 90th-percentile CPU time of a request after three warm-up requests (the first view of a
    content version pays for the memos once), and its SQL queries."""
    figures = {}
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(DEBUG=False, PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=hosts):
        client = Client()
        for name, path in RENDER_PATHS.items():
            for _ in range(3):
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path}: {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            query_count = len(queries.captured_queries)  # now: the next request empties the log
            times = []
            for _ in range(requests):
                started = time.process_time()
                client.get(path)
                times.append((time.process_time() - started) * 1000)
            times.sort()
            figures[name] = {
                "path": path,
                "p50_ms": statistics.median(times),
                "p90_ms": times[int(len(times) * 0.9) - 1] if len(times) >= 10 else times[-1],
                "queries": query_count,
            }
    return figures


def page_weight(base: str, path: str) -> dict:
    """Bytes of the page's HTML and of every stylesheet and script it links (images excluded)."""
    html, encoding = fetch(base, path, gzip_ok=True)
    raw_html = gzip.decompress(html) if encoding == "gzip" else html
    sent, raw = len(html), len(raw_html)
    assets = _ASSET_RE.findall(raw_html.decode())
    for asset in assets:
        body, encoding = fetch(base, asset, gzip_ok=True)
        sent += len(body)
        raw += len(gzip.decompress(body) if encoding == "gzip" else body)
    return {"sent_kb": sent / 1024, "raw_kb": raw / 1024, "assets": assets}


class Command(BaseCommand):
    help = "Benchmark the home, brand, family and dashboard pages against a bare view; report page weight."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="requests per target per round")
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
        parser.add_argument(
            "--render-requests", type=int, default=50, help="requests per page for the in-process render time"
        )
        parser.add_argument("--render-only", action="store_true", help="only the in-process render time per page")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        os.environ.setdefault("DEMO_USERS", "0")
        call_command("load_demo_data", stdout=io.StringIO())
        if options["render_only"]:
            figures = {"render, page cache off": self.report_render_times(options["render_requests"])}
            if options["json"]:
                options["json"].write_text(json.dumps(figures, indent=2))
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        configurations = {"page cache on": {}, "page cache off": {"PAGE_CACHE_SECONDS": "0"}}
        figures, summary = {}, []
        for label, extra_env in configurations.items():
            load_before = machine_load()
            with gunicorn(workers=options["workers"], extra_env=extra_env) as base:
                results = compare_with_options(base, PATHS, options, label, self.stderr)
                weights = {name: page_weight(base, path) for name, path in PATHS.items()} if not figures else None
            self.stdout.write(f"-- {label} ({load_before} before, {machine_load()} after)")
            for line in report(results):
                self.stdout.write(line)
            errors = sum(r.errors for r in results.values())
            _name, vs_healthz, _vs_app = slowest(results)
            met = "met" if vs_healthz >= THROUGHPUT_TARGET else "NOT met"
            summary.append(f"{label}: {describe_slowest(results)} ({met}), {errors} errors")
            figures[label] = as_dicts(results)
            figures[label]["machine_load"] = {"before": load_before, "after": machine_load()}
            if weights is not None:
                figures["weight"] = weights
                self.stdout.write("-- page weight before images (HTML + linked CSS/JS)")
                for name, weight in weights.items():
                    self.stdout.write(
                        f"{name:<14}{weight['sent_kb']:>7.1f} KB sent{weight['raw_kb']:>8.1f} KB raw  "
                        f"{', '.join(weight['assets'])}"
                    )
        figures["render, page cache off"] = render = self.report_render_times(options["render_requests"])
        slowest_render = max(RENDER_PATHS, key=lambda name: render[name]["p50_ms"])
        summary.append(f"slowest render {slowest_render} {render[slowest_render]['p50_ms']:.1f} ms")
        home = figures["weight"]["home"]["sent_kb"]
        within = "within" if home < WEIGHT_LIMIT_KB else "OVER"
        summary.append(f"home {home:.1f} KB sent before images ({within} {WEIGHT_LIMIT_KB} KB)")
        if options["json"]:
            options["json"].write_text(json.dumps(figures, indent=2))
        self.stdout.write("bench_site: " + "; ".join(summary))

    def report_render_times(self, requests: int) -> dict:
        load_before = machine_load()
        render = render_times(requests)
        self.stdout.write(
            f"-- server time per page, in process, page cache off (CPU ms per request, median of {requests}; "
            f"{load_before} before, {machine_load()} after)"
        )
        self.stdout.write(f"{'page':<15}{'p50 ms':>8}{'p90 ms':>8}{'queries':>9}")
        for name, figure in render.items():
            over = [
                *(["over 15 ms"] if figure["p50_ms"] > RENDER_TARGET_MS else []),
                *(["over the query budget"] if figure["queries"] > QUERY_BUDGET else []),
            ]
            self.stdout.write(
                f"{name:<15}{figure['p50_ms']:>8.1f}{figure['p90_ms']:>8.1f}{figure['queries']:>9}"
                + (f"  {', '.join(over)}" if over else "")
            )
        render["machine_load"] = {"before": load_before, "after": machine_load()}
        return render
