"""The producer's public profile (公开介绍): description, "how to recognise the genuine box" and
photos of the genuine package and mark, on the producer record's 公开介绍 tab.

As each group: the producer account writes its own profile with photos from its own collection
and submits it; it is not public until a registry officer approves it (a draft or a rejected
submission never shows); another producer's photo id or record id is refused; a brand editor has
no access. Once approved, the producer page and the pages of the GIs it is authorised under show
"how to recognise the genuine box" with the photos through renditions, in a number of queries that
does not grow with producers or photos.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import WorkflowState

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory, make_user
from gi_registry.models import ProducerPhoto
from gi_registry.setup import PRODUCERS
from gi_registry.tests.test_admin import producer_form

pytestmark = pytest.mark.django_db

GENUINE = "正品箱体侧面印有专用标志和防伪二维码，封口贴完整。"
OTHER_PHOTO = "乙方正品包装照片隔离标记"


def url(view: str, *args) -> str:
    return reverse(f"wagtailsnippets_gi_registry_producer:{view}", args=args)


def image(title: str, collection) -> Image:
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection)


def profile_data(producer, photos=(), **overrides) -> dict:
    """The producer's edit form as its account posts it (no officer-only status field)."""
    data = producer_form(name=producer.name, credit_code=producer.credit_code, kind=producer.kind, **overrides)
    data.pop("status")
    data["profile_photos-TOTAL_FORMS"] = str(len(photos))
    for i, (photo, kind) in enumerate(photos):
        data.update(
            {
                f"profile_photos-{i}-image": str(photo.pk),
                f"profile_photos-{i}-kind": kind,
                f"profile_photos-{i}-caption": f"照片{i}",
                f"profile_photos-{i}-ORDER": str(i + 1),
                f"profile_photos-{i}-id": "",
                f"profile_photos-{i}-DELETE": "",
            }
        )
    return data


@pytest.fixture
def world(producer_user):
    """The producer account's published producer (authorised under 梁平柚) with a photo in its own
    collection, and another producer with its own account and photo."""
    gi = GeographicalIndicationFactory(name="梁平柚")
    own = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    own.accounts.add(producer_user)
    own.save_revision().publish()
    AuthorisationFactory(producer=own, geographical_indication=gi)
    other = ProducerFactory(name="梁平区乙方柚子合作社")
    other.accounts.add(make_user("producer-b", PRODUCERS))
    other.save_revision().publish()
    own.refresh_from_db()
    other.refresh_from_db()
    return {
        "gi": gi,
        "own": own,
        "other": other,
        "own_photo": image("甲方正品包装照片", own.media_collection.collection),
        "own_mark": image("甲方标志照片", own.media_collection.collection),
        "other_photo": image(OTHER_PHOTO, other.media_collection.collection),
    }


def public(client, obj) -> str:
    return client.get(obj.get_absolute_url()).content.decode()


def test_producer_submits_its_profile_and_it_is_public_only_once_an_officer_approves(
    client, producer_user, officer, world
):
    own, gi = world["own"], world["gi"]
    client.force_login(producer_user)
    form = client.get(url("edit", own.pk)).content.decode()
    assert "公开介绍" in form and 'name="genuine_box"' in form and "profile_photos-TOTAL_FORMS" in form
    photos = [(world["own_photo"], "package"), (world["own_mark"], "mark")]
    data = profile_data(own, photos, description="合作社种植梁平柚三十年。", genuine_box=GENUINE)
    response = client.post(url("edit", own.pk), {**data, "action-submit": "submit"})
    assert response.status_code == 302, response.content.decode()[:3000]

    # waiting for moderation: nothing of it is public yet, the workspace says where it stands
    client.logout()
    assert GENUINE not in public(client, own) and "如何识别正品包装" not in public(client, own)
    assert GENUINE not in public(client, gi)
    assert not ProducerPhoto.objects.exists()  # the photos wait in the revision
    client.force_login(producer_user)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-profile-state="moderation"' in home and url("edit", own.pk) in home and "我的公开介绍" in home

    # the officer approves: the profile is live on the producer page and the GI page
    client.force_login(officer)
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state
    response = client.post(url("workflow_action", own.pk, "approve", task_state.pk), {"comment": ""})
    assert response.status_code in (200, 302)
    client.logout()
    page = public(client, own)
    assert "如何识别正品包装" in page and GENUINE in page and "合作社种植梁平柚三十年。" in page
    assert page.count('class="story-img"') == 2 and ".webp" in page  # renditions, not the originals
    assert "正品包装 · 照片0" in page and "包装上的标志 · 照片1" in page
    gi_page = public(client, gi)
    assert "如何识别正品包装" in gi_page and GENUINE in gi_page and gi_page.count('class="story-img"') == 2
    client.force_login(producer_user)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-profile-state="live"' in home


def test_a_draft_or_a_rejected_profile_is_never_public(client, producer_user, officer, world):
    own = world["own"]
    client.force_login(producer_user)
    data = profile_data(own, [(world["own_photo"], "package")], genuine_box=GENUINE)
    client.post(url("edit", own.pk), data)  # save draft
    client.logout()
    assert GENUINE not in public(client, own) and 'class="story-img"' not in public(client, own)
    client.force_login(producer_user)
    assert 'data-profile-state="draft"' in client.get(reverse("wagtailadmin_home")).content.decode()

    client.post(url("edit", own.pk), {**data, "action-submit": "submit"})
    client.force_login(officer)
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state
    client.post(url("workflow_action", own.pk, "reject", task_state.pk), {"comment": "照片不清楚"})
    client.logout()
    assert GENUINE not in public(client, own) and GENUINE not in public(client, world["gi"])
    client.force_login(producer_user)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-profile-state="changes"' in home and "待修改" in home


def test_another_producers_photo_is_refused_with_a_message_and_nothing_is_saved(client, producer_user, world):
    own = world["own"]
    revisions = own.revisions.count()
    client.force_login(producer_user)
    data = profile_data(own, [(world["other_photo"], "package")], genuine_box=GENUINE)
    response = client.post(url("edit", own.pk), {**data, "action-submit": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "生产主体照片" in html and "自己的" in html  # the Chinese message says where photos come from
    assert OTHER_PHOTO not in html  # the refused image's title is not shown
    assert own.revisions.count() == revisions and not WorkflowState.objects.exists()
    # the text typed is kept in the form
    assert GENUINE in html


def test_officer_is_held_to_the_producers_collection_too(client, officer, world):
    own = world["own"]
    client.force_login(officer)
    data = producer_form(name=own.name, credit_code=own.credit_code, kind=own.kind, genuine_box=GENUINE)
    data.update(profile_data(own, [(world["other_photo"], "package")]))
    data["genuine_box"] = GENUINE
    response = client.post(url("edit", own.pk), {**data, "action-publish": "publish"})
    assert response.status_code == 200 and not ProducerPhoto.objects.exists()
    data.update(profile_data(own, [(world["own_photo"], "package")], genuine_box=GENUINE))
    data["status"] = "active"
    response = client.post(url("edit", own.pk), {**data, "action-publish": "publish"})
    assert response.status_code == 302
    assert list(ProducerPhoto.objects.values_list("image_id", flat=True)) == [world["own_photo"].pk]
    assert GENUINE in public(client, own)


@pytest.mark.parametrize("who", ["producer_user", "brand_editor"])
def test_no_one_but_the_producer_and_officers_touches_a_profile(request, client, who, world):
    """Another producer's profile, by id, on every view of the record: refused, never its name."""
    client.force_login(request.getfixturevalue(who))
    other = world["other"]
    views = [(view, (other.pk,)) for view in ("edit", "history", "usage", "inspect", "workflow_history")]
    views.append(("revisions_revert", (other.pk, other.latest_revision_id)))
    for view, args in views:
        response = client.get(url(view, *args))
        assert response.status_code in (302, 403, 404), view
        assert other.name not in response.content.decode(), view
    data = profile_data(other, [(world["other_photo"], "package")], genuine_box=GENUINE)
    response = client.post(url("edit", other.pk), {**data, "action-submit": "submit"})
    assert response.status_code in (302, 403, 404)
    assert not WorkflowState.objects.exists() and other.revisions.count() == 1
    assert GENUINE not in public(client, other)


def test_producer_and_gi_pages_do_not_grow_queries_with_profiles(client):
    gi = GeographicalIndicationFactory()

    def profiled_producer():
        producer = ProducerFactory(genuine_box=GENUINE)
        producer.accounts.add(make_user(f"p-{producer.credit_code}", PRODUCERS))
        producer.save()
        collection = producer.media_collection.collection
        for kind in ("package", "mark"):
            ProducerPhoto.objects.create(producer=producer, image=image(f"照片{kind}", collection), kind=kind)
        AuthorisationFactory(producer=producer, geographical_indication=gi)
        return producer

    first = profiled_producer()
    for _ in range(2):  # the first views make the renditions
        client.get(gi.get_absolute_url())
        client.get(first.get_absolute_url())
    with CaptureQueriesContext(connection) as few_gi:
        client.get(gi.get_absolute_url())
    with CaptureQueriesContext(connection) as one_producer:
        client.get(first.get_absolute_url())
    for _ in range(4):
        profiled_producer()
    client.get(gi.get_absolute_url())  # renditions of the new photos
    with CaptureQueriesContext(connection) as many_gi:
        html = client.get(gi.get_absolute_url()).content.decode()
    assert html.count('class="story-img"') == 10
    assert len(many_gi) == len(few_gi), [q["sql"] for q in many_gi.captured_queries]
    with CaptureQueriesContext(connection) as again:
        client.get(first.get_absolute_url())
    assert len(again) == len(one_producer)


def test_a_producer_cannot_approve_its_own_profile(client, producer_user, world):
    own = world["own"]
    client.force_login(producer_user)
    data = profile_data(own, [(world["own_photo"], "package")], genuine_box=GENUINE)
    client.post(url("edit", own.pk), {**data, "action-submit": "submit"})
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state
    response = client.post(url("workflow_action", own.pk, "approve", task_state.pk), {"comment": ""})
    assert response.status_code in (302, 403)
    edit = client.post(
        url("edit", own.pk), {**data, "action-workflow-action": "true", "workflow-action-name": "approve"}
    )
    assert edit.status_code in (200, 302, 403)
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS
    client.logout()
    assert GENUINE not in public(client, own) and not ProducerPhoto.objects.exists()


def test_the_photo_chooser_offers_the_producer_its_own_photos_only(client, producer_user, world):
    """The profile tab's image chooser (Wagtail's, guarded per collection by ``media_collections``)."""
    client.force_login(producer_user)
    form = client.get(url("edit", world["own"].pk)).content.decode()
    chooser = reverse("wagtailimages_chooser:choose")
    assert chooser in form  # the photos are chosen with the image chooser
    listed = client.get(chooser).json()["html"]
    assert "甲方正品包装照片" in listed and "甲方标志照片" in listed
    assert OTHER_PHOTO not in listed
    other_collection = world["other"].media_collection.collection
    listed = client.get(chooser, {"collection_id": other_collection.pk}).json()["html"]
    assert OTHER_PHOTO not in listed
