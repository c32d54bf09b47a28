"""Business rules a registry officer relies on, each with a valid and an invalid case."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gi_registry.factories import (
    AuthorisationFactory,
    GeographicalIndicationFactory,
    ProducerFactory,
    StandardFactory,
    family,
)
from gi_registry.models import Authorisation, GeographicalIndication, Producer, Standard

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


# -- geographical indications ------------------------------------------------------------------


def test_registered_gi_needs_number_and_date():
    gi = GeographicalIndicationFactory.build(registration_number="", registration_date=None, product_family=family())
    errors = errors_of(gi)
    assert "registration_number" in errors and "registration_date" in errors
    gi.status = GeographicalIndication.Status.APPLIED
    gi.full_clean()  # an application has neither yet


def test_registration_date_not_in_future():
    gi = GeographicalIndicationFactory.build(registration_date=datetime.date(2999, 1, 1), product_family=family())
    assert "registration_date" in errors_of(gi)


def test_marks_need_a_nice_class_and_others_must_not_have_one():
    mark = GeographicalIndicationFactory.build(
        kind=GeographicalIndication.Kind.CERTIFICATION_MARK, nice_class=None, product_family=family()
    )
    assert "nice_class" in errors_of(mark)
    mark.nice_class = 46
    assert "nice_class" in errors_of(mark)
    mark.nice_class = 31
    mark.full_clean()
    agi = GeographicalIndicationFactory.build(nice_class=31, product_family=family())
    assert "nice_class" in errors_of(agi)


def test_mark_validity_in_order():
    mark = GeographicalIndicationFactory.build(
        kind=GeographicalIndication.Kind.COLLECTIVE_MARK,
        nice_class=29,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2019, 12, 31),
        product_family=family(),
    )
    assert "valid_until" in errors_of(mark)


def test_authority_defaults_from_kind():
    gi = GeographicalIndicationFactory.build(authority="", product_family=family())
    gi.full_clean()
    assert gi.authority == "农业农村部"


@pytest.mark.parametrize(
    ("geojson", "ok"),
    [
        ({"type": "Polygon", "coordinates": [[[107.6, 30.6], [107.8, 30.6], [107.8, 30.8], [107.6, 30.6]]]}, True),
        ({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 1]]]}}, True),
        ({"type": "Point", "coordinates": [107.6, 30.6]}, False),
        ({"type": "Polygon", "coordinates": [[[107.6, 30.6], [107.8, 30.6], [107.8, 30.8]]]}, False),  # open
        ({"type": "Polygon", "coordinates": [[[200, 30.6], [107.8, 30.6], [107.8, 30.8], [200, 30.6]]]}, False),
        ({"type": "Polygon", "coordinates": "nonsense"}, False),
    ],
)
def test_protected_area_polygon(geojson, ok):
    gi = GeographicalIndicationFactory.build(protected_area_geojson=geojson, product_family=family())
    if ok:
        gi.full_clean()
    else:
        assert "protected_area_geojson" in errors_of(gi)


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        ("applied", "registered", True),
        ("registered", "suspended", True),
        ("suspended", "registered", True),
        ("expired", "registered", True),
        ("revoked", "registered", False),
        ("registered", "applied", False),
        ("suspended", "applied", False),
    ],
)
def test_gi_status_transitions(old, new, ok):
    gi = GeographicalIndicationFactory(status=old)
    gi.status = new
    if ok:
        gi.full_clean()
    else:
        assert "status" in errors_of(gi)


# -- producers ---------------------------------------------------------------------------------


def test_producer_credit_code_is_checked_and_normalised():
    producer = ProducerFactory.build(credit_code="91350100m000100y43")
    producer.full_clean()
    assert producer.credit_code == "91350100M000100Y43"
    producer.credit_code = "91350100M000100Y44"
    assert "credit_code" in errors_of(producer)


def test_producer_credit_code_is_unique():
    ProducerFactory(credit_code="91350100M000100Y43")
    duplicate = ProducerFactory.build(credit_code="91350100M000100Y43")
    assert "credit_code" in errors_of(duplicate)


def test_producer_coordinates_come_in_pairs():
    producer = ProducerFactory.build(latitude=30.67, longitude=None)
    assert "longitude" in errors_of(producer)


def test_closed_producer_cannot_reopen():
    producer = ProducerFactory(status=Producer.Status.CLOSED)
    producer.status = Producer.Status.ACTIVE
    assert "status" in errors_of(producer)


# -- authorisations ----------------------------------------------------------------------------


def test_authorisation_dates_in_order():
    auth = AuthorisationFactory.build(
        producer=ProducerFactory(),
        geographical_indication=GeographicalIndicationFactory(),
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2024, 1, 1),
    )
    assert "valid_until" in errors_of(auth)


@pytest.mark.parametrize("status", ["applied", "suspended", "revoked", "expired"])
def test_authorisation_only_for_a_registered_gi(status):
    gi = GeographicalIndicationFactory(status=status)
    auth = AuthorisationFactory.build(producer=ProducerFactory(), geographical_indication=gi)
    assert "geographical_indication" in errors_of(auth)


def test_authorisation_for_registered_gi_is_valid_today():
    auth = AuthorisationFactory()
    auth.full_clean()
    assert auth.is_valid_on()
    assert not auth.is_valid_on(auth.valid_until + datetime.timedelta(days=1))


def test_authorisation_cannot_outlast_the_mark():
    mark = GeographicalIndicationFactory(
        kind=GeographicalIndication.Kind.CERTIFICATION_MARK,
        nice_class=31,
        valid_from=datetime.date(2016, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    auth = AuthorisationFactory.build(
        producer=ProducerFactory(), geographical_indication=mark, valid_until=datetime.date(2027, 6, 30)
    )
    assert "valid_until" in errors_of(auth)


def test_suspended_producer_cannot_hold_active_authorisation():
    auth = AuthorisationFactory.build(
        producer=ProducerFactory(status=Producer.Status.SUSPENDED),
        geographical_indication=GeographicalIndicationFactory(),
    )
    assert "producer" in errors_of(auth)


def test_revoked_authorisation_stays_revoked():
    auth = AuthorisationFactory(status=Authorisation.Status.REVOKED)
    auth.status = Authorisation.Status.ACTIVE
    assert "status" in errors_of(auth)


# -- standards ---------------------------------------------------------------------------------


def test_standard_code_is_normalised_and_checked_against_level():
    standard = StandardFactory.build(code="db50/t 2001—2021", level=Standard.Level.LOCAL)
    standard.full_clean()
    assert standard.code == "DB50/T 2001-2021"
    standard.level = Standard.Level.NATIONAL
    assert "code" in errors_of(standard)


def test_standard_dates_in_order():
    standard = StandardFactory.build(issued_on=datetime.date(2021, 5, 1), implemented_on=datetime.date(2021, 4, 1))
    assert "implemented_on" in errors_of(standard)


def test_replaced_standard_is_superseded_and_chain_is_followed():
    new = StandardFactory(code="DB50/T 3000-2024")
    old = StandardFactory(code="DB50/T 3000-2018")
    old.replaced_by = new
    assert "status" in errors_of(old)
    old.status = Standard.Status.SUPERSEDED
    old.full_clean()
    old.save()
    assert old.superseded_chain() == [new]
    assert list(new.replaces.all()) == [old]
    assert old.slug == "db50t-3000-2018"


def test_standard_cannot_replace_itself():
    standard = StandardFactory(status=Standard.Status.SUPERSEDED)
    standard.replaced_by = standard
    assert "replaced_by" in errors_of(standard)


def test_replaced_by_chain_cannot_cycle():
    a = StandardFactory(code="DB50/T 4000-2018", status=Standard.Status.SUPERSEDED)
    b = StandardFactory(code="DB50/T 4000-2020", status=Standard.Status.SUPERSEDED)
    c = StandardFactory(code="DB50/T 4000-2024", status=Standard.Status.SUPERSEDED)
    a.replaced_by = b
    a.save()
    b.replaced_by = c
    b.save()
    c.replaced_by = a  # a → b → c → a
    assert "replaced_by" in errors_of(c)


def test_withdrawn_standard_stays_withdrawn():
    standard = StandardFactory(status=Standard.Status.WITHDRAWN)
    standard.status = Standard.Status.CURRENT
    assert "status" in errors_of(standard)
