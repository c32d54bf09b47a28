"""One rule for "this authorisation is in force": every place that decides it agrees, case by case.

The public GI page and producer directory, the brand page's licensed producers, the home page's
count, the dashboard's authorised-producers figure and code issuance each answer "is this producer
licensed today?" for one published authorisation; each case turns one condition of the rule false
(or puts ``today`` on a boundary) and every answer must equal the rule's
(``Authorisation.objects.valid_on`` and ``Authorisation.is_valid_on``).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from brands.factories import brand_index, brand_page
from gi_registry import services
from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.models import Authorisation
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import IssuanceError, issue_codes
from indicators.computed import authorised_producers

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    """Fields of the authorisation, its GI and its producer; dates as days from today."""

    valid: bool
    authorisation: dict = field(default_factory=dict)
    gi: dict = field(default_factory=dict)
    producer: dict = field(default_factory=dict)


CASES = {
    "in force": Case(True),
    "authorisation starts today": Case(True, authorisation={"valid_from": 0}),
    "authorisation starts tomorrow": Case(False, authorisation={"valid_from": 1}),
    "authorisation ends today": Case(True, authorisation={"valid_until": 0}),
    "authorisation ended yesterday": Case(False, authorisation={"valid_until": -1}),
    "authorisation suspended": Case(False, authorisation={"status": "suspended"}),
    "authorisation revoked": Case(False, authorisation={"status": "revoked"}),
    "authorisation expired": Case(False, authorisation={"status": "expired"}),
    "GI without a validity window": Case(True, gi={"valid_from": None, "valid_until": None}),
    "GI inside its validity window": Case(True, gi={"valid_from": -400, "valid_until": 400}),
    "GI validity starts today": Case(True, gi={"valid_from": 0}),
    "GI validity starts tomorrow": Case(False, gi={"valid_from": 1}),
    "GI validity ends today": Case(True, gi={"valid_until": 0}),
    "GI validity ended yesterday": Case(False, gi={"valid_until": -1}),
    "GI applied, not registered": Case(False, gi={"status": "applied"}),
    "GI suspended": Case(False, gi={"status": "suspended"}),
    "GI revoked": Case(False, gi={"status": "revoked"}),
    "GI expired": Case(False, gi={"status": "expired"}),
    "producer suspended": Case(False, producer={"status": "suspended"}),
    "producer closed": Case(False, producer={"status": "closed"}),
}


def _dated(fields: dict, today: datetime.date) -> dict:
    return {
        key: today + datetime.timedelta(days=value) if key.startswith("valid_") and value is not None else value
        for key, value in fields.items()
    }


def make_case(case: Case) -> Authorisation:
    """The case's records, all published; saved without ``clean`` (the rule must hold whatever
    state the data reached, e.g. a GI whose trademark lapsed after its authorisations were made)."""
    today = timezone.localdate()
    gi = GeographicalIndicationFactory(**_dated(case.gi, today))
    producer = ProducerFactory(**_dated(case.producer, today))
    fields = {"valid_from": -30, "valid_until": 300, **case.authorisation}
    return AuthorisationFactory(geographical_indication=gi, producer=producer, **_dated(fields, today))


@pytest.mark.parametrize("name", CASES)
def test_the_rule_in_the_database_and_in_memory(name):
    case = CASES[name]
    auth = make_case(case)
    today = timezone.localdate()
    assert Authorisation.objects.valid_on(today).filter(pk=auth.pk).exists() is case.valid
    assert Authorisation.objects.get(pk=auth.pk).is_valid_on(today) is case.valid


@pytest.mark.parametrize("name", CASES)
def test_public_pages_brand_licences_dashboard_and_issuance_agree(name, client):
    case = CASES[name]
    auth = make_case(case)
    gi, producer = auth.geographical_indication, auth.producer
    today = timezone.localdate()
    cache.clear()
    gi_page = client.get(reverse("gi_registry:gi_detail", kwargs={"slug": gi.slug}))
    directory = client.get(reverse("gi_registry:producer_directory"), {"gi": gi.slug})
    brand = brand_page(brand_index(), gis=[gi])
    try:
        issue_codes(BatchFactory(authorisation=auth), 1)
        issued = True
    except IssuanceError:
        issued = False
    answers = {
        "GI page lists the producer": auth in list(gi_page.context["authorisations"]),
        "directory filtered by the GI lists it": producer in list(directory.context["page"].object_list),
        "brand page licenses it": producer in brand.licensed_producers(),
        "home page counts it": services.home_summary()["registry_counts"]["authorisations"] == 1,
        "dashboard counts it": authorised_producers(today, today).filter(pk=producer.pk).exists(),
        "issuance issues codes": issued,
    }
    assert answers == dict.fromkeys(answers, case.valid)
