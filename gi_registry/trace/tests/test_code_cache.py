"""The scan's code lookup keeps a per-process copy of batch rows (``fastpath.CodeQuery``) and
remembers recent signature checks (``signing._verify``): neither may let a withdrawal, an edit or
a forged code through. Every change below is made the way another process would make it (a
plain UPDATE, nothing in this process told), and must show on the very next scan.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from gi_registry.trace import fastpath, resolve, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, TraceCode

from .conftest import WECHAT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    fastpath.CODE_QUERY.clear()
    yield
    fastpath.CODE_QUERY.clear()


@pytest.fixture
def batch():
    return BatchFactory(product_name="梁平柚 礼盒装")


@pytest.fixture
def codes(batch):
    return issue_codes(batch, 2)


def scan(client, code, path="/t/"):
    return client.get(f"{path}{code.printed_code}", HTTP_USER_AGENT=WECHAT)


def warm(client, code):
    for _ in range(2):
        assert scan(client, code).status_code == 200
    assert fastpath.CODE_QUERY._batches  # the batch's row is copied


def test_batch_withdrawn_elsewhere_shows_on_the_next_scan(client, codes, batch):
    warm(client, codes[0])
    now = timezone.now()
    # as another process's Batch.withdraw() does, without anything in this process knowing
    Batch.objects.filter(pk=batch.pk).update(status="withdrawn", status_reason="检出农残", status_changed_at=now)
    TraceCode.objects.filter(batch=batch).update(status="withdrawn", withdrawn_at=now)
    for code in codes:
        assert scan(client, code).status_code == 410
        assert scan(client, code, "/api/v1/trace/").json()["verdict"] == "withdrawn"


def test_batch_status_changed_without_its_timestamp_still_shows(client, codes, batch):
    """The batch's status is read with every scan, not taken from the copy."""
    warm(client, codes[0])
    Batch.objects.filter(pk=batch.pk).update(status="recalled")
    assert scan(client, codes[0]).status_code == 410
    assert scan(client, codes[1]).status_code == 410
    Batch.objects.filter(pk=batch.pk).update(status="active")
    assert scan(client, codes[0]).status_code == 200


def test_single_code_withdrawn_elsewhere_shows_on_the_next_scan(client, codes):
    warm(client, codes[0])
    TraceCode.objects.filter(pk=codes[0].pk).update(status="withdrawn", withdrawn_at=timezone.now())
    assert scan(client, codes[0]).status_code == 410
    assert scan(client, codes[1]).status_code == 200


def test_withdraw_in_this_process_shows_on_the_next_scan(client, codes, batch):
    warm(client, codes[0])
    batch.withdraw(reason="召回")
    assert scan(client, codes[1]).status_code == 410
    data = scan(client, codes[0], "/api/v1/trace/").json()
    assert data["verdict"] == "withdrawn" and data["batch"]["withdrawal_reason"] == "召回"


def test_batch_edit_replaces_the_copy(client, codes, batch):
    warm(client, codes[0])
    batch.refresh_from_db()
    batch.product_name, batch.grade = "梁平柚 新装", "一级"
    batch.save()  # bumps updated_at
    loaded = resolve.load_code(codes[1].serial, codes[1].key_id)
    assert (loaded.batch.product_name, loaded.batch.grade) == ("梁平柚 新装", "一级")
    assert "梁平柚 新装" in scan(client, codes[0]).content.decode()
    orm = Batch.objects.get(pk=batch.pk)
    for field in Batch._meta.concrete_fields:
        assert getattr(loaded.batch, field.attname) == getattr(orm, field.attname), field.name


def test_code_moved_to_another_batch_loads_that_batch(codes, batch):
    resolve.load_code(codes[0].serial, codes[0].key_id)
    other = BatchFactory(product_name="另一批")
    TraceCode.objects.filter(pk=codes[0].pk).update(batch=other)
    loaded = resolve.load_code(codes[0].serial, codes[0].key_id)
    assert loaded.batch.pk == other.pk and loaded.batch.product_name == "另一批"


def test_deleted_code_is_unknown_at_once(client, codes):
    warm(client, codes[0])
    TraceCode.objects.filter(pk=codes[1].pk).delete()
    assert scan(client, codes[1]).status_code == 404
    assert resolve.load_code(codes[1].serial, codes[1].key_id) is None


def test_each_scan_gets_its_own_json_values(codes, batch):
    first = resolve.load_code(codes[0].serial, codes[0].key_id)
    first.batch.inspection_results.append({"item": "tampered"})
    again = resolve.load_code(codes[0].serial, codes[0].key_id)
    assert {"item": "tampered"} not in again.batch.inspection_results
    assert again.batch.inspection_results == Batch.objects.get(pk=batch.pk).inspection_results


def test_copied_rows_are_not_shared_between_scans(codes):
    a = resolve.load_code(codes[0].serial, codes[0].key_id)
    b = resolve.load_code(codes[0].serial, codes[0].key_id)
    assert a is not b and a.batch is not b.batch and a.batch._state is not b.batch._state
    assert not a._state.adding and a._state.db == "default"


def test_warm_scan_is_one_query(client, codes, django_assert_num_queries):
    warm(client, codes[0])
    scan(client, codes[1])  # the other code: still one query, the batch's copy is shared
    with django_assert_num_queries(1):
        assert scan(client, codes[1]).status_code == 200
    scan(client, codes[0], "/api/v1/trace/")  # the JSON's batch details are cached from here on
    with django_assert_num_queries(1):
        assert scan(client, codes[0], "/api/v1/trace/").status_code == 200


def test_forged_codes_are_rejected_with_warm_caches(client, codes):
    warm(client, codes[0])
    genuine = codes[0].printed_code
    for i in (3, 10, 19):
        forged = genuine[:i] + ("A" if genuine[i] != "A" else "B") + genuine[i + 1 :]
        for _ in range(2):  # the second time from the remembered answer
            assert signing.verify(forged) is None
            assert client.get(f"/t/{forged}", HTTP_USER_AGENT=WECHAT).status_code == 404
    assert scan(client, codes[0]).status_code == 200


def test_remembered_signature_checks_follow_the_configured_keys(codes):
    printed = codes[0].printed_code
    assert signing.verify(printed) is not None
    kid = codes[0].key_id
    others = ",".join(f"{k.kid}:{k.secret.decode()}" for k in signing.keys() if k.kid != kid)  # noqa: SIM118 (a function)
    with override_settings(TRACE_SIGNING_KEYS=others or "zz:another-key"):
        assert signing.verify(printed) is None  # the key is gone: no longer genuine
        assert resolve.resolve(printed).verdict == resolve.UNKNOWN
    assert signing.verify(printed) is not None
