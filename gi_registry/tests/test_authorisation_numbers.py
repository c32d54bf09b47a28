"""Authorisation numbers by rule: LPGI-<year>-<five-digit sequence>, shown before save, given on
save when left empty, never twice (also when two officers save at the same moment)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.models import Authorisation, AuthorisationNumberSequence
from gi_registry.models.authorisations import next_authorisation_number, predicted_authorisation_number
from gi_registry.trace.tests.test_issuance import run_threads, threads_share_a_real_database
from gi_registry.validators import validate_authorisation_number

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def new_authorisation(**values) -> Authorisation:
    start = timezone.localdate()
    return Authorisation(
        producer=values.pop("producer", None) or ProducerFactory(),
        geographical_indication=values.pop("gi", None) or GeographicalIndicationFactory(),
        valid_from=start,
        valid_until=start + datetime.timedelta(days=365),
        **values,
    )


@pytest.mark.parametrize("number", ["LPGI-2026-00012", "LPGI-1999-99999"])
def test_numbers_of_the_rule_are_accepted(number):
    validate_authorisation_number(number)


@pytest.mark.parametrize(
    "number", ["LPGI-26-00012", "LPGI-2026-12", "LPGI-2026-000012", "LP-2026-00012", "LPGI-2026-00000", "2026-00012"]
)
def test_other_numbers_are_refused_in_chinese(number):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_authorisation_number(number)
    assert "LPGI-2026-00012" in caught.value.messages[0] and "授权编号" in caught.value.messages[0]


def test_an_empty_number_gets_the_years_next_one_in_order():
    first, second = new_authorisation(), new_authorisation()
    first.full_clean()
    first.save()
    second.save()
    assert first.number == f"LPGI-{YEAR}-00001"
    assert second.number == f"LPGI-{YEAR}-00002"
    assert AuthorisationNumberSequence.objects.get(year=YEAR).last == 2


def test_the_sequence_continues_after_numbers_already_given_and_skips_typed_ones():
    AuthorisationFactory(number=f"LPGI-{YEAR}-0007")  # a number given before the rule (four digits)
    AuthorisationFactory(number=f"LPGI-{YEAR}-00009")  # typed by an officer ahead of the counter
    assert predicted_authorisation_number() == f"LPGI-{YEAR}-00010"
    given = [next_authorisation_number() for _ in range(2)]
    assert given == [f"LPGI-{YEAR}-00010", f"LPGI-{YEAR}-00011"]
    AuthorisationFactory(number=f"LPGI-{YEAR}-00012")
    assert new_authorisation_saved().number == f"LPGI-{YEAR}-00013"


def new_authorisation_saved() -> Authorisation:
    authorisation = new_authorisation()
    authorisation.save()
    return authorisation


def test_a_typed_number_must_follow_the_rule_but_old_numbers_stay_editable():
    typed = new_authorisation(number="lpgi－2026－00077")
    typed.full_clean()  # normalised to the rule's spelling
    assert typed.number == "LPGI-2026-00077"
    with pytest.raises(ValidationError) as caught:
        new_authorisation(number="2026-77").full_clean()
    assert "number" in caught.value.message_dict
    old = AuthorisationFactory(number="梁市监授 〔2019〕 3号")
    old.scope = "鲜果"
    old.full_clean()  # a number from before the rule is kept as it is, spaces and all
    assert old.number == "梁市监授 〔2019〕 3号"
    old.number = "LPGI-2026-7"
    with pytest.raises(ValidationError):
        old.full_clean()
    old.number = ""
    with pytest.raises(ValidationError):
        old.full_clean()


def test_a_rolled_back_save_gives_its_number_back():
    from django.db import transaction

    with transaction.atomic():
        new_authorisation_saved()
        transaction.set_rollback(True)
    assert new_authorisation_saved().number == f"LPGI-{YEAR}-00001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officers_saving_at_the_same_moment_never_get_the_same_number(tmp_path):
    producer, gi = ProducerFactory(), GeographicalIndicationFactory()
    AuthorisationFactory(number=f"LPGI-{YEAR}-00003", producer=producer, geographical_indication=gi)

    def add():
        authorisation = new_authorisation(producer=producer, gi=gi)
        authorisation.save()
        return authorisation.number

    with threads_share_a_real_database(tmp_path):
        numbers = run_threads([add for _ in range(6)])
        stored = run_threads([lambda: sorted(Authorisation.objects.values_list("number", flat=True))])[0]
    assert all(isinstance(n, str) for n in numbers), numbers
    expected = [f"LPGI-{YEAR}-{n:05d}" for n in range(4, 10)]
    assert sorted(numbers) == expected
    assert stored == [f"LPGI-{YEAR}-00003", *expected]


# -- the admin's add form -----------------------------------------------------------------------


def add_url():
    return reverse("wagtailsnippets_gi_registry_authorisation:add")


def form_data(producer, gi, **extra):
    today = timezone.localdate()
    return {
        "number": "",
        "producer": producer.pk,
        "geographical_indication": gi.pk,
        "scope": "鲜果",
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
        "status": "active",
        "yearly_quota": 5000,
        "action-publish": "action-publish",
        **extra,
    }


def test_officer_sees_the_number_before_saving_and_gets_it(client, officer):
    AuthorisationFactory(number=f"LPGI-{YEAR}-00011")
    producer, gi = ProducerFactory(), GeographicalIndicationFactory()
    client.force_login(officer)
    page = client.get(add_url()).content.decode()
    assert f"将分配编号 LPGI-{YEAR}-00012" in page or f"LPGI-{YEAR}-00012" in re.sub(r"<[^>]+>", "", page)
    assert f'placeholder="LPGI-{YEAR}-00012"' in page
    response = client.post(add_url(), form_data(producer, gi))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Authorisation.objects.get(producer=producer)
    assert created.number == f"LPGI-{YEAR}-00012" and created.live


def test_officer_typing_a_bad_number_gets_a_chinese_error_and_nothing_is_written(client, officer):
    producer, gi = ProducerFactory(), GeographicalIndicationFactory()
    client.force_login(officer)
    response = client.post(add_url(), form_data(producer, gi, number="LPGI-26-1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "不是授权编号" in page and "LPGI-26-1" in page
    assert not Authorisation.objects.filter(producer=producer).exists()
    assert not AuthorisationNumberSequence.objects.exists()


def test_officer_may_type_a_number_of_the_rule(client, officer):
    producer, gi = ProducerFactory(), GeographicalIndicationFactory()
    client.force_login(officer)
    response = client.post(add_url(), form_data(producer, gi, number="LPGI-2024-00310"))
    assert response.status_code == 302
    assert Authorisation.objects.get(producer=producer).number == "LPGI-2024-00310"


@pytest.mark.parametrize("account", ["brand_editor", "producer_user"])
def test_other_groups_cannot_open_the_add_form(client, account, request):
    client.force_login(request.getfixturevalue(account))
    response = client.get(add_url())
    assert response.status_code in (302, 403)
    assert "LPGI-" not in response.content.decode()


def test_demo_numbers_follow_the_rule_and_old_four_digit_ones_are_renamed(tmp_path):
    """A database loaded before the rule holds LPGI-<year>-<nnnn>: the next load renames those
    (same records, a new revision), and a second load changes nothing."""
    import io

    from core.demo import DemoRun
    from gi_registry import demo

    def load():
        run = DemoRun(io.StringIO(), io.StringIO(), verbosity=0)
        demo.load(run)
        return run

    load()
    numbers = list(Authorisation.objects.values_list("number", flat=True))
    assert numbers and all(re.fullmatch(r"LPGI-\d{4}-\d{5}", n) for n in numbers)
    first = Authorisation.objects.order_by("pk").first()
    year, sequence = first.number.split("-")[1:]
    legacy = f"LPGI-{year}-{int(sequence):04d}"
    Authorisation.objects.filter(pk=first.pk).update(number=legacy)

    load()
    first.refresh_from_db()
    assert first.number == f"LPGI-{year}-{int(sequence):05d}" and first.live
    assert first.live_revision.as_object().number == first.number
    assert Authorisation.objects.count() == len(numbers)
    again = load()
    assert {o.value for (section, _key), o in again.outcomes.items() if section == "authorisations"} == {"unchanged"}
