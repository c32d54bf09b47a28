"""The registry in the Wagtail admin: create, edit, draft/publish, moderation, permissions, export."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page, WorkflowState

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, StandardFactory
from gi_registry.models import GeographicalIndication, Producer, Township

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_gi_registry_{model}:{view}", args=args)


def producer_form(**overrides) -> dict:
    data = {
        "name": "梁平区测试新农人家庭农场",
        "credit_code": "91350100M000100Y43",
        "kind": "family_farm",
        "township": str(Township.objects.get(name="礼让镇").pk),
        "address": "礼让镇川西村3组",
        "latitude": "",
        "longitude": "",
        "description": "",
        "website": "",
        "contact_person": "",
        "contact_phone": "",
        "status": "active",
        "genuine_box": "",
        # the public profile's photos (an inline formset): none
        "profile_photos-TOTAL_FORMS": "0",
        "profile_photos-INITIAL_FORMS": "0",
        "profile_photos-MIN_NUM_FORMS": "0",
        "profile_photos-MAX_NUM_FORMS": "6",
    }
    data.update(overrides)
    return data


def test_officer_creates_and_publishes_a_producer(client, officer):
    client.force_login(officer)
    response = client.post(url("producer", "add"), {**producer_form(), "action-publish": "publish"})
    assert response.status_code == 302, response.content[:2000]
    producer = Producer.objects.get(credit_code="91350100M000100Y43")
    assert producer.live
    assert producer.revisions.count() == 1
    actions = set(ModelLogEntry.objects.filter(object_id=str(producer.pk)).values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.publish"} <= actions
    assert client.get(producer.get_absolute_url()).status_code == 200


def test_bad_credit_code_is_refused_with_a_message_and_nothing_saved(client, officer):
    client.force_login(officer)
    response = client.post(url("producer", "add"), {**producer_form(credit_code="91350100M000100Y44")})
    assert response.status_code == 200
    assert "校验" in response.content.decode()  # the admin's language: the default, Chinese
    assert not Producer.objects.exists()


def test_draft_edit_does_not_change_the_public_record_until_published(client, officer):
    producer = ProducerFactory(name="旧名称合作社")
    producer.save_revision().publish()
    client.force_login(officer)
    data = producer_form(name="新名称合作社", credit_code=producer.credit_code)
    client.post(url("producer", "edit", producer.pk), data)  # "save draft" is the default action
    producer.refresh_from_db()
    assert producer.name == "旧名称合作社"
    assert producer.has_unpublished_changes
    assert "旧名称合作社" in client.get(producer.get_absolute_url()).content.decode()

    client.post(url("producer", "edit", producer.pk), {**data, "action-publish": "publish"})
    producer.refresh_from_db()
    assert producer.name == "新名称合作社"
    assert not producer.has_unpublished_changes


def test_unpublished_record_is_not_public(client):
    producer = ProducerFactory(live=False)
    assert client.get(producer.get_absolute_url()).status_code == 404
    directory = client.get(reverse("gi_registry:producer_directory")).content.decode()
    assert producer.name not in directory


def test_listing_filters_search_and_inspect(client, officer):
    pomelo = GeographicalIndicationFactory(name="梁平柚测试")
    GeographicalIndicationFactory(
        name="梁平山羊测试", kind=GeographicalIndication.Kind.CERTIFICATION_MARK, nice_class=31
    )
    client.force_login(officer)
    listing = client.get(url("geographicalindication", "list"), {"kind": "agricultural"}).content.decode()
    assert "梁平柚测试" in listing and "梁平山羊测试" not in listing
    found = client.get(url("geographicalindication", "list"), {"q": "山羊"}).content.decode()
    assert "梁平山羊测试" in found and "梁平柚测试" not in found
    inspect = client.get(url("geographicalindication", "inspect", pomelo.pk))
    assert inspect.status_code == 200 and pomelo.registration_number in inspect.content.decode()


def test_spreadsheet_export_of_listing(client, officer):
    StandardFactory(code="DB50/T 1234-2021", title="梁平柚贮藏保鲜技术规程")
    client.force_login(officer)
    response = client.get(url("standard", "list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "DB50/T 1234-2021" in body and "梁平柚贮藏保鲜技术规程" in body
    xlsx = client.get(url("standard", "list"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# -- producer accounts -------------------------------------------------------------------------


@pytest.fixture
def own_and_other(producer_user):
    own = ProducerFactory(name="自家柚子合作社")
    own.accounts.add(producer_user)
    own.save_revision().publish()
    other = ProducerFactory(name="别家鸭子食品公司")
    return own, other


def test_producer_account_sees_only_its_own_record(client, producer_user, own_and_other):
    own, other = own_and_other
    client.force_login(producer_user)
    listing = client.get(url("producer", "list")).content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(url("producer", "edit", own.pk)).status_code == 200
    assert client.get(url("producer", "edit", other.pk)).status_code in (302, 403)
    before = other.name
    client.post(url("producer", "edit", other.pk), producer_form(name="篡改", credit_code=other.credit_code))
    other.refresh_from_db()
    assert other.name == before


def test_producer_account_cannot_touch_other_registry_records(client, producer_user):
    client.force_login(producer_user)
    for model in ("geographicalindication", "authorisation", "standard"):
        assert client.get(url(model, "list")).status_code in (302, 403), model
    assert client.get(url("producer", "add")).status_code in (302, 403)


def test_producer_edit_goes_through_moderation(client, producer_user, officer, own_and_other):
    own, _ = own_and_other
    client.force_login(producer_user)
    form = client.get(url("producer", "edit", own.pk)).content.decode()
    assert "action-publish" not in form  # no publish button for a producer account
    assert 'name="accounts"' not in form  # nor the officer-only fields
    data = producer_form(name="自家柚子合作社（更名）", credit_code=own.credit_code, kind=own.kind)
    data.pop("status")
    response = client.post(url("producer", "edit", own.pk), {**data, "action-submit": "submit"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "自家柚子合作社"  # not public yet
    state = WorkflowState.objects.get(object_id=str(own.pk), status=WorkflowState.STATUS_IN_PROGRESS)

    # the registry officer approves the task; the change goes live
    client.force_login(officer)
    task_state = state.current_task_state
    response = client.post(
        reverse(
            "wagtailsnippets_gi_registry_producer:workflow_action",
            args=(own.pk, "approve", task_state.pk),
        ),
        {"comment": "核对无误"},
    )
    assert response.status_code in (200, 302)
    own.refresh_from_db()
    assert own.name == "自家柚子合作社（更名）"
    assert own.live and Producer.objects.filter(pk=own.pk, accounts=producer_user).exists()


# -- brand editors -----------------------------------------------------------------------------


def test_brand_editor_cannot_touch_registry_records(client, brand_editor):
    client.force_login(brand_editor)
    gi = GeographicalIndicationFactory()
    for model in ("geographicalindication", "producer", "authorisation", "standard"):
        assert client.get(url(model, "list")).status_code in (302, 403), model
    assert client.get(url("geographicalindication", "edit", gi.pk)).status_code in (302, 403)
    # …but works on pages under the home page
    home = Page.objects.get(depth=2)
    assert client.get(reverse("wagtailadmin_explore_root"), follow=True).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk]), follow=True).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(url("producer", "list"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
