"""The scan log written off the request path (``scan_log.ScanLog``).

A scan is buffered in its process and written with its code's counters by a background thread;
what a page shows is the written counters plus the process's unwritten scans. These tests hold
that nothing is lost or counted twice: after ``flush_scans()``, at exit, after a failed write,
with threads recording (and writing) at once, and with two processes writing one code.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings

from gi_registry.trace import resolve, scan_log, scans
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan, TraceCode
from gi_registry.trace.scans import ScanLog, coarse_origin, flush_scans, pending_scans, scan_record

from .conftest import WECHAT

pytestmark = pytest.mark.django_db
# Threads of their own need committed rows. serialized_rollback: a transactional test flushes the
# tables, the migrations' reference data with them.
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HIGH = {"TRACE_SUSPICIOUS_SCANS": 10**6, "TRACE_SUSPICIOUS_ORIGINS": 10**6, "TRACE_SCAN_BUFFER_MAX": 10**6}


def api(client, code, ip="203.0.113.9", **extra):
    response = client.get(f"/api/v1/trace/{code.printed_code}", HTTP_USER_AGENT=WECHAT, REMOTE_ADDR=ip, **extra)
    return response.json()


def phone_request(ip: str):
    return RequestFactory().get("/t/x", HTTP_USER_AGENT=WECHAT, REMOTE_ADDR=ip)


def test_scans_are_buffered_counted_at_once_and_written_by_flush(client, code):
    assert [api(client, code)["scan_count"] for _ in range(3)] == [1, 2, 3]
    assert pending_scans() == 3 and not Scan.objects.exists()  # not written on the request path
    code.refresh_from_db()
    assert code.scan_count == 0

    assert flush_scans() == 3
    assert pending_scans() == 0
    assert Scan.objects.filter(code=code, counted=True, client="wechat").count() == 3
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (3, 1) and code.first_scanned_at is not None
    data = api(client, code)  # written and unwritten scans add up, none twice
    assert data["scan_count"] == 4
    assert data["first_scanned_at"] == api(client, code)["first_scanned_at"]


@override_settings(TRACE_SCAN_LOG_ASYNC=False)
def test_without_the_buffer_each_scan_is_written_before_the_page(client, code):
    assert api(client, code)["scan_count"] == 1
    assert pending_scans() == 0 and Scan.objects.filter(code=code).count() == 1
    assert api(client, code, ip="198.51.100.7")["scan_count"] == 2
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (2, 2)


def test_crawlers_are_logged_but_not_counted_through_the_buffer(client, code):
    client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT="facebookexternalhit/1.1")
    assert api(client, code)["scan_count"] == 1
    flush_scans()
    assert list(Scan.objects.order_by("scanned_at").values_list("counted", flat=True)) == [False, True]
    code.refresh_from_db()
    assert code.scan_count == 1


@override_settings(TRACE_RATE_LIMIT=2, TRACE_RATE_WINDOW=60)
def test_a_limited_client_adds_nothing_to_the_buffer(client, code):
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        api(client, code)
    assert client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert pending_scans() == 2
    assert flush_scans() == 2 and Scan.objects.count() == 2


@override_settings(**HIGH)
def test_threads_recording_at_once_lose_nothing(code):
    """Eight threads scan one code 250 times each, from 40 networks: every scan is buffered once,
    each sees its own count, and the write adds them all up."""
    loaded, _ = resolve.find_code(code.printed_code)
    requests = [phone_request(f"198.51.{i % 40}.7") for i in range(8 * 250)]
    counts: list[int] = []
    lock = threading.Lock()

    def work(part):
        mine = [scans.log_scan(loaded, request).count for request in part]
        with lock:
            counts.extend(mine)

    threads = [threading.Thread(target=work, args=(requests[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 2001))
    assert flush_scans() == 2000
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (2000, 40)
    assert Scan.objects.filter(code=code, counted=True).count() == 2000


@TRANSACTIONAL
@override_settings(**HIGH)
def test_recording_while_the_log_is_written_counts_every_scan_once():
    """Threads record while another thread keeps writing the buffer. Each scan's count includes
    every scan completed before it started and none that started after it returned (so the
    written counters and the unwritten scans never overlap or leave a gap); no row is lost."""
    code = issue_codes(BatchFactory(), 1)[0]
    loaded, _ = resolve.find_code(code.printed_code)
    lock = threading.Lock()
    state = {"started": 0, "completed": 0}
    wrong: list[tuple[int, int, int]] = []
    done = threading.Event()

    def record(n, network):
        try:
            for i in range(n):
                request = phone_request(f"192.0.{network}.{i % 200}")
                with lock:
                    state["started"] += 1
                    low = state["completed"] + 1
                count = scans.log_scan(loaded, request).count
                with lock:
                    high = state["started"]
                    state["completed"] += 1
                    if not low <= count <= high:
                        wrong.append((low, count, high))
        finally:
            connection.close()

    def write():
        try:
            while not done.is_set():
                flush_scans()
                time.sleep(0.002)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    recorders = [threading.Thread(target=record, args=(300, i)) for i in range(4)]
    for thread in recorders:
        thread.start()
    for thread in recorders:
        thread.join()
    done.set()
    writer.join()
    assert not wrong
    flush_scans()
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (1200, 4)
    assert Scan.objects.filter(code=code).count() == 1200
    assert scans.scan_stats(code).count == 1200


def written_scans(code) -> int:
    """Rows of ``code`` in the scan log, read while the thread may be writing: the in-memory SQLite
    test database shares one cache between connections, where a read that meets the writer's table
    lock fails at once ("database table is locked") instead of waiting, so it is read again."""
    while True:
        try:
            return Scan.objects.filter(code=code).count()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)


@TRANSACTIONAL
@override_settings(TRACE_SCAN_FLUSH_INTERVAL=0.05)
def test_the_background_thread_writes_the_log(client):
    code = issue_codes(BatchFactory(), 1)[0]
    for _ in range(3):
        api(client, code)
    deadline = time.monotonic() + 10
    while written_scans(code) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert written_scans(code) == 3 and pending_scans() == 0
    code.refresh_from_db()
    assert code.scan_count == 3
    assert api(client, code)["scan_count"] == 4


def test_a_failed_write_keeps_the_scans_for_the_next(client, code, monkeypatch):
    api(client, code)
    api(client, code)
    real = scan_log._insert_scans

    def broken(records):
        raise OperationalError("database is locked")

    monkeypatch.setattr(scan_log, "_insert_scans", broken)
    with pytest.raises(OperationalError):
        flush_scans()
    assert pending_scans() == 2 and not Scan.objects.exists()
    assert api(client, code)["scan_count"] == 3  # still counted while unwritten
    monkeypatch.setattr(scan_log, "_insert_scans", real)
    assert flush_scans() == 3
    code.refresh_from_db()
    assert code.scan_count == 3 and Scan.objects.count() == 3


def test_the_exit_hook_writes_what_is_buffered(client, code):
    api(client, code)
    scan_log._flush_at_exit()  # registered with atexit: a gunicorn worker runs it as it exits
    assert pending_scans() == 0 and Scan.objects.filter(code=code).count() == 1


@override_settings(TRACE_SUSPICIOUS_ORIGINS=1)
def test_origins_are_exact_where_the_verdict_depends_on_them(client, code):
    assert api(client, code, ip="203.0.113.9")["verdict"] == "genuine"
    flush_scans()
    scans.discard_pending_scans()  # a process that has not seen this code's written origins
    # the same network again: not a new origin, though this process has to ask to know it
    assert api(client, code, ip="203.0.113.77")["verdict"] == "genuine"
    assert api(client, code, ip="203.0.113.78")["verdict"] == "genuine"
    assert api(client, code, ip="198.51.100.7")["verdict"] == "suspicious"  # a second network
    flush_scans()
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (4, 2)


@override_settings(TRACE_SUSPICIOUS_SCANS=2)
def test_suspicious_page_states_its_counts(client, code):
    for _ in range(2):
        client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT)
    flush_scans()
    html = client.get(f"/en/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT).content.decode()
    assert "it has been scanned 3 times since" in html and "from 1 places" in html
    html = client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT).content.decode()
    assert "已被扫描4次" in html


def test_scan_line_in_both_languages(client, code):
    html = client.get(f"/en/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT).content.decode()
    assert "Scanned 1 time · first scan 20" in html
    html = client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT).content.decode()
    assert "已扫描2次" in html


@TRANSACTIONAL
def test_two_processes_writing_one_new_origin_count_it_once():
    """Two processes' logs (two ScanLogs here) write a first scan of a code from one network at
    the same moment: the code's row is locked for the write, so the origin counts once."""
    code = issue_codes(BatchFactory(), 1)[0]
    request = phone_request("203.0.113.9")
    logs = [ScanLog(), ScanLog()]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(log):
        try:
            start.wait()
            log.write([scan_record(code, request)], settle=False)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    code.refresh_from_db()
    assert (code.scan_count, code.origin_count) == (2, 1)
    assert set(Scan.objects.values_list("origin", flat=True)) == {coarse_origin("203.0.113.9")}


def test_one_query_per_scan(client, code, django_assert_max_num_queries):
    api(client, code)  # the batch's details and page frame are cached from here on
    client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT)
    with django_assert_max_num_queries(1):
        assert api(client, code)["scan_count"] == 3
    with django_assert_max_num_queries(1):
        assert client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=WECHAT).status_code == 200


def test_codes_of_a_batch_share_the_page_frame_but_not_their_codes(client):
    from gi_registry.trace import signing

    first, second = issue_codes(BatchFactory(), 2)
    one = client.get(f"/t/{first.printed_code}", HTTP_USER_AGENT=WECHAT).content.decode()
    two = client.get(f"/t/{second.printed_code.lower()}", HTTP_USER_AGENT=WECHAT).content.decode()
    assert signing.display(first.printed_code) in one and signing.display(second.printed_code) in two
    assert first.printed_code not in two and signing.display(first.printed_code) not in two
    assert f'content="http://testserver/t/{second.printed_code.lower()}"' in two  # og:url as requested
    assert f'href="/en/t/{second.printed_code}"' in two
    assert "\ue000" not in one + two  # every slot filled


def test_typed_text_is_escaped(client):
    html = client.get("/t/", {"code": '"><script>alert(1)</script>'}, HTTP_USER_AGENT=WECHAT).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


# -- the journal: scans of a killed process ---------------------------------------------------


def _kill_workers(master: int) -> list[int]:
    import os
    import signal

    from devtools.bench import server_processes

    workers = [pid for pid in server_processes(master) if pid != master]
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return workers


@TRANSACTIONAL
def test_scans_answered_by_a_killed_gunicorn_worker_are_written_exactly_once(tmp_path):
    """A real gunicorn worker answers scans, is killed with SIGKILL before it writes any (no
    writer thread, a buffer larger than the load), and the replay writes every answered scan
    once: the Scan rows and the code's counter both equal the number of answers."""
    import http.client
    import os
    import sqlite3
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    from django.conf import settings

    from devtools.bench import gunicorn

    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database to a file the server can open")
    code = issue_codes(BatchFactory(), 1)[0]
    printed = code.printed_code
    database = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as target:
        connection.connection.backup(target)  # the test database, migrations' data included
    env = {
        "DJANGO_SETTINGS_MODULE": "website.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "TRACE_SCAN_JOURNAL_DIR": str(tmp_path / "journal"),
        "TRACE_RATE_LIMIT": "0",
        "TRACE_SCAN_BUFFER_MAX": "100000",
    }
    requests, answered = 200, []

    def scan(count: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        for _ in range(count):
            conn.request("GET", f"/api/v1/trace/{printed}", headers={"User-Agent": WECHAT})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                answered.append(1)
        conn.close()

    with gunicorn(workers=1, threads=4, extra_env=env) as base:
        host, port = urlsplit(base).hostname, urlsplit(base).port
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(scan, [requests // 4] * 4))
        assert _kill_workers(base.pid), "found no gunicorn worker to kill"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM gi_registry_scan").fetchone()[0] == 0  # nothing was flushed

    replay = [sys.executable, str(settings.BASE_DIR / "manage.py"), "replay_scan_journals"]
    for _ in range(2):  # the second run finds nothing left to write
        subprocess.run(replay, env={**os.environ, **env}, check=True, cwd=settings.BASE_DIR, timeout=120)  # noqa: S603
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT count(*) FROM gi_registry_scan WHERE code_id = ?", [code.pk]).fetchone()[0]
        counter = db.execute("SELECT scan_count FROM gi_registry_tracecode WHERE id = ?", [code.pk]).fetchone()[0]
    assert len(answered) == requests
    assert (rows, counter) == (requests, requests)
    assert not list((tmp_path / "journal").rglob("*.scans"))


def _journal_files(directory) -> list:
    return sorted(directory.rglob("*.scans"))


def test_a_live_process_journal_is_left_alone_and_a_dead_one_is_replayed(code, tmp_path, settings):
    settings.TRACE_SCAN_JOURNAL_DIR = str(tmp_path)
    live, other = ScanLog(), ScanLog()
    for network in range(3):
        live.record(code, scan_record(code, phone_request(f"198.51.{network}.7")))
    assert len(_journal_files(tmp_path)) == 1
    assert other.replay() == 0  # its writer holds the file's lock
    assert Scan.objects.count() == 0
    live.journal.close_inherited()  # what the kernel does when the process dies
    assert other.replay() == 3
    code.refresh_from_db()
    assert (Scan.objects.count(), code.scan_count, code.origin_count) == (3, 3, 3)
    assert _journal_files(tmp_path) == []


def test_a_journal_left_after_its_scans_were_written_is_not_counted_again(code, tmp_path, settings):
    """A crash between the flush's commit and the file's deletion leaves a written journal."""
    settings.TRACE_SCAN_JOURNAL_DIR = str(tmp_path)
    log = ScanLog()
    for _ in range(2):
        log.record(code, scan_record(code, phone_request("198.51.100.7")))
    (path,) = _journal_files(tmp_path)
    content = path.read_bytes()
    assert log.flush() == 2
    assert _journal_files(tmp_path) == []
    path.write_bytes(content)  # as if the process had died before deleting it
    assert ScanLog().replay() == 0
    code.refresh_from_db()
    assert (Scan.objects.count(), code.scan_count) == (2, 2)
    assert _journal_files(tmp_path) == []


def test_a_failed_write_keeps_the_journal_for_the_next(code, tmp_path, settings, monkeypatch):
    settings.TRACE_SCAN_JOURNAL_DIR = str(tmp_path)
    log = ScanLog()
    log.record(code, scan_record(code, phone_request("198.51.100.7")))

    def broken(records):
        raise OperationalError("database is locked")

    monkeypatch.setattr(scan_log, "_insert_scans", broken)
    with pytest.raises(OperationalError):
        log.flush()
    monkeypatch.undo()
    log.record(code, scan_record(code, phone_request("198.51.100.8")))
    assert len(_journal_files(tmp_path)) == 2  # the sealed file stays until its scans are in
    assert log.flush() == 2
    assert _journal_files(tmp_path) == []
    assert Scan.objects.count() == 2


def test_a_line_cut_by_a_crash_is_left_out():
    record = scan_record(TraceCode(pk=7), phone_request("198.51.100.7"))
    line = scans.journal_line(record)
    assert scans.parse_journal(line + line[:9]) == [record]
