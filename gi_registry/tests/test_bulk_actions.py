"""Bulk actions beyond delete: export the selected rows, change their status, withdraw batches —
each as the groups that hold it and the ones that must not, on ids they may and may not see."""

import csv
import io

import openpyxl
import pytest
from wagtail.models import ModelLogEntry

from gi_registry.admin_bulk_actions import STATUS_CHANGE_ACTION
from gi_registry.factories import AuthorisationFactory, ProducerFactory
from gi_registry.models import Authorisation
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, TraceCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_producers(producer_user):
    own = AuthorisationFactory(number="OWN-AUTH-1")
    own.producer.accounts.add(producer_user)
    own.producer.save()  # a ParentalManyToManyField: written on save
    other = AuthorisationFactory(number="OTHER-AUTH-2", producer=ProducerFactory(name="别家隔离合作社"))
    return own, other


def test_listing_offers_the_new_bulk_actions(client, officer, two_producers):
    client.force_login(officer)
    page = client.get("/admin/snippets/gi_registry/authorisation/").content.decode()
    assert "/admin/bulk/gi_registry/authorisation/export/" in page
    assert "/admin/bulk/gi_registry/authorisation/change_status/" in page


def test_export_selected_as_xlsx_and_csv_holds_only_the_selected_rows(client, officer, two_producers):
    own, other = two_producers
    client.force_login(officer)
    url = f"/admin/bulk/gi_registry/authorisation/export/?id={own.pk}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "OWN-AUTH-1" in confirm.content.decode()

    response = client.post(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "OWN-AUTH-1" in values
    assert "OTHER-AUTH-2" not in values

    response = client.post(
        f"/admin/bulk/gi_registry/authorisation/export/?id={own.pk}&id={other.pk}", {"format": "csv"}
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3  # the heading and the two selected rows
    assert {"OWN-AUTH-1", "OTHER-AUTH-2"} <= {cell for row in rows for cell in row}


def test_producer_exports_only_its_own_batches(client, producer_user, two_producers):
    own, other = two_producers
    own_batch = BatchFactory(authorisation=own, lot_number="OWN-LOT-1")
    other_batch = BatchFactory(authorisation=other, lot_number="OTHER-LOT-2")
    client.force_login(producer_user)
    assert client.get(f"/admin/bulk/trace/batch/export/?id={other_batch.pk}").status_code == 404
    response = client.post(f"/admin/bulk/trace/batch/export/?id={own_batch.pk}&id={other_batch.pk}", {"format": "csv"})
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")
    assert "OWN-LOT-1" in body
    assert "OTHER-LOT-2" not in body
    everything = client.post("/admin/bulk/trace/batch/export/?id=all", {"format": "csv"})
    body = (b"".join(everything.streaming_content) if everything.streaming else everything.content).decode("utf-8-sig")
    assert "OWN-LOT-1" in body
    assert "OTHER-LOT-2" not in body


def test_officer_suspends_authorisations_in_bulk_with_a_reason_in_their_history(client, officer, two_producers):
    own, other = two_producers
    client.force_login(officer)
    url = f"/admin/bulk/gi_registry/authorisation/change_status/?id={own.pk}&id={other.pk}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert own.number in confirm.content.decode()
    assert Authorisation.objects.get(pk=own.pk).status == "active"  # a GET changes nothing

    response = client.post(url, {"status": "suspended", "reason": "2026年抽检不合格"}, follow=True)
    assert response.status_code == 200
    for pk in (own.pk, other.pk):
        record = Authorisation.objects.get(pk=pk)
        assert record.status == "suspended"
        assert record.live_revision is not None
        entry = ModelLogEntry.objects.get(action=STATUS_CHANGE_ACTION, object_id=str(pk))
        assert entry.data == {"from": "active", "to": "suspended", "reason": "2026年抽检不合格"}
        assert "2026年抽检不合格" in str(entry.message)


def test_a_forbidden_transition_or_a_pending_draft_leaves_the_record_as_it_is(client, officer, two_producers):
    own, other = two_producers
    Authorisation.objects.filter(pk=own.pk).update(status="revoked")  # revoked is final
    other.scope = "草稿中的改动"
    other.save_revision(user=officer)  # an unpublished draft waiting
    client.force_login(officer)
    url = f"/admin/bulk/gi_registry/authorisation/change_status/?id={own.pk}&id={other.pk}"
    messages = [
        str(m) for m in client.post(url, {"status": "active", "reason": "复核"}, follow=True).context["messages"]
    ]
    assert Authorisation.objects.get(pk=own.pk).status == "revoked"
    assert Authorisation.objects.get(pk=other.pk).status == "active"
    assert Authorisation.objects.get(pk=other.pk).has_unpublished_changes
    assert any(own.number in m for m in messages)
    assert any(other.number in m for m in messages)
    assert not ModelLogEntry.objects.filter(action=STATUS_CHANGE_ACTION).exists()


def test_status_change_needs_a_reason_and_a_status(client, officer, two_producers):
    own, _other = two_producers
    client.force_login(officer)
    response = client.post(f"/admin/bulk/gi_registry/authorisation/change_status/?id={own.pk}", {"status": "suspended"})
    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["reason"]
    assert Authorisation.objects.get(pk=own.pk).status == "active"


@pytest.mark.parametrize("group_user", ["producer_user", "brand_editor"])
def test_only_officers_change_a_status(client, request, group_user, two_producers):
    own, _other = two_producers
    client.force_login(request.getfixturevalue(group_user))
    url = f"/admin/bulk/gi_registry/authorisation/change_status/?id={own.pk}"
    for response in (client.get(url), client.post(url, {"status": "suspended", "reason": "x"})):
        # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard
        assert response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")
    assert Authorisation.objects.get(pk=own.pk).status == "active"
    assert not ModelLogEntry.objects.filter(action=STATUS_CHANGE_ACTION).exists()


def test_withdraw_batches_in_bulk_after_the_confirmation(client, producer_user, officer, two_producers):
    own, other = two_producers
    mine = BatchFactory(authorisation=own, lot_number="OWN-LOT-1")
    theirs = BatchFactory(authorisation=other, lot_number="OTHER-LOT-2")
    issue_codes(mine, 3, officer)
    issue_codes(theirs, 2, officer)
    client.force_login(producer_user)
    url = f"/admin/bulk/trace/batch/withdraw/?id={mine.pk}&id={theirs.pk}"
    confirm = client.get(url).content.decode()
    assert "OWN-LOT-1" in confirm
    assert "OTHER-LOT-2" not in confirm
    assert Batch.objects.get(pk=mine.pk).status == Batch.Status.ACTIVE  # the confirmation acts on nothing

    client.post(url, {"status": Batch.Status.RECALLED, "reason": "农残复检超标"})
    assert Batch.objects.get(pk=mine.pk).status == Batch.Status.RECALLED
    assert not TraceCode.objects.filter(batch=mine, status=TraceCode.Status.ACTIVE).exists()
    assert Batch.objects.get(pk=theirs.pk).status == Batch.Status.ACTIVE
    assert TraceCode.objects.filter(batch=theirs, status=TraceCode.Status.ACTIVE).count() == 2
