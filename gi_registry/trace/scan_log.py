"""The scan log: each scan of a code buffered in this process, journalled to survive a killed
process, and written with the codes' counters by a background thread (``ScanLog``); the counts a
page shows (``ScanStats``) include this process's unwritten scans. ``scans`` describes the whole."""

from __future__ import annotations

import atexit
import contextlib
import datetime
import fcntl
import hashlib
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateTimeField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.ratelimit import client_address

from .clients import client_class, coarse_origin
from .models import Scan, ScanJournalSegment, TraceCode
from .places import coarse_place


def suspicious_scans() -> int:
    return settings.TRACE_SUSPICIOUS_SCANS


def suspicious_origins() -> int:
    return settings.TRACE_SUSPICIOUS_ORIGINS


# Its messages keep the logger name they had while the scan log was part of ``scans``.
logger = logging.getLogger("gi_registry.trace.scans")

# SQLite takes one writer at a time and a waiting writer backs off in sleeps of up to 100 ms;
# threads of one process queue here instead, so they wait only as long as the writes take.
_SQLITE_WRITE_LOCK = threading.Lock()

#: Set on a TraceCode by ``mark_loaded``: the scan log's sequence number before its row was read.
_MARK_ATTR = "_scan_log_mark"
#: Above this many unwritten new origins of one code, ``_stored_counters`` counts them in one subquery.
_EXISTS_MAX = 16


@dataclass(frozen=True)
class ScanStats:
    """Counted scans of a code, the first one's time and how many distinct origins.

    ``origins`` is exact whenever the verdict or the page depends on it. For a code under both
    thresholds whose newest origins are not written yet it may be an upper bound, itself under the
    origin threshold; ``origins_exact`` then says False.
    """

    count: int
    first_at: object
    origins: int
    origins_exact: bool = True

    @property
    def suspicious(self) -> bool:
        return self.count > suspicious_scans() or self.origins > suspicious_origins()

    @classmethod
    def of(cls, code: TraceCode) -> ScanStats:
        """The counters stored with ``code`` (without this process's unwritten scans)."""
        return cls(code.scan_count, code.first_scanned_at, code.origin_count)


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One scan as it will be written (a ``Scan`` row)."""

    code_id: int
    scanned_at: datetime.datetime
    origin: str
    client: str
    counted: bool
    place: str = ""


def scan_record(code: TraceCode, request) -> ScanRecord:
    """The scan of ``code`` that ``request`` makes: now, its client class, coarse origin, counted,
    coarse place (the address itself is not kept)."""
    client = client_class(request.META.get("HTTP_USER_AGENT", ""))
    counted = request.method == "GET" and client != Scan.Client.CRAWLER
    address = client_address(request)
    return ScanRecord(code.pk, timezone.now(), coarse_origin(address), client, counted, coarse_place(address))


class _Tally:
    """Counted scans of one code: how many, the first one's time, their (non-empty) origins, and
    which of these origins a look at the written log found new for the code (``ScanLog``)."""

    __slots__ = ("count", "first_at", "new", "origins")

    def __init__(self) -> None:
        self.count = 0
        self.first_at: datetime.datetime | None = None
        self.origins: set[str] = set()
        self.new: set[str] = set()

    def add(self, record: ScanRecord) -> None:
        self.count += 1
        if self.first_at is None or record.scanned_at < self.first_at:
            self.first_at = record.scanned_at
        if record.origin:
            self.origins.add(record.origin)


def _summarise(records) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = {}
    for record in records:
        if record.counted:
            tally = tallies.get(record.code_id)
            if tally is None:
                tally = tallies[record.code_id] = _Tally()
            tally.add(record)
    return tallies


def _earliest(a, b):
    return b if a is None else a if b is None else min(a, b)


def _new_origins(tallies: dict[int, _Tally], known: dict[int, frozenset]) -> dict[int, set[str]]:
    """Per code, the origins of ``tallies`` that no written counted scan of the code has."""
    candidates = {code_id: t.origins - known[code_id] for code_id, t in tallies.items()}
    asked = [(code_id, origins) for code_id, origins in candidates.items() if origins]
    for start in range(0, len(asked), 100):
        condition = Q()
        for code_id, origins in asked[start : start + 100]:
            condition |= Q(code_id=code_id, origin__in=sorted(origins))
        # order_by(): Scan's default ordering would put scanned_at into the DISTINCT
        seen = Scan.objects.filter(condition, counted=True).order_by().values_list("code_id", "origin").distinct()
        for code_id, origin in seen:
            candidates[code_id].discard(origin)
    return candidates


_SCAN_COLUMNS = ("code", "scanned_at", "origin", "client", "counted", "place")


def _insert_scans(records: list[ScanRecord]) -> None:
    """INSERT the rows in a few statements: ``bulk_create`` would build a model instance and
    prepare every value of every row through the ORM, several times the cost of the insert.
    PostgreSQL takes each column as one array (``unnest``), SQLite 500 rows to a statement."""
    qn = connection.ops.quote_name
    fields = [Scan._meta.get_field(name) for name in _SCAN_COLUMNS]
    # Identifiers and types from the model's metadata, quoted by the backend; values are parameters.
    head = f"INSERT INTO {qn(Scan._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            columns = [[r.code_id for r in records], [r.scanned_at for r in records]]
            columns += [[r.origin for r in records], [r.client for r in records], [r.counted for r in records]]
            columns += [[r.place for r in records]]
            cursor.execute(f"{head}SELECT * FROM unnest({arrays})", columns)  # noqa: S608
            return
        scanned_at = fields[1]
        one_row = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(records), 500):
            chunk = records[start : start + 500]
            params: list = []
            for r in chunk:
                params += (
                    r.code_id,
                    scanned_at.get_db_prep_save(r.scanned_at, connection),
                    r.origin,
                    r.client,
                    r.counted,
                    r.place,
                )
            cursor.execute(f"{head}VALUES {', '.join([one_row] * len(chunk))}", params)


def _stored_counters(code_id: int, unsure: list[str]):
    """(scan_count, origin_count, first_scanned_at, written) of a code in one statement, where
    ``written`` is the set (or, past ``_EXISTS_MAX``, the number) of ``unsure`` origins that a
    written counted scan of the code already has. None if there is no such code."""
    rows = TraceCode.objects.filter(pk=code_id).order_by()
    fields = ["scan_count", "origin_count", "first_scanned_at"]
    if len(unsure) <= _EXISTS_MAX:
        seen = {
            f"seen{i}": Exists(Scan.objects.filter(code_id=OuterRef("pk"), origin=o, counted=True))
            for i, o in enumerate(unsure)
        }
        row = rows.annotate(**seen).values_list(*fields, *seen).first()
        if row is None:
            return None
        return (*row[:3], {o for o, hit in zip(unsure, row[3:], strict=True) if hit})
    seen_count = (
        Scan.objects.filter(code_id=OuterRef("pk"), origin__in=unsure, counted=True)
        .order_by()
        .values("code_id")
        .annotate(n=Count("origin", distinct=True))
        .values("n")
    )
    row = rows.annotate(seen=Coalesce(Subquery(seen_count, output_field=IntegerField()), 0)).values_list(
        *fields, "seen"
    )
    return row.first()


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
#: How often a running writer looks for the journals of dead processes (seconds).
JOURNAL_REPLAY_SECONDS = 30.0
JOURNAL_SUFFIX = ".scans"


def journal_line(record: ScanRecord) -> bytes:
    """One scan as a journal line: code id, time in µs since the epoch (UTC), origin, client,
    counted, place."""
    us = (record.scanned_at - _EPOCH) // _MICROSECOND
    place = record.place.replace("\t", " ").replace("\n", " ")
    return f"{record.code_id}\t{us}\t{record.origin}\t{record.client}\t{int(record.counted)}\t{place}\n".encode()


def parse_journal(data: bytes) -> list[ScanRecord]:
    """The scans of a journal file; a last line without its newline (cut by a crash) is left out."""
    records = []
    for line in data.split(b"\n")[:-1]:
        try:
            # journals written before places were recorded have five fields
            code_id, us, origin, client, counted, *place = line.decode().split("\t")
            if len(place) > 1:
                raise ValueError(line)
            scanned_at = _EPOCH + datetime.timedelta(microseconds=int(us))
            record = ScanRecord(int(code_id), scanned_at, origin, client, counted == "1", "".join(place))
            records.append(record)
        except ValueError:
            logger.warning("scan journal: unreadable line %r skipped", line[:80])
    return records


def journal_directory() -> Path | None:
    """This database's journal folder (``TRACE_SCAN_JOURNAL_DIR``/<database>), None if off."""
    root = getattr(settings, "TRACE_SCAN_JOURNAL_DIR", "")
    if not root:
        return None
    db = settings.DATABASES["default"]
    ident = "|".join(str(db.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    return Path(root) / hashlib.sha256(ident.encode()).hexdigest()[:12]


class ScanJournal:
    """This process's journal files: the open one new scans are appended to, and the sealed ones
    whose scans wait in the buffer (a failed flush keeps them for the next). All are held with
    ``flock`` until their scans are in the database and the files are deleted."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.token = uuid.uuid4().hex[:12]
        self.serial = 0
        self.fd: int | None = None
        self.name = ""
        self.sealed: list[tuple[str, int]] = []
        #: Names of deleted files whose ScanJournalSegment rows the next write removes.
        self.deleted: list[str] = []
        self.broken = False

    def append(self, record: ScanRecord) -> None:
        """Append ``record`` (under the log's lock, so the line and the buffered row go together)."""
        if self.directory is None or self.broken:
            return
        try:
            if self.fd is None:
                self._open()
            os.write(self.fd, journal_line(record))
        except OSError:
            self.broken = True  # the page still answers; the scans are still buffered
            logger.exception(
                "scan journal: cannot write in %s; scans of this process are not journalled", self.directory
            )

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        self.name = f"{os.getpid()}-{self.token}-{self.serial:06d}{JOURNAL_SUFFIX}"
        # Locked before it gets the name the replay looks for, so no replay takes a live file.
        temporary = self.directory / f".{self.name}.new"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(temporary, self.directory / self.name)
        self.fd = fd

    def seal(self) -> list[str]:
        """Close the open file for appending (the next scan starts a new one); the names of every
        file whose scans are now to be written."""
        if self.fd is not None:
            self.sealed.append((self.name, self.fd))
            self.fd = None
        return [name for name, _fd in self.sealed]

    def written(self, names: list[str]) -> None:
        """The scans of ``names`` are committed: delete the files and let go of their locks."""
        keep = []
        for name, fd in self.sealed:
            if name in names:
                with contextlib.suppress(OSError):
                    (self.directory / name).unlink()
                os.close(fd)
                self.deleted.append(name)
            else:
                keep.append((name, fd))
        self.sealed = keep

    def drop(self) -> None:
        """Delete every file (tests: the buffered scans are discarded with them)."""
        self.seal()
        self.written([name for name, _fd in self.sealed])
        self.deleted = []

    def close_inherited(self) -> None:
        """A forked child's copy: close the descriptors without touching the parent's files."""
        for fd in [self.fd, *(fd for _name, fd in self.sealed)]:
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)


def _record_segments(names: list[str], deleted: list[str]) -> None:
    """Inside a write's transaction: these files' scans are written; those files are gone."""
    if deleted:
        ScanJournalSegment.objects.filter(name__in=deleted).delete()
    if names:
        ScanJournalSegment.objects.bulk_create([ScanJournalSegment(name=name) for name in names])


class ScanLog:
    """This process's scans not yet in the database, and the one way scans are written.

    ``pending`` holds the rows to write; ``tallies`` the counted scans per code that the database
    does not show yet (pending or being written); ``known`` the origins per code known to be
    written already (so neither a page nor a flush has to ask the database again).

    Reading a code's row and then this process's tallies is made consistent with a sequence
    number: a write makes it odd just before its commit and even again once it has taken its rows
    out of the tallies. A page whose row was read under the same even number as the tallies are
    seen now adds them up directly; otherwise (a commit in between, rare) it reads the counters
    again while no write of this process can commit (``commit_lock``, ``exact_stats``). Whether an
    unwritten scan's origin is new for its code is asked only when the verdict or the page
    depends on it (near the thresholds), once, and remembered.
    """

    #: Codes whose written origins are remembered; past this the memory starts afresh.
    KNOWN_CODES_MAX = 50_000

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh (a forked child: its parent writes what it had buffered, from its own
        journal files, which the child closes without touching)."""
        inherited = getattr(self, "journal", None)
        if inherited is not None:
            inherited.close_inherited()
        self.journal = ScanJournal(journal_directory())
        self.lock = threading.Lock()  # guards the state below; never held while the database works
        self.commit_lock = threading.Lock()  # held by a write's transaction, and by exact reads
        self.flush_lock = threading.Lock()  # one flush of the buffer at a time
        self.pending: list[ScanRecord] = []
        self.tallies: dict[int, _Tally] = {}
        self.known: dict[int, set[str]] = {}
        self.seq = 0
        self.wake = threading.Event()
        self.stopping = False
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()

    def discard(self) -> None:
        """Forget the unwritten scans, their journal and what is known to be written (tests)."""
        with self.lock:
            self.pending, self.tallies, self.known = [], {}, {}
            self.journal.drop()

    # -- recording --------------------------------------------------------------------------

    def record(self, code: TraceCode, record: ScanRecord) -> ScanStats:
        """Buffer ``record`` and return the code's counts including it."""
        mark = getattr(code, _MARK_ATTR, None)
        with self.lock:
            self.journal.append(record)  # before the page answers: survives a killed process
            self.pending.append(record)
            tally = self.tallies.get(record.code_id)
            if record.counted:
                if tally is None:
                    tally = self.tallies[record.code_id] = _Tally()
                tally.add(record)
            consistent = mark == self.seq and not self.seq % 2
            count, first_at, new, unsure = 0, None, 0, 0
            if consistent and tally is not None:
                count, first_at, new = tally.count, tally.first_at, len(tally.new)
                if len(tally.origins) > new:
                    unsure = len(tally.origins - tally.new - self.known.get(record.code_id, set()))
            waiting = len(self.pending)
        self.start_thread()
        if waiting >= settings.TRACE_SCAN_BUFFER_MAX:
            self.flush_quietly()
        if not consistent:
            return self.exact_stats(record.code_id)
        stats = ScanStats(
            code.scan_count + count,
            _earliest(code.first_scanned_at, first_at),
            code.origin_count + new + unsure,
            origins_exact=not unsure,
        )
        if unsure and (stats.count > suspicious_scans() or stats.origins > suspicious_origins()):
            return self.exact_stats(record.code_id)  # the verdict or the page needs the exact origins
        return stats

    def exact_stats(self, code_id: int) -> ScanStats:
        """Stored counters plus this process's unwritten scans, with exact origins.

        One query: the code's counters and, for each unwritten origin not yet classified, whether
        a written counted scan of the code has it. The answer is remembered (``known`` for the
        written ones, the tally's ``new`` for the others), so the next scans need not ask again.
        """
        with self.commit_lock:  # no write of this process commits until we have read
            with self.lock:
                tally = self.tallies.get(code_id)
                count, first_at, new, unsure = 0, None, 0, []
                if tally is not None:
                    count, first_at, new = tally.count, tally.first_at, len(tally.new)
                    unsure = sorted(tally.origins - tally.new - self.known.get(code_id, set()))
            row = _stored_counters(code_id, unsure)
            if row is None:
                return ScanStats(count, first_at, new + len(unsure))
            scan_count, origin_count, first_scanned_at, written = row
            if isinstance(written, set):
                with self.lock:
                    if written:
                        self.known.setdefault(code_id, set()).update(written)
                    tally = self.tallies.get(code_id)
                    if tally is not None:
                        tally.new.update(o for o in unsure if o not in written and o in tally.origins)
                written = len(written)
        return ScanStats(
            scan_count + count, _earliest(first_scanned_at, first_at), origin_count + new + len(unsure) - written
        )

    # -- writing ----------------------------------------------------------------------------

    def write(
        self, records: list[ScanRecord], *, settle: bool, segments: list[str] = (), forget: list[str] = ()
    ) -> dict[int, int]:
        """Write ``records`` and their codes' counters in one transaction; new origins per code.

        ``settle``: the records came from ``pending``, so take them out of the tallies once
        committed. ``segments``: the journal files holding exactly these records, recorded as
        written in the same transaction; ``forget``: deleted files whose records can go. The codes' rows are locked first (PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
        serialises writers anyway), so two processes writing scans of one code take turns and
        the second sees the first one's origins.
        """
        tallies = _summarise(records)
        ids = sorted(tallies)
        committed = False
        sqlite_lock = _SQLITE_WRITE_LOCK if connection.vendor == "sqlite" else contextlib.nullcontext()
        with sqlite_lock, self.commit_lock:
            try:
                with transaction.atomic():
                    if ids and connection.features.has_select_for_update:
                        list(TraceCode.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
                    with self.lock:
                        known = {code_id: frozenset(self.known.get(code_id, ())) for code_id in ids}
                    new = _new_origins(tallies, known)
                    _insert_scans(records)
                    updates = []
                    for code_id in ids:
                        tally, row = tallies[code_id], TraceCode(pk=code_id)
                        row.scan_count = F("scan_count") + tally.count
                        row.origin_count = F("origin_count") + len(new[code_id])
                        row.first_scanned_at = Coalesce(
                            F("first_scanned_at"), Value(tally.first_at, output_field=DateTimeField())
                        )
                        updates.append(row)
                    if updates:
                        TraceCode.objects.bulk_update(
                            updates, ["scan_count", "origin_count", "first_scanned_at"], batch_size=200
                        )
                    if segments or forget:
                        _record_segments(list(segments), list(forget))
                    with self.lock:
                        self.seq += 1  # odd: from the commit on, the database shows these scans
                committed = True
            finally:
                with self.lock:
                    if committed:
                        self._settle(tallies, settle)
                    if self.seq % 2:
                        self.seq += 1
        return {code_id: len(origins) for code_id, origins in new.items()}

    def _settle(self, tallies: dict[int, _Tally], settle: bool) -> None:
        if len(self.known) > self.KNOWN_CODES_MAX:
            self.known.clear()
        for code_id, written in tallies.items():
            if written.origins:
                self.known.setdefault(code_id, set()).update(written.origins)
            tally = self.tallies.get(code_id) if settle else None
            if tally is not None:
                tally.count -= written.count
                tally.origins -= written.origins
                tally.new -= written.origins
                if tally.count <= 0:
                    del self.tallies[code_id]

    def flush(self) -> int:
        """Write every buffered scan now; returns how many. On failure they stay buffered."""
        with self.flush_lock:
            with self.lock:
                records, self.pending = self.pending, []
                # The scans from here on go to a new journal file; these files hold ``records``.
                segments = self.journal.seal()
                forget = list(self.journal.deleted)
            if not records:
                with self.lock:
                    self.journal.written(segments)
                return 0
            try:
                try:
                    self.write(records, settle=True, segments=segments, forget=forget)
                except IntegrityError:
                    records = self._drop_deleted_codes(records)
                    self.write(records, settle=True, segments=segments, forget=forget)
            except BaseException:
                with self.lock:
                    self.pending[:0] = records
                raise
            with self.lock:
                self.journal.written(segments)
                self.journal.deleted = [name for name in self.journal.deleted if name not in forget]
            return len(records)

    # -- the journals of dead processes -------------------------------------------------------

    def replay(self) -> int:
        """Write the scans left in the journal files of processes that died before writing them
        (their ``flock`` is gone with them); returns how many scans were written."""
        directory = self.journal.directory
        if directory is None or not directory.is_dir():
            return 0
        with self.lock:
            own = {name for name, _fd in self.journal.sealed} | {self.journal.name}
        total = 0
        for path in sorted(directory.glob(f"*{JOURNAL_SUFFIX}")):
            if path.name not in own:
                total += self._replay_file(path)
        return total

    def _replay_file(self, path: Path) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0  # its process wrote and deleted it meanwhile
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # a live process's file, or another replay has it
            try:
                if os.stat(path).st_ino != os.fstat(fd).st_ino:
                    return 0
            except FileNotFoundError:
                return 0
            with os.fdopen(os.dup(fd), "rb") as file:
                records = parse_journal(file.read())
            name = path.name
            written = 0
            if not ScanJournalSegment.objects.filter(name=name).exists():
                existing = set(
                    TraceCode.objects.filter(pk__in={r.code_id for r in records}).values_list("pk", flat=True)
                )
                kept = [r for r in records if r.code_id in existing]
                self.write(kept, settle=False, segments=[name])
                written = len(kept)
                logger.warning("scan journal: %d scans of a stopped process written from %s", written, name)
            path.unlink(missing_ok=True)
            ScanJournalSegment.objects.filter(name=name).delete()
            return written
        finally:
            os.close(fd)

    def replay_quietly(self) -> None:
        try:
            self.replay()
        except Exception:
            logger.exception("replaying scan journals failed; the files stay for the next try")

    def _drop_deleted_codes(self, records: list[ScanRecord]) -> list[ScanRecord]:
        """The records whose code still exists (a code deleted since its scan loses its scans, as
        its written scans are deleted with it)."""
        existing = set(TraceCode.objects.filter(pk__in={r.code_id for r in records}).values_list("pk", flat=True))
        dropped = [r for r in records if r.code_id not in existing]
        if dropped:
            logger.warning("scan log: %d scans of deleted codes not written", len(dropped))
            with self.lock:
                self._settle(_summarise(dropped), True)
        return [r for r in records if r.code_id in existing]

    def flush_quietly(self) -> None:
        try:
            self.flush()
        except Exception:
            logger.exception("writing the scan log failed; the scans stay buffered for the next try")

    # -- the background writer --------------------------------------------------------------

    def start_thread(self) -> None:
        if self.thread is not None:
            return
        interval = settings.TRACE_SCAN_FLUSH_INTERVAL
        if interval <= 0:
            return
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, args=(interval,), name="scan-log", daemon=True)
                self.thread.start()

    def _run(self, interval: float) -> None:
        next_replay = 0.0  # at once: the journals of a worker that was killed before this one started
        while not self.stopping:
            if time.monotonic() >= next_replay:
                connection.close_if_unusable_or_obsolete()
                self.replay_quietly()
                next_replay = time.monotonic() + JOURNAL_REPLAY_SECONDS
            self.wake.wait(interval)
            self.wake.clear()
            if self.pending and not self.stopping:
                try:
                    connection.close_if_unusable_or_obsolete()
                    self.flush()
                except Exception:
                    logger.exception("writing the scan log failed; the scans stay buffered for the next try")
        connection.close()

    def stop_thread(self) -> None:
        """Stop the background writer (tests); the next scan starts a new one if configured."""
        thread = self.thread
        if thread is None:
            return
        self.stopping = True
        self.wake.set()
        thread.join(timeout=10)
        with self.lock:
            self.thread, self.stopping = None, False


_LOG = ScanLog()
# A forked child starts with an empty log: its parent writes the scans it buffered.
os.register_at_fork(after_in_child=_LOG.reset)


@atexit.register
def _flush_at_exit() -> None:
    if _LOG.pending and _LOG.pid == os.getpid():
        _LOG.flush_quietly()


def counters_mark() -> int:
    """Take before reading a code's row; pass to ``mark_loaded`` with the code."""
    return _LOG.seq


def mark_loaded(code: TraceCode, mark: int) -> TraceCode:
    setattr(code, _MARK_ATTR, mark)
    return code


def log_scan(code: TraceCode, request) -> ScanStats:
    """Record one resolution of ``code`` and return its counts including this one.

    Crawlers, link previews and HEAD requests are logged but not counted. A counted scan adds one
    to the code's ``scan_count`` and, when its coarse origin is new for the code, to
    ``origin_count``. Buffered and written in the background (``TRACE_SCAN_LOG_ASYNC``), or
    written before returning.
    """
    record = scan_record(code, request)
    if settings.TRACE_SCAN_LOG_ASYNC:
        return _LOG.record(code, record)
    new_origins = _LOG.write([record], settle=False)
    if not record.counted:
        return ScanStats.of(code)
    return ScanStats(
        code.scan_count + 1,
        _earliest(code.first_scanned_at, record.scanned_at),
        code.origin_count + new_origins.get(code.pk, 0),
    )


def scan_stats(code: TraceCode) -> ScanStats:
    """Counted scans of ``code`` (written, and this process's unwritten ones), exact."""
    return _LOG.exact_stats(code.pk)


def flush_scans() -> int:
    """Write this process's buffered scans now (tests, commands); returns how many."""
    return _LOG.flush()


def replay_scan_journals() -> int:
    """Write the scans journalled by processes that died before writing them; returns how many."""
    return _LOG.replay()


def pending_scans() -> int:
    """How many scans this process has buffered and not written yet."""
    return len(_LOG.pending)


def discard_pending_scans() -> None:
    """Forget this process's unwritten scans (tests: a rolled-back database keeps none)."""
    _LOG.discard()


def stop_scan_thread() -> None:
    """Stop this process's background writer, if any (tests)."""
    _LOG.stop_thread()
