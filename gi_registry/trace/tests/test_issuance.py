"""Issuing codes: only under a valid authorisation, within its yearly quota, all or nothing, race-safe."""

import datetime
import sqlite3
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory
from gi_registry.models import Authorisation, GeographicalIndication
from gi_registry.trace import issuance, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import IssuanceError, issue_codes, remaining_quota
from gi_registry.trace.models import Batch, TraceCode

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.django_db
def test_issued_codes_verify_and_serials_are_random_and_distinct():
    batch = BatchFactory()
    codes = issue_codes(batch, 200)
    assert TraceCode.objects.filter(batch=batch).count() == 200
    serials = sorted(int(c.serial, 16) for c in codes)
    assert len(set(serials)) == 200
    # Not sequential: neighbouring serials are far apart (64 random bits, not a counter).
    assert min(b - a for a, b in zip(serials, serials[1:], strict=False)) > 1000
    for code in codes[:20]:
        verified = signing.verify(code.printed_code)
        assert verified and verified.serial_hex == code.serial and code.key_id == "t2"


@pytest.mark.django_db
def test_quota_counts_codes_under_the_authorisation_this_year():
    auth = AuthorisationFactory(yearly_quota=50)
    first, second = BatchFactory(authorisation=auth), BatchFactory(authorisation=auth)
    issue_codes(first, 30)
    assert remaining_quota(auth) == 20
    with pytest.raises(IssuanceError, match="20"):
        issue_codes(second, 21)
    assert TraceCode.objects.filter(batch=second).count() == 0  # nothing was issued
    issue_codes(second, 20)
    assert remaining_quota(auth) == 0
    with pytest.raises(IssuanceError):
        issue_codes(first, 1)


@pytest.mark.django_db
def test_codes_from_last_year_do_not_count_against_this_year():
    auth = AuthorisationFactory(yearly_quota=10)
    batch = BatchFactory(authorisation=auth)
    issue_codes(batch, 10)
    # Move them to 23:59 on 31 December last year, Shanghai time (15:59 UTC): still last year.
    last_year = timezone.localdate().year - 1
    tz = timezone.get_default_timezone()
    TraceCode.objects.update(issued_at=datetime.datetime(last_year, 12, 31, 23, 59, tzinfo=tz))
    assert remaining_quota(auth) == 10
    assert remaining_quota(auth, last_year) == 0
    issue_codes(batch, 10)


def test_year_bounds_are_in_shanghai_time():
    start, end = issuance.year_bounds(2026)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2025, 12, 31, 16, 0, tzinfo=datetime.UTC)
    assert end.astimezone(datetime.UTC) == datetime.datetime(2026, 12, 31, 16, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"status": Authorisation.Status.SUSPENDED},
        {"valid_until": datetime.date(2020, 12, 31), "valid_from": datetime.date(2020, 1, 1)},
        {"valid_from": datetime.date(2999, 1, 1), "valid_until": datetime.date(2999, 12, 31)},
    ],
    ids=["suspended", "expired", "not-yet-valid"],
)
def test_no_codes_under_an_authorisation_not_valid_today(change):
    batch = BatchFactory()
    Authorisation.objects.filter(pk=batch.authorisation_id).update(**change)
    with pytest.raises(IssuanceError, match="not valid"):
        issue_codes(batch, 1)
    assert not TraceCode.objects.exists()


@pytest.mark.django_db
def test_no_codes_when_the_gi_is_no_longer_registered():
    gi = GeographicalIndicationFactory()
    batch = BatchFactory(authorisation=AuthorisationFactory(geographical_indication=gi))
    GeographicalIndication.objects.filter(pk=gi.pk).update(status=GeographicalIndication.Status.SUSPENDED)
    with pytest.raises(IssuanceError):
        issue_codes(batch, 1)


@pytest.mark.django_db
def test_no_codes_for_a_withdrawn_batch():
    batch = BatchFactory()
    batch.withdraw()
    with pytest.raises(IssuanceError, match="active batch"):
        issue_codes(batch, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, -1, issuance.MAX_CODES_PER_CALL + 1, True, 2.5])
def test_count_must_be_a_sensible_positive_integer(count):
    with pytest.raises(IssuanceError):
        issue_codes(BatchFactory(), count)


@pytest.mark.django_db
def test_all_or_nothing_when_a_serial_clashes():
    batch = BatchFactory()
    existing = issue_codes(batch, 1)[0]
    issued = {"n": 0}
    real = issuance.new_serials

    def serials_with_a_clash(count):
        issued["n"] += 1
        chosen = real(count - 1)
        return [*chosen, existing.serial]  # the last chunk clashes with an existing serial

    with (
        mock.patch.object(issuance, "BULK_SIZE", 10),
        mock.patch.object(issuance, "new_serials", serials_with_a_clash),
        pytest.raises(IntegrityError),
    ):
        issue_codes(batch, 25)
    assert TraceCode.objects.filter(batch=batch).count() == 1


# -- concurrency -------------------------------------------------------------------------------


@contextmanager
def threads_share_a_real_database(tmp_path):
    """Threads need a database they can all open. PostgreSQL is one already; SQLite's in-memory
    test database is copied to a file (with the settings' BEGIN IMMEDIATE and busy timeout) that
    the threads' own connections open, the way a served site uses SQLite."""
    settings_dict = connection.settings_dict
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield None
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # WAL before any thread opens the file: the settings' init_command switches an opened file to
    # WAL, and two connections switching at once answer "database is locked" without waiting.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        settings_dict["NAME"] = original


def run_threads(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_issuers_cannot_pass_the_quota_together(tmp_path):
    auth = AuthorisationFactory(yearly_quota=100)
    batches = [BatchFactory(authorisation=auth) for _ in range(4)]
    with threads_share_a_real_database(tmp_path):
        results = run_threads([lambda b=b: len(issue_codes(Batch.objects.get(pk=b.pk), 30)) for b in batches])
        counts = run_threads([lambda: TraceCode.objects.filter(batch__authorisation=auth).count()])
        distinct = run_threads([lambda: TraceCode.objects.values("serial").distinct().count()])
    succeeded = [r for r in results if r == 30]
    refused = [r for r in results if isinstance(r, IssuanceError)]
    assert len(succeeded) == 3 and len(refused) == 1, results
    assert counts == [90] and distinct == [90]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_issuers_racing_for_the_last_codes(tmp_path):
    auth = AuthorisationFactory(yearly_quota=50)
    batch = BatchFactory(authorisation=auth)
    with threads_share_a_real_database(tmp_path):
        results = run_threads([lambda: len(issue_codes(Batch.objects.get(pk=batch.pk), 40)) for _ in range(2)])
        counts = run_threads([lambda: TraceCode.objects.count()])
    assert sorted(map(type, results), key=str) == sorted([int, IssuanceError], key=str), results
    assert counts == [40]
