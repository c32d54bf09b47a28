"""Who sees what on the admin surfaces Wagtail adds (choosers, bulk actions, site history, form
submissions), and malformed admin posts answering 400. The walk over every admin URL is in
``test_admin_isolation``; these tests name each rule and check the allowed side too."""

import pytest
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log

from brands.models import BrandIndexPage, BrandPage
from gi_registry.factories import AuthorisationFactory, ProducerFactory
from gi_registry.trace.factories import BatchFactory
from website.models import ContactFormField, ContactPage, HomePage

pytestmark = pytest.mark.django_db

CHOOSE_BATCH = "/admin/snippets/choose/gi_registry/batch/"


def refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


@pytest.fixture
def batches(producer_user):
    own = BatchFactory(lot_number="OWN-LOT-1")
    own.producer.accounts.add(producer_user)
    own.producer.save()
    other = BatchFactory(lot_number="OTHER-LOT-2", authorisation=AuthorisationFactory(producer=ProducerFactory()))
    return own, other


def test_batch_chooser_lists_and_returns_only_own_batches(client, producer_user, officer, batches):
    own, other = batches
    client.force_login(producer_user)
    results = client.get(f"{CHOOSE_BATCH}results/?q=").content.decode()
    assert "OWN-LOT-1" in results
    assert "OTHER-LOT-2" not in results
    assert client.get(f"{CHOOSE_BATCH}chosen/{own.pk}/").status_code == 200
    assert client.get(f"{CHOOSE_BATCH}chosen/{other.pk}/").status_code == 404
    multiple = client.get(f"{CHOOSE_BATCH}chosen-multiple/?id={own.pk}&id={other.pk}").content.decode()
    assert "OWN-LOT-1" in multiple
    assert "OTHER-LOT-2" not in multiple

    client.force_login(officer)
    results = client.get(f"{CHOOSE_BATCH}results/?q=").content.decode()
    assert "OWN-LOT-1" in results
    assert "OTHER-LOT-2" in results


def test_brand_editor_chooses_no_producer_owned_record(client, brand_editor, batches):
    own, _other = batches
    client.force_login(brand_editor)
    for model, record in (("batch", own), ("producer", own.producer), ("authorisation", own.authorisation)):
        base = f"/admin/snippets/choose/gi_registry/{model}/"
        assert str(record) not in client.get(f"{base}results/?q=").content.decode()
        assert client.get(f"{base}chosen/{record.pk}/").status_code == 404


def test_bulk_delete_confirmation_finds_only_own_records(client, producer_user, batches):
    own, other = batches
    client.force_login(producer_user)
    # The address the registry app gave batches redirects to the trace app's, the selection kept.
    response = client.get(f"/admin/bulk/gi_registry/batch/delete/?id={other.pk}", follow=True)
    assert response.redirect_chain == [(f"/admin/bulk/trace/batch/delete/?id={other.pk}", 302)]
    assert response.status_code == 404
    assert "OTHER-LOT-2" not in response.content.decode()
    mixed = client.get(f"/admin/bulk/trace/batch/delete/?id={own.pk}&id={other.pk}").content.decode()
    assert "OWN-LOT-1" in mixed
    assert "OTHER-LOT-2" not in mixed
    everything = client.get("/admin/bulk/trace/batch/delete/?id=all").content.decode()
    assert "OTHER-LOT-2" not in everything


def test_site_history_is_for_registry_officers_only(client, producer_user, brand_editor, officer, batches):
    _own, other = batches
    log(instance=other.producer, action="wagtail.edit", user=officer)
    site_history = reverse("wagtailadmin_reports:site_history")
    for user in (producer_user, brand_editor):
        client.force_login(user)
        for query in ("", "?export=csv", "?export=xlsx"):
            assert refused(client.get(site_history + query)), (user, query)
        assert refused(client.get(reverse("wagtailadmin_reports:site_history_results")))
        assert site_history not in client.get(reverse("wagtailadmin_home")).content.decode()  # not in the menu

    client.force_login(officer)
    assert other.producer.name in client.get(site_history).content.decode()
    export = client.get(site_history + "?export=csv")
    assert export.status_code == 200
    assert other.producer.name in b"".join(export.streaming_content).decode("utf-8-sig")


@pytest.fixture
def submission(db):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    page = ContactPage(title="联系我们", slug="contact")
    page.form_fields = [ContactFormField(sort_order=0, label="phone", field_type="singleline")]
    home.add_child(instance=page)
    page.save_revision().publish()
    return FormSubmission.objects.create(page=page, form_data={"phone": "13800001111"})


def test_form_submissions_only_for_registry_officers(client, brand_editor, officer, submission):
    listing = reverse("wagtailforms:list_submissions", args=[submission.page_id])
    client.force_login(brand_editor)
    assert refused(client.get(listing))
    assert refused(client.get(listing + "?export=csv"))
    assert "联系我们" not in client.get(reverse("wagtailforms:index")).content.decode()
    delete = reverse("wagtailforms:delete_submissions", args=[submission.page_id])
    assert refused(client.post(f"{delete}?selected-submissions={submission.pk}"))
    assert FormSubmission.objects.filter(pk=submission.pk).exists()

    client.force_login(officer)
    assert "13800001111" in client.get(listing).content.decode()


def test_chooser_create_without_a_creation_form_answers_400(client, superuser):
    client.force_login(superuser)
    response = client.post(f"{CHOOSE_BATCH}create/", {})
    assert response.status_code == 400
    assert "不能" in response.content.decode()  # the admin's language: the default, Chinese


def test_page_edit_post_without_the_stream_count_answers_400(client, superuser):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    index = BrandIndexPage(title="品牌", slug="brands")
    home.add_child(instance=index)
    page = BrandPage(title="梁平柚", slug="liangping-pomelo")
    index.add_child(instance=page)
    client.force_login(superuser)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), {"title": "改", "slug": page.slug})
    assert response.status_code == 400
    assert "story-count" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "梁平柚"
