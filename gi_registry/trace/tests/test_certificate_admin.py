"""The compliance certificate in the admin, as each group: issuing (valid and invalid), superseding,
the refusal to delete, id guessing on every URL (PDFs included), and the trace page's link."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, family
from gi_registry.trace import certificates
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import ComplianceCertificate

pytestmark = pytest.mark.django_db


def form_data(batch, **overrides):
    data = certificates.prefill(batch)
    data.update(producer_contact="张三 13800000000", signatory="张三", **overrides)
    post = {key: value for key, value in data.items() if key != "basis"}
    post["issue_date"] = data["issue_date"].isoformat()
    post["basis"] = data["basis"]
    return post


@pytest.fixture
def own_batch(producer_user):
    batch = BatchFactory()
    batch.producer.accounts.add(producer_user)
    batch.producer.save()  # a parental many-to-many: written on save
    return batch


def issue(batch, user=None):
    fields = form_data(batch)
    fields["issue_date"] = certificates.prefill(batch)["issue_date"]
    return certificates.issue_certificate(batch, user, **fields)


def test_a_producer_issues_a_certificate_for_its_own_batch(client, producer_user, own_batch):
    client.force_login(producer_user)
    url = reverse("trace_admin:certificate", args=[own_batch.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "需要" in text and "新鲜水果" in text  # says that the batch needs one, and why
    assert own_batch.producer.name in text  # prefilled
    response = client.post(url, form_data(own_batch))
    assert response.status_code == 302
    cert = ComplianceCertificate.objects.get()
    assert cert.batch == own_batch and cert.issued_by == producer_user
    assert cert.commitment.startswith("不使用禁限用农药兽药")
    listing = client.get(url).content.decode()
    assert reverse("trace_admin:certificate_pdf", args=[cert.pk, "a6"]) in listing
    assert reverse("trace:certificate", args=[cert.token]) in listing
    assert reverse("trace_admin:certificate_delete", args=[cert.pk]) not in listing  # no delete button
    assert ">删除<" not in listing


def test_the_form_says_why_a_processed_product_needs_none(client, officer):
    gi = GeographicalIndicationFactory(name="梁平张鸭子", product_family=family("duck"))
    batch = BatchFactory(authorisation=AuthorisationFactory(geographical_indication=gi), product_name="")
    client.force_login(officer)
    text = client.get(reverse("trace_admin:certificate", args=[batch.pk])).content.decode()
    assert "不需要" in text and "加工食品" in text


def test_an_invalid_field_gets_a_chinese_message_and_writes_nothing(client, producer_user, own_batch):
    client.force_login(producer_user)
    url = reverse("trace_admin:certificate", args=[own_batch.pk])
    response = client.post(url, {**form_data(own_batch, quantity="0"), "basis": []})
    assert response.status_code == 400
    text = response.content.decode()
    assert "数量必须大于零" in text
    assert "请至少选择一项承诺依据" in text
    assert "未开具合格证" in text
    assert not ComplianceCertificate.objects.exists()


def test_a_second_issue_supersedes_the_first_and_the_history_shows(client, producer_user, own_batch):
    client.force_login(producer_user)
    url = reverse("trace_admin:certificate", args=[own_batch.pk])
    client.post(url, form_data(own_batch))
    client.post(url, form_data(own_batch, quantity="800"))
    old, new = ComplianceCertificate.objects.order_by("pk")
    assert old.superseded_by == new and new.is_current
    text = client.get(url).content.decode()
    assert "已被取代" in text or "取代于" in text
    assert "合格证被新的合格证取代" in text  # the history's log entry


def test_delete_is_refused_within_six_months_with_a_chinese_message(client, officer, own_batch):
    cert = issue(own_batch, officer)
    client.force_login(officer)
    response = client.post(reverse("trace_admin:certificate_delete", args=[cert.pk]))
    assert response.status_code == 302
    assert ComplianceCertificate.objects.filter(pk=cert.pk).exists()
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("六个月" in m for m in message), message


def test_another_producers_batch_and_certificate_are_out_of_reach(client, producer_user, own_batch):
    other = BatchFactory()
    theirs = issue(other)
    mine = issue(own_batch)
    client.force_login(producer_user)
    urls = [
        ("get", reverse("trace_admin:certificate", args=[other.pk])),
        ("post", reverse("trace_admin:certificate", args=[other.pk])),
        ("get", reverse("trace_admin:certificate_pdf", args=[theirs.pk, "a6"])),
        ("get", reverse("trace_admin:certificate_pdf", args=[theirs.pk, "sheet"])),
        ("post", reverse("trace_admin:certificate_delete", args=[theirs.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, form_data(other) if method == "post" else None)
        # Wagtail answers a PermissionDenied with a redirect to the dashboard and its message
        assert response.status_code in (403, 404) or response["Location"] == "/admin/", url
    assert ComplianceCertificate.objects.count() == 2
    missing = ComplianceCertificate.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("trace_admin:certificate_pdf", args=[missing, "a6"])).status_code == 404
    assert client.get(reverse("trace_admin:certificate", args=[other.pk + 100])).status_code == 404
    own_pdf = client.get(reverse("trace_admin:certificate_pdf", args=[mine.pk, "a6"]))
    assert own_pdf.status_code == 200 and own_pdf["Content-Type"] == "application/pdf"


def test_brand_editors_have_no_access(client, brand_editor):
    batch = BatchFactory()
    cert = issue(batch)
    client.force_login(brand_editor)
    for url in (
        reverse("trace_admin:certificate", args=[batch.pk]),
        reverse("trace_admin:certificate_pdf", args=[cert.pk, "a6"]),
    ):
        response = client.get(url)
        assert response.status_code == 403 or response["Location"] == "/admin/", url
    response = client.post(reverse("trace_admin:certificate", args=[batch.pk]), form_data(batch))
    assert response.status_code == 403 or response["Location"] == "/admin/"
    assert ComplianceCertificate.objects.count() == 1


def test_an_officer_issues_for_any_batch(client, officer):
    batch = BatchFactory()
    client.force_login(officer)
    response = client.post(reverse("trace_admin:certificate", args=[batch.pk]), form_data(batch))
    assert response.status_code == 302
    assert ComplianceCertificate.objects.get().issued_by == officer


def test_every_code_of_the_batch_links_to_the_current_certificate(client):
    batch = BatchFactory()
    codes = issue_codes(batch, 2)
    before = client.get(f"/t/{codes[0].printed_code}").content.decode()
    assert "承诺达标合格证" not in before
    first = issue(batch)
    for code in codes:
        text = client.get(f"/t/{code.printed_code}").content.decode()
        assert reverse("trace:certificate", args=[first.token]) in text
    data = client.get(f"/api/v1/trace/{codes[0].printed_code}").json()
    assert data["batch"]["certificate_url"].endswith(reverse("trace:certificate", args=[first.token]))
    english = client.get(f"/en/t/{codes[1].printed_code}").content.decode()
    assert reverse("trace:certificate_en", args=[first.token]) in english
    second = certificates.supersede_certificate(first, None, **{**form_data(batch), "issue_date": first.issue_date})
    text = client.get(f"/t/{codes[0].printed_code}").content.decode()
    assert reverse("trace:certificate", args=[second.token]) in text
    assert first.token not in text


def test_the_public_page_in_chinese_and_english_and_a_superseded_one(client):
    batch = BatchFactory()
    first = issue(batch)
    page = client.get(reverse("trace:certificate", args=[first.token]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "承诺达标合格证" in text and "不使用非法添加物" in text and "自我检测" in text
    assert "数量（重量）" in text
    english = client.get(reverse("trace:certificate_en", args=[first.token])).content.decode()
    assert "Quantity or weight" in english
    assert client.get(f"/C/{first.token.upper()}").status_code == 200
    assert client.get("/c/" + "0" * 32).status_code == 404
    second = certificates.supersede_certificate(first, None, **{**form_data(batch), "issue_date": first.issue_date})
    text = client.get(reverse("trace:certificate", args=[first.token])).content.decode()
    assert "已被取代" in text and reverse("trace:certificate", args=[second.token]) in text
