"""A withdrawn or recalled batch is not sold: no compliance certificate is issued for it, the page
says why in Chinese instead of offering the form, the workspace offers no "开具" for it, and a
certificate issued before the withdrawal stays, with its PDF and public page."""

import pytest
from django.urls import reverse

from gi_registry.trace.models import ComplianceCertificate

from .test_certificate_admin import form_data, issue, own_batch  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_no_certificate_for_a_withdrawn_batch(client, producer_user, own_batch):  # noqa: F811
    own_batch.withdraw()
    client.force_login(producer_user)
    url = reverse("trace_admin:certificate", args=[own_batch.pk])
    page = client.get(url).content.decode()
    assert "data-certificate-refused" in page and "不再销售，因此不为其开具合格证" in page
    assert 'method="post"' not in page.split("data-certificate-refused")[1].split("</main>")[0]
    response = client.post(url, form_data(own_batch))
    assert response.status_code == 400 and "不再销售，因此不为其开具合格证" in response.content.decode()
    assert not ComplianceCertificate.objects.exists()
    home = client.get("/admin/").content.decode()
    row = home.split(f'data-batch="{own_batch.lot_number}"')[1].split("</tr>")[0]
    assert url not in row and "—" in row


def test_a_certificate_issued_before_the_withdrawal_stays(client, producer_user, own_batch):  # noqa: F811
    cert = issue(own_batch, producer_user)
    own_batch.withdraw()
    client.force_login(producer_user)
    page = client.get(reverse("trace_admin:certificate", args=[own_batch.pk])).content.decode()
    assert reverse("trace_admin:certificate_pdf", args=[cert.pk, "a6"]) in page
    assert client.get(reverse("trace_admin:certificate_pdf", args=[cert.pk, "a6"])).status_code == 200
    assert client.get(reverse("trace:certificate", args=[cert.token])).status_code == 200
    response = client.post(reverse("trace_admin:certificate", args=[own_batch.pk]), form_data(own_batch))
    assert response.status_code == 400
    assert ComplianceCertificate.objects.get().superseded_by is None


def test_the_flow_s_certificate_step_offers_no_issue_for_a_withdrawn_batch(client, producer_user, own_batch):  # noqa: F811
    own_batch.withdraw()
    client.force_login(producer_user)
    page = client.get(reverse("trace_admin:flow_certificate", args=[own_batch.pk])).content.decode()
    assert "data-certificate-refused" in page and "data-issue-certificate" not in page
