"""Register a batch like the last one (the batch add form with ``?copy=last``): a producer's form is
prefilled from its own latest batch (authorisation, product, standard, origin, inspection items
without the measured values), never from another producer's newer one; the new lot number is
required and the copy saves as a new batch."""

import re

import pytest
from django.urls import reverse

from gi_registry.factories import AuthorisationFactory, StandardFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.models import Batch

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_gi_registry_batch:add")


@pytest.fixture
def last(producer_user):
    auth = AuthorisationFactory(number="LPGI-2026-00031")
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    BatchFactory(authorisation=auth, lot_number="OLDER-1", product_name="梁平柚 旧款")
    batch = BatchFactory(
        authorisation=auth,
        lot_number="LAST-2",
        product_name="梁平柚 礼盒装 5kg",
        plot="礼让镇川西村柚园7号地块",
        standard=StandardFactory(),
        inspection_results=[
            {"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": True},
            {"item": "毒死蜱", "value": "未检出", "unit": "mg/kg", "limit": "≤ 0.5", "pass": True},
        ],
    )
    BatchFactory(lot_number="THEIRS-9", product_name="别家的笋", plot="别家的地块")  # another producer's, newer
    return batch


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    match = re.search(r'<option value="(\d+)"[^>]*selected', select)
    return match and match.group(1)


def test_add_form_offers_copy_and_prefills_from_own_latest_batch(client, producer_user, last):
    client.force_login(producer_user)
    plain = client.get(ADD).content.decode()
    assert "?copy=last" in plain and "data-copy-last" in plain
    html = client.get(ADD + "?copy=last").content.decode()
    assert "LAST-2" in html  # the message says which batch it starts from
    assert 'value="梁平柚 礼盒装 5kg"' in html and 'value="礼让镇川西村柚园7号地块"' in html
    assert selected(html, "authorisation") == str(last.authorisation_id)
    assert 'name="inspection_results-0-item" value="可溶性固形物"' in html
    assert 'name="inspection_results-1-item" value="毒死蜱"' in html
    assert 'name="inspection_results-0-value" value=""' in html  # measured anew for each lot
    assert 'name="lot_number"' in html and 'value="LAST-2"' not in html
    assert "别家" not in html and "THEIRS-9" not in html


def test_copy_needs_a_new_lot_number_then_saves_a_new_batch(client, producer_user, last):
    client.force_login(producer_user)
    data = {
        "authorisation": str(last.authorisation_id),
        "lot_number": "",
        "product_name": last.product_name,
        "production_date": "2026-11-20",
        "plot": last.plot,
        "quantity": "900",
        "unit": "kg",
        "grade": "特级",
        "gtin": "",
        "standard": str(last.standard_id),
        "inspection_report": "",
        "photo": "",
        "inspection_results-0-item": "可溶性固形物",
        "inspection_results-0-value": "11.8",
        "inspection_results-0-unit": "%",
        "inspection_results-0-limit": "≥ 10",
        "inspection_results-0-pass": "yes",
    }
    response = client.post(ADD + "?copy=last", data)
    assert response.status_code == 200 and response.context["form"].errors["lot_number"]
    assert Batch.objects.filter(producer=last.producer).count() == 2
    response = client.post(ADD, {**data, "lot_number": "NEW-3"})
    assert response.status_code == 302
    new = Batch.objects.get(lot_number="NEW-3")
    assert new.pk != last.pk and new.producer_id == last.producer_id and new.standard_id == last.standard_id
    assert Batch.objects.get(pk=last.pk).lot_number == "LAST-2"  # the original is untouched


def test_without_any_batch_there_is_nothing_to_copy(client, producer_user):
    AuthorisationFactory().producer.accounts.add(producer_user)
    BatchFactory(lot_number="THEIRS-1")  # another producer's only
    client.force_login(producer_user)
    html = client.get(ADD + "?copy=last").content.decode()
    assert "data-copy-last" not in html and "THEIRS-1" not in html
