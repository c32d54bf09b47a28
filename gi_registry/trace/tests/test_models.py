"""Batches and trace events: the rules a producer meets when registering a lot."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory, ProducerFactory
from gi_registry.models import Authorisation
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.gtin import gtin_check_digit, is_valid_gtin, normalise_gtin
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, TraceCode, TraceEvent

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize(
    ("gtin", "ok"),
    [
        ("06901234567892", True),  # GTIN-14
        ("6901234567892", True),  # GTIN-13 (EAN-13)
        ("6901234567893", False),  # wrong check digit
        ("96385074", True),  # GTIN-8
        ("036000291452", True),  # GTIN-12 (UPC-A)
        ("690123456789", False),  # 12 digits, wrong check digit
        ("69012345678", False),  # 11 digits
        ("69O1234567892", False),  # a letter
        ("６９０１２３４５６７８９２", False),  # full-width digits
    ],
)
def test_gtin_check_digit(gtin, ok):
    assert is_valid_gtin(gtin) is ok


def test_gtin_is_padded_to_14_digits():
    assert normalise_gtin("6901234567892") == "06901234567892"
    assert normalise_gtin("6901234567893") is None
    assert gtin_check_digit("690123456789") == 2


def test_batch_with_bad_gtin_or_lot_is_refused():
    batch = BatchFactory.build(gtin="6901234567893", lot_number="LP 2025/01")
    batch.authorisation = AuthorisationFactory()
    batch.producer = batch.authorisation.producer
    errors = errors_of(batch)
    assert "gtin" in errors and "lot_number" in errors


def test_lot_number_is_unique_per_producer_only():
    first = BatchFactory(lot_number="LP2025-A")
    with pytest.raises(IntegrityError):
        BatchFactory(lot_number="LP2025-A", authorisation=first.authorisation)


def test_another_producer_may_reuse_a_lot_number():
    BatchFactory(lot_number="LP2025-A")
    BatchFactory(lot_number="LP2025-A")
    assert Batch.objects.filter(lot_number="LP2025-A").count() == 2


def test_batch_authorisation_must_belong_to_its_producer():
    batch = BatchFactory.build(authorisation=AuthorisationFactory(), producer=ProducerFactory(), standard=None)
    assert "authorisation" in errors_of(batch)


def test_new_batch_needs_an_authorisation_valid_today():
    expired = AuthorisationFactory(
        valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1), status=Authorisation.Status.ACTIVE
    )
    batch = BatchFactory.build(authorisation=expired, producer=expired.producer, standard=None)
    assert "authorisation" in errors_of(batch)
    batch.authorisation = AuthorisationFactory(producer=expired.producer)
    batch.full_clean()


def test_inspection_results_must_be_items():
    batch = BatchFactory()
    batch.inspection_results = [{"value": 3}]
    assert "inspection_results" in errors_of(batch)
    batch.inspection_results = [{"item": "糖度", "pass": "yes"}]
    assert "inspection_results" in errors_of(batch)
    batch.inspection_results = [{"item": "糖度", "value": 11, "unit": "%", "limit": "≥10", "pass": True}]
    batch.full_clean()


def test_withdrawing_a_batch_withdraws_all_its_codes_at_once(django_assert_max_num_queries):
    batch = BatchFactory()
    other = BatchFactory()
    issue_codes(batch, 30)
    issue_codes(other, 5)
    # savepoint + batch UPDATE + codes UPDATE (+ release), and the change feeds' record of it
    # (interfaces/changes.py: its own savepoint + INSERT + release)
    with django_assert_max_num_queries(7):
        changed = batch.withdraw(Batch.Status.RECALLED, reason="农残超标")
    assert changed == 30
    batch.refresh_from_db()
    assert batch.status == Batch.Status.RECALLED and batch.status_reason == "农残超标"
    assert not batch.codes.filter(status=TraceCode.Status.ACTIVE).exists()
    assert other.codes.filter(status=TraceCode.Status.ACTIVE).count() == 5


def test_a_batch_cannot_change_authorisation_after_codes_were_issued():
    batch = BatchFactory()
    issue_codes(batch, 1)
    batch.authorisation = AuthorisationFactory(producer=batch.producer)
    assert "authorisation" in errors_of(batch)


def test_the_same_event_imported_twice_is_recorded_once():
    batch = BatchFactory()
    when = timezone.now().replace(microsecond=0)
    fields = {"business_step": "commissioning", "event_time": when, "read_point": "礼让镇", "note": "采收"}
    first, created = TraceEvent.record(batch, **fields)
    again, created_again = TraceEvent.record(batch, **{**fields, "read_point": " 礼让镇 "})
    assert created and not created_again and first.pk == again.pk
    _, created_other = TraceEvent.record(batch, **{**fields, "business_step": "packing"})
    assert created_other
    assert batch.events.count() == 2
    assert len(first.event_hash) == 64


def test_event_business_steps_are_the_cbv_ones():
    assert set(TraceEvent.BusinessStep.values) == {
        "commissioning",
        "inspecting",
        "sampling",
        "packing",
        "shipping",
        "receiving",
        "storing",
    }
