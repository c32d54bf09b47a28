"""Batches in the admin: registration, issuing codes, labels, withdrawal, the scan dashboard, and
producer accounts limited to their own authorisations."""

import io
import re

import pytest
from django.urls import reverse

from gi_registry.factories import AuthorisationFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, Scan, TraceCode, TraceEvent
from gi_registry.trace.scans import flush_scans

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def snippet_url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_gi_registry_{model}:{view}", args=args)


def batch_form(authorisation, **overrides) -> dict:
    data = {
        "authorisation": str(authorisation.pk),
        "lot_number": "LP2025-ADMIN",
        "product_name": "梁平柚 家庭装",
        "production_date": "2025-10-20",
        "plot": "礼让镇川西村",
        "quantity": "800",
        "unit": "kg",
        "grade": "一级",
        "gtin": "",
        "standard": "",
        "inspection_results": '[{"item": "可溶性固形物", "value": 11.5, "unit": "%", "limit": "≥10", "pass": true}]',
        "inspection_report": "",
        "photo": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def own(producer_user):
    """A producer account's own authorisation (and a batch under it)."""
    auth = AuthorisationFactory(yearly_quota=100)
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    return auth


def test_officer_registers_a_batch_issues_codes_and_downloads_labels(client, officer):
    auth = AuthorisationFactory(yearly_quota=100)
    client.force_login(officer)
    response = client.post(snippet_url("batch", "add"), batch_form(auth))
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = Batch.objects.get(lot_number="LP2025-ADMIN")
    assert batch.producer == auth.producer and batch.created_by == officer

    page = client.get(reverse("trace_admin:batch", args=[batch.pk]))
    assert page.status_code == 200 and b'data-remaining-quota="100"' in page.content

    response = client.post(reverse("trace_admin:issue", args=[batch.pk]), {"count": "30"})
    assert response.status_code == 302
    assert batch.codes.count() == 30
    page = client.get(reverse("trace_admin:batch", args=[batch.pk]))
    assert b'data-remaining-quota="70"' in page.content

    over = client.post(reverse("trace_admin:issue", args=[batch.pk]), {"count": "71"}, follow=True)
    assert batch.codes.count() == 30 and "70" in over.content.decode()

    pdf = client.get(reverse("trace_admin:download", args=[batch.pk, "pdf"]), {"layout": "4x10", "ec": "Q"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("trace_admin:download", args=[batch.pk, "csv"]))
    assert csv.content.decode("utf-8-sig").count("\n") == 31
    archive = client.get(reverse("trace_admin:download", args=[batch.pk, "zip"]))
    assert archive["Content-Type"] == "application/zip"
    code = batch.codes.first()
    png = client.get(reverse("trace_admin:code_image", args=[code.pk, "png"]), {"ec": "H"})
    assert png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("trace_admin:code_image", args=[code.pk, "svg"]))
    assert svg.content.startswith(b"<svg")


def test_one_issuance_can_be_downloaded_alone(client, officer):
    batch = BatchFactory()
    first = issue_codes(batch, 3)
    issue_codes(batch, 2)
    client.force_login(officer)
    run = first[0].issued_at.isoformat()
    csv = client.get(reverse("trace_admin:download", args=[batch.pk, "csv"]), {"run": run})
    assert csv.content.decode("utf-8-sig").count("\n") == 4


def test_withdraw_from_the_admin(client, officer):
    batch = BatchFactory()
    issue_codes(batch, 5)
    client.force_login(officer)
    response = client.post(
        reverse("trace_admin:withdraw", args=[batch.pk]), {"status": "recalled", "reason": "农残超标"}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "recalled"
    assert not TraceCode.objects.filter(batch=batch, status="active").exists()
    refused = client.post(reverse("trace_admin:issue", args=[batch.pk]), {"count": "1"}, follow=True)
    assert batch.codes.count() == 5 and refused.status_code == 200


def test_withdraw_asks_for_confirmation_first(client, officer):
    batch = BatchFactory()
    issue_codes(batch, 3)
    client.force_login(officer)
    page = client.get(reverse("trace_admin:batch", args=[batch.pk])).content.decode()
    withdraw_url = reverse("trace_admin:withdraw", args=[batch.pk])
    assert f'href="{withdraw_url}"' in page
    assert 'name="reason"' not in page  # no one-click form on the batch's page

    confirm = client.get(withdraw_url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert batch.lot_number in text and 'name="reason"' in text and 'name="status"' in text
    assert re.search(r"\b3\b", text)  # the live codes the action turns
    batch.refresh_from_db()
    assert batch.status == "active"

    missing_reason = client.post(withdraw_url, {"status": "withdrawn", "reason": ""})
    assert missing_reason.status_code == 400 and 'name="reason"' in missing_reason.content.decode()
    batch.refresh_from_db()
    assert batch.status == "active" and batch.codes.filter(status="active").count() == 3

    assert client.post(withdraw_url, {"status": "withdrawn", "reason": "包装破损"}).status_code == 302
    again = client.get(withdraw_url).content.decode()
    assert 'name="reason"' not in again  # already withdrawn: nothing left to confirm


def test_producer_sees_and_registers_only_under_its_own_authorisations(client, producer_user, own):
    mine = BatchFactory(authorisation=own, lot_number="MINE-1")
    theirs = BatchFactory(lot_number="THEIRS-1")
    client.force_login(producer_user)

    listing = client.get(snippet_url("batch", "list"))
    assert listing.status_code == 200
    assert b"MINE-1" in listing.content and b"THEIRS-1" not in listing.content

    form = client.get(snippet_url("batch", "add")).content.decode()
    assert own.number in form and theirs.authorisation.number not in form
    option = re.search(rf'<option value="{own.pk}"[^>]*>([^<]*)</option>', form).group(1)
    assert own.number in option and "100" in option  # the remaining quota in the choice label
    issue_codes(BatchFactory(authorisation=own), 7)
    form = client.get(snippet_url("batch", "add")).content.decode()
    assert "93" in re.search(rf'<option value="{own.pk}"[^>]*>([^<]*)</option>', form).group(1)

    sneak = client.post(snippet_url("batch", "add"), batch_form(theirs.authorisation, lot_number="SNEAK"))
    assert sneak.status_code == 200 and not Batch.objects.filter(lot_number="SNEAK").exists()
    accepted = client.post(snippet_url("batch", "add"), batch_form(own, lot_number="MINE-2"))
    assert accepted.status_code == 302
    assert Batch.objects.get(lot_number="MINE-2").producer == own.producer

    assert client.get(reverse("trace_admin:batch", args=[mine.pk])).status_code == 200
    assert refused(client.get(reverse("trace_admin:batch", args=[theirs.pk])))
    assert refused(client.get(snippet_url("batch", "edit", theirs.pk)))
    assert refused(client.post(reverse("trace_admin:issue", args=[theirs.pk]), {"count": "1"}))
    assert refused(
        client.post(reverse("trace_admin:withdraw", args=[theirs.pk]), {"status": "withdrawn", "reason": "x"})
    )
    assert refused(client.get(reverse("trace_admin:withdraw", args=[theirs.pk])))
    assert refused(client.get(reverse("trace_admin:download", args=[theirs.pk, "csv"])))
    theirs.refresh_from_db()
    assert not theirs.codes.exists() and theirs.status == "active"

    assert client.post(reverse("trace_admin:issue", args=[mine.pk]), {"count": "10"}).status_code == 302
    assert mine.codes.count() == 10
    assert (
        client.get(reverse("trace_admin:scans")).status_code == 200
    )  # narrowed to its own scans (test_scan_dashboard.py)


def test_trace_event_form_refuses_duplicates_and_other_producers_batches(client, producer_user, own):
    mine = BatchFactory(authorisation=own)
    theirs = BatchFactory()
    client.force_login(producer_user)
    data = {
        "batch": str(mine.pk),
        "business_step": "packing",
        "event_time": "2025-10-21 09:30:00",
        "read_point": "礼让镇分拣中心",
        "disposition": "",
        "note": "",
    }
    assert client.post(snippet_url("traceevent", "add"), data).status_code == 302
    again = client.post(snippet_url("traceevent", "add"), data)
    assert again.status_code == 200 and TraceEvent.objects.count() == 1
    other = client.post(snippet_url("traceevent", "add"), {**data, "batch": str(theirs.pk)})
    assert other.status_code == 200 and TraceEvent.objects.count() == 1


def test_scan_dashboard_charts_scans_and_lists_suspicious_codes(client, officer, settings):
    settings.TRACE_SUSPICIOUS_SCANS = 2
    batch = BatchFactory()
    code = issue_codes(batch, 1)[0]
    for _ in range(3):
        client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger/8.0")
    flush_scans()  # the dashboard reads the written log and counters
    assert Scan.objects.filter(code=code).count() == 3
    client.force_login(officer)
    response = client.get(reverse("trace_admin:scans"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and code.printed_code in html and batch.lot_number in html


def test_batch_listing_export_works_for_officers(client, officer):
    BatchFactory(lot_number="EXPORT-1")
    client.force_login(officer)
    response = client.get(snippet_url("batch", "list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"EXPORT-1" in io.BytesIO(body).getvalue()
