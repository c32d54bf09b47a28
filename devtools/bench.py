"""Side-by-side HTTP benchmarks: serve the site with gunicorn on loopback and load it.

Machines here are shared and noisy, so every figure is measured against two bare views served
in the same run, in interleaved rounds, and reported as medians and ratios rather than lone
absolute times: the project's own ``/healthz`` (which pays the whole middleware stack), and a
truly bare Django app (``devtools/bare_wsgi.py``: no middleware, no database, a 200-byte body)
served by a second gunicorn with the same settings — the ratio to that one is the one that means
what it says. Where ``/proc`` exists, each target also
gets the CPU time the server spent per request (gunicorn's processes, and PostgreSQL's backends
for the benchmark's database): unlike throughput, that hardly moves when other programs load
the machine.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core.progress import ProgressBar

BARE_PATH = "/healthz"
#: The truly bare app (devtools/bare_wsgi.py with devtools/bare_settings.py: no app, no middleware,
#: no database) answers every path.
BARE_APP = "devtools.bare_wsgi:application"
BARE_APP_PATH = "/"
#: The bare view with the trace page's one read (devtools/bare_read.py), served when a benchmark
#: names the code to read (``gunicorn(bare_read=…)``).
BARE_READ_APP = "devtools.bare_read_wsgi:application"
#: The targets that are yardsticks, not pages of the site.
YARDSTICKS = ("bare", "bare_app", "bare_read")
#: Every request of a run says it comes from a phone's WeChat, as a scanned label's would: the
#: trace pages count it as a scan (a request without a User-Agent is logged as a crawler's).
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(str):
    """The base URL of a server started by ``gunicorn``, with the process id of its master and, for
    the project's server, the bare app served beside it (``bare_app``, a ``Server`` too)."""

    pid: int | None = None
    bare_app: Server | None = None


def _cpu_seconds(pids) -> float:
    """User + system CPU time of ``pids`` (0 for any that has gone)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_processes(master: int | None) -> list[int]:
    """``master``, its workers, and the PostgreSQL backends serving the benchmark's database."""
    if master is None or not Path("/proc/self/stat").exists():
        return []
    pids = [master]
    database = settings.DATABASES["default"]
    backend = f" {database.get('USER', '')} {database['NAME']} " if "postgresql" in database["ENGINE"] else None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            worker = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master
            if worker or (backend and backend in (entry / "cmdline").read_text().replace("\0", " ")):
                pids.append(int(entry.name))
    return pids


@contextlib.contextmanager
def gunicorn(
    workers: int = 2,
    threads: int = 4,
    extra_env: dict | None = None,
    *,
    bare_app: bool = True,
    bare_read: tuple[str, str] | None = None,
) -> Iterator[str]:
    """Serve this project with gunicorn on 127.0.0.1, with the settings in use, DEBUG off; with
    ``bare_app``, also the truly bare app (devtools/bare_wsgi.py) on another port, served the same
    way; with ``bare_read`` (a code's serial and key id), also the bare view with the trace page's
    one read of that code (devtools/bare_read.py) on the site's database, served the same way."""
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(_gunicorn("website.wsgi", workers, threads, extra_env))
        if bare_app:
            base.bare_app = stack.enter_context(_gunicorn(BARE_APP, workers, threads, extra_env))
        if bare_read:
            read_env = {**(extra_env or {}), **bare_read_env(*bare_read)}
            base.bare_read = stack.enter_context(_gunicorn(BARE_READ_APP, workers, threads, read_env))
        yield base


def bare_read_env(serial: str, key_id: str) -> dict[str, str]:
    """What devtools/bare_read.py reads: the site's database settings and the code to look up."""
    from django.db import connections

    database = {key: value for key, value in connections["default"].settings_dict.items() if key != "TEST"}
    return {"BARE_READ_DATABASE": json.dumps(database, default=str), "BARE_READ_CODE": f"{serial}:{key_id}"}


@contextlib.contextmanager
def _gunicorn(app: str, workers: int, threads: int, extra_env: dict | None) -> Iterator[Server]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DEBUG": "0",
        **(extra_env or {}),
    }
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # The page cache serves only requests on the site origin's port (a request on another port
    # could poison it), so the origin is this server's, or "page cache on" measures uncached pages.
    env.setdefault("SITE_ORIGIN", f"http://127.0.0.1:{port}")
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, loopback only)
        [
            str(gunicorn_bin),
            app,
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            "--log-level=warning",
            "--keep-alive=30",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", BARE_PATH)
                if conn.getresponse().status == 200:
                    break
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited before it answered")
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 60 s")
        yield base
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()


@dataclass
class Result:
    path: str
    latencies: list[float] = field(default_factory=list)
    round_rps: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    warmup: int = 0  # requests sent before the measured rounds
    cpu_seconds: float = 0.0  # server CPU time over the measured rounds (0: not measured)

    @property
    def sent(self) -> int:
        """Requests sent, warm-up included."""
        return self.warmup + len(self.latencies)

    @property
    def rps(self) -> float:
        return statistics.median(self.round_rps) if self.round_rps else 0.0

    @property
    def cpu_us(self) -> float:
        """Server CPU time per measured request, in microseconds (0: not measured)."""
        return self.cpu_seconds / len(self.latencies) * 1e6 if self.latencies else 0.0

    def as_dict(self, bare_rps: float, bare_app_rps: float = 0.0) -> dict:
        return {
            "path": self.path,
            "rps": self.rps,
            "ratio": self.rps / bare_rps,
            "ratio_bare_app": self.rps / bare_app_rps if bare_app_rps else None,
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "errors": self.errors,
            "bytes": self.bytes,
            "cpu_us": self.cpu_us,
        }

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def _load(base: str, path: str, requests: int, concurrency: int, result: Result) -> float:
    """Send ``requests`` GETs over ``concurrency`` keep-alive connections; return requests/second."""
    host, port = base.removeprefix("http://").split(":")
    per_worker = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    lock = threading.Lock()

    def worker(count: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        latencies, errors, size = [], 0, 0
        for _ in range(count):
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity", "User-Agent": USER_AGENT})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    errors += 1
                size = len(body)
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            latencies.append(time.perf_counter() - start)
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.bytes = size

    threads = [threading.Thread(target=worker, args=(n,)) for n in per_worker if n]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return requests / (time.perf_counter() - start)


def compare(
    base: str,
    paths: dict[str, str],
    *,
    requests: int,
    concurrency: int,
    rounds: int,
    progress=None,
    settle: float = 0.0,
) -> dict[str, Result]:
    """Interleave rounds over the bare view and every page so noise hits them alike.

    ``settle``: seconds to wait after each target's load, so that work the server does after
    answering (a background writer) is counted with that target, not with the next one.
    """
    bare_app = getattr(base, "bare_app", None)
    bare_read = getattr(base, "bare_read", None)
    targets = {
        **({"bare_app": (bare_app, BARE_APP_PATH)} if bare_app else {}),
        **({"bare_read": (bare_read, BARE_APP_PATH)} if bare_read else {}),
        "bare": (base, BARE_PATH),
        **{name: (base, path) for name, path in paths.items()},
    }
    results = {name: Result(path) for name, (_server, path) in targets.items()}
    for name, (server, path) in targets.items():  # warm-up: caches, lazy imports, and a database
        # connection in every server thread (so none opens one inside a measured round)
        results[name].warmup = max(min(50, requests), 2 * concurrency)
        _load(server, path, results[name].warmup, concurrency, Result(path))
    time.sleep(settle)
    # after the warm-up: database backends
    processes = {server: server_processes(getattr(server, "pid", None)) for server, _path in targets.values()}
    for round_no in range(1, rounds + 1):
        for name, (server, path) in targets.items():
            before = _cpu_seconds(processes[server])
            results[name].round_rps.append(_load(server, path, requests, concurrency, results[name]))
            time.sleep(settle)
            results[name].cpu_seconds += _cpu_seconds(processes[server]) - before
        if progress:
            progress(round_no, rounds)
    return results


def compare_with_options(base: str, paths: dict[str, str], options: dict, label: str, stderr, **kwargs):
    """``compare`` with a benchmark command's ``--requests/--concurrency/--rounds`` and a progress bar."""
    return compare(
        base,
        paths,
        requests=options["requests"],
        concurrency=options["concurrency"],
        rounds=options["rounds"],
        progress=ProgressBar(stderr, options["rounds"], label),
        **kwargs,
    )


def report(results: dict[str, Result]) -> list[str]:
    """One line per target: req/s, its ratio to ``/healthz`` and to the truly bare app (when
    served), p50/p99, errors, body size, and server CPU per request (also as a multiple of ``/healthz``'s)."""
    bare = results["bare"].rps or 1.0
    bare_app = results["bare_app"].rps if "bare_app" in results else 0.0
    bare_cpu = results["bare"].cpu_us or 1.0
    lines = [
        f"{'target':<14}{'req/s':>9}{'/healthz':>9}{'bare app':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'KB':>7}"
        f"{'CPU us':>9}{'x bare':>8}  path"
    ]
    for name, r in results.items():
        vs_app = f"{r.rps / bare_app:>9.0%}" if bare_app else f"{'-':>9}"
        lines.append(
            f"{name:<14}{r.rps:>9.0f}{r.rps / bare:>9.0%}{vs_app}{r.percentile(50):>9.1f}{r.percentile(99):>9.1f}"
            f"{r.errors:>8}{r.bytes / 1024:>7.1f}{r.cpu_us:>9.0f}{r.cpu_us / bare_cpu:>8.2f}  {r.path}"
        )
    return lines


def as_dicts(results: dict[str, Result]) -> dict[str, dict]:
    """``Result.as_dict`` of every target, with its ratios to ``/healthz`` and the bare app."""
    bare = results["bare"].rps or 1.0
    bare_app = results["bare_app"].rps if "bare_app" in results else 0.0
    return {name: r.as_dict(bare, bare_app) for name, r in results.items()}


def slowest(results: dict[str, Result]) -> tuple[str, float, float | None]:
    """The slowest page of a run: its name and its ratios to ``/healthz`` and to the bare app."""
    bare = results["bare"].rps or 1.0
    bare_app = results["bare_app"].rps if "bare_app" in results else 0.0
    rps, name = min((r.rps, name) for name, r in results.items() if name not in YARDSTICKS)
    return name, rps / bare, (rps / bare_app if bare_app else None)


def describe_slowest(results: dict[str, Result]) -> str:
    name, vs_healthz, vs_app = slowest(results)
    app = f"{vs_app:.0%} of the bare app, " if vs_app is not None else ""
    return f"slowest {name} at {app}{vs_healthz:.0%} of /healthz"


def machine_load() -> str:
    """The 1-, 5- and 15-minute load averages and the number of CPUs, for a benchmark's report."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load unknown"
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
