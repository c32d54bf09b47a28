"""The batch form as a producer fills it: only its own valid authorisations (quota shown, the only
one preselected, another's refused with a message), inspection results row by row (stored as before,
shown on the public verify page), image and document choosers, and the label options."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from gi_registry.factories import AuthorisationFactory, StandardFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, LabelJob

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_gi_registry_batch:add")
FOREIGN_MESSAGE = "This authorisation is not one you may use: choose one of your own that is valid today."


def form_data(authorisation, rows=(), **overrides) -> dict:
    data = {
        "authorisation": str(authorisation.pk),
        "lot_number": "LP2025-ROWS",
        "product_name": "梁平柚 家庭装",
        "production_date": "2025-10-20",
        "plot": "礼让镇川西村",
        "quantity": "800",
        "unit": "kg",
        "grade": "一级",
        "gtin": "",
        "standard": "",
        "inspection_report": "",
        "photo": "",
    }
    for i, row in enumerate([*rows, {}]):  # and one blank row, as the form shows it
        for key in ("item", "value", "unit", "limit", "pass"):
            data[f"inspection_results-{i}-{key}"] = row.get(key, "")
    data.update(overrides)
    return data


def options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="authorisation".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="(\d+)"([^>]*>[^<]*)', select))


@pytest.fixture
def mine(producer_user):
    auth = AuthorisationFactory(yearly_quota=100, number="LPGI-2025-00777")
    auth.producer.accounts.add(producer_user)
    auth.producer.save()  # a parental many-to-many: saved with the producer
    return auth


def test_producer_is_offered_only_its_valid_authorisations_and_the_only_one_is_preselected(client, producer_user, mine):
    today = timezone.localdate()
    AuthorisationFactory(producer=mine.producer, status="suspended", number="LPGI-2025-00778")
    AuthorisationFactory(
        producer=mine.producer,
        number="LPGI-2024-00779",
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
    )
    other = AuthorisationFactory(number="LPGI-2025-00999")
    issue_codes(BatchFactory(authorisation=mine), 30)
    client.force_login(producer_user)

    html = client.get(ADD).content.decode()
    offered = options(html)
    assert list(offered) == [str(mine.pk)]  # not the suspended, expired or another producer's
    assert "selected" in offered[str(mine.pk)]
    assert "LPGI-2025-00777" in offered[str(mine.pk)] and "70" in offered[str(mine.pk)]  # 100 − 30 left
    assert other.number not in html

    second = AuthorisationFactory(producer=mine.producer, number="LPGI-2025-00780")
    offered = options(client.get(ADD).content.decode())
    assert set(offered) == {str(mine.pk), str(second.pk)}
    assert not any("selected" in tag for tag in offered.values())  # two: the producer chooses


def test_another_producers_authorisation_is_refused_with_a_clear_message(client, producer_user, mine):
    other = AuthorisationFactory()
    client.force_login(producer_user)
    response = client.post(ADD, form_data(other, rows=[{"item": "可溶性固形物", "value": "11"}]))
    assert response.status_code == 200
    assert not Batch.objects.filter(lot_number="LP2025-ROWS").exists()
    errors = response.context["form"].errors["authorisation"]
    with translation.override("zh-hans"):
        assert errors == [gettext(FOREIGN_MESSAGE)]
    # what was typed is still there
    assert 'value="可溶性固形物"' in response.content.decode()


def test_structured_results_are_saved_and_shown_on_the_verify_page(client, producer_user, mine):
    client.force_login(producer_user)
    rows = [
        {"item": "可溶性固形物", "value": "11.2", "unit": "%", "limit": "≥ 10", "pass": "yes"},
        {"item": "果实横径", "value": "152", "unit": "mm", "limit": "≥ 160", "pass": "no"},
    ]
    response = client.post(ADD, form_data(mine, rows=rows))
    assert response.status_code == 302, response.content[:3000]
    batch = Batch.objects.get(lot_number="LP2025-ROWS")
    assert batch.inspection_results == [
        {"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": True},
        {"item": "果实横径", "value": 152, "unit": "mm", "limit": "≥ 160", "pass": False},
    ]

    code = issue_codes(batch, 1)[0]
    page = client.get(f"/t/{code.printed_code}").content.decode()
    assert "可溶性固形物" in page and "11.2 %" in page and "≥ 10" in page
    assert "果实横径" in page and "152 mm" in page
    assert 'class="pass"' in page and 'class="fail"' in page

    edit = client.get(reverse("wagtailsnippets_gi_registry_batch:edit", args=[batch.pk])).content.decode()
    assert 'name="inspection_results-0-item" value="可溶性固形物"' in edit
    assert re.search(r'name="inspection_results-1-pass">.*?<option value="no" selected', edit, re.S)
    assert 'name="inspection_results-2-item" value=""' in edit  # room for another row


def test_a_row_without_its_item_is_refused_and_nothing_saved(client, producer_user, mine):
    client.force_login(producer_user)
    rows = [{"item": "可溶性固形物", "value": "11.2"}, {"value": "152", "unit": "mm"}]
    response = client.post(ADD, form_data(mine, rows=rows))
    assert response.status_code == 200
    assert not Batch.objects.filter(lot_number="LP2025-ROWS").exists()
    assert response.context["form"].errors["inspection_results"]
    html = response.content.decode()
    assert 'name="inspection_results-1-value" value="152"' in html  # nothing lost


def test_items_already_tested_are_offered_the_standards_first(client, producer_user, mine):
    standard = StandardFactory()
    BatchFactory(authorisation=mine, inspection_results=[{"item": "维生素C"}])
    BatchFactory(authorisation=mine, standard=standard, inspection_results=[{"item": "总酸"}])
    BatchFactory(inspection_results=[{"item": "别家的秘密指标"}])  # another producer's
    batch = BatchFactory(authorisation=mine, standard=standard, inspection_results=[])
    client.force_login(producer_user)
    html = client.get(reverse("wagtailsnippets_gi_registry_batch:edit", args=[batch.pk])).content.decode()
    datalist = re.search(r"<datalist[^>]*>(.*?)</datalist>", html, re.S).group(1)
    items = re.findall(r'<option value="([^"]*)"', datalist)
    assert items.index("总酸") < items.index("维生素C")
    assert "别家的秘密指标" not in items


def test_photo_and_report_use_wagtails_choosers(client, producer_user, mine):
    client.force_login(producer_user)
    html = client.get(ADD).content.decode()
    assert not re.search(r'<select name="photo"', html) and not re.search(r'<select name="inspection_report"', html)
    assert 'data-controller="w-image-chooser"' in html or "image-chooser" in html
    assert 'data-controller="w-document-chooser"' in html or "document-chooser" in html


def test_label_options_are_form_fields_and_reach_the_label_job(client, producer_user, mine, settings):
    batch = BatchFactory(authorisation=mine)
    issue_codes(batch, 24)
    client.force_login(producer_user)
    page = client.get(reverse("trace_admin:batch", args=[batch.pk])).content.decode()
    ec = re.search(r'<select name="ec".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([LMQH])"', ec) == ["L", "M", "Q", "H"]
    assert re.search(r'<select name="layout"', page)
    assert 'form="label-options"' in page

    download = reverse("trace_admin:download", args=[batch.pk, "pdf"])
    pdf = client.get(download, {"layout": "4x10", "ec": "Q"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "4x10" in pdf["Content-Disposition"]
    assert client.get(download, {"ec": "X"}).status_code == 404

    settings.LABEL_SYNC_MAX_CODES = 10  # a large sheet goes to a job, which keeps the options
    response = client.get(download, {"layout": "3x8", "ec": "Q"})
    assert response.status_code == 302
    job = LabelJob.objects.get(batch=batch)
    assert (job.layout, job.ec) == ("3x8", "Q")
