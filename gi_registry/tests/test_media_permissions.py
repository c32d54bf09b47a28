"""Images and documents as each group: collections and their permissions (``media_collections.py``).

Registry officers use every collection, brand editors 品牌素材, a producer account its own
producer's collection only: the listings open, the chooser lists only what the group may choose
and uploads into the right collection, and a producer never sees, chooses, edits or deletes
another producer's photos or documents by guessing their ids.
"""

import html
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission

from gi_registry import media_collections
from gi_registry.factories import ProducerFactory, make_user
from gi_registry.models import ProducerCollection
from gi_registry.setup import PRODUCERS, ensure_groups_and_workflow

pytestmark = pytest.mark.django_db

OFFICER_IMAGE = "登记资料测试图像"
BRAND_IMAGE = "品牌素材测试图像"
OWN_IMAGE = "甲方包装照片"
OTHER_IMAGE = "乙方包装照片隔离标记"
OTHER_DOCUMENT = "乙方检验报告隔离标记"


def image(title: str, collection) -> Image:
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection)


def document(title: str, collection) -> Document:
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 test", name="report.pdf"), collection=collection
    )


@pytest.fixture
def media(producer_user):
    """Producer A (the producer account's) and producer B (another account's), each with a photo
    and a report in its own collection; an officer's image and a brand asset."""
    own = ProducerFactory(name="甲方柚子合作社")
    own.accounts.add(producer_user)
    own.save()
    other = ProducerFactory(name="乙方柚子合作社")
    other.accounts.add(make_user("producer-b", PRODUCERS))
    other.save()
    own_collection = own.media_collection.collection
    other_collection = other.media_collection.collection
    return {
        "own": own,
        "other": other,
        "own_collection": own_collection,
        "other_collection": other_collection,
        "officer_image": image(OFFICER_IMAGE, media_collections.registry_media_collection()),
        "brand_image": image(BRAND_IMAGE, media_collections.brand_assets_collection()),
        "own_image": image(OWN_IMAGE, own_collection),
        "other_image": image(OTHER_IMAGE, other_collection),
        "own_document": document("甲方检验报告", own_collection),
        "other_document": document(OTHER_DOCUMENT, other_collection),
    }


def chooser_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.content)["html"]


def upload_collections(page: str, kind: str = "image") -> list[str] | None:
    """The collections the chooser's upload form offers (option labels); None when it offers the
    upload with no choice (Wagtail leaves the field out when the user may add to one collection)."""
    assert f'name="{kind}-chooser-upload-file"' in page, "the chooser offers no upload"
    select = re.search(rf'<select name="{kind}-chooser-upload-collection"[^>]*>(.*?)</select>', page, re.S)
    if select is None:
        return None
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
    return [re.sub(r"^[\s\xa0↳]+", "", html.unescape(label)).strip() for label in labels]


def upload(client, title: str, collection=None):
    data = {
        "image-chooser-upload-title": title,
        "image-chooser-upload-file": SimpleUploadedFile("pomelo.png", get_test_image_file().file.getvalue()),
    }
    if collection is not None:
        data["image-chooser-upload-collection"] = collection.pk
    response = client.post("/admin/images/chooser/create/", data)
    assert response.status_code == 200
    return json.loads(response.content)


def test_each_group_opens_images_and_documents(client, officer, brand_editor, producer_user, media):
    for user, sees, hidden in (
        (officer, [OFFICER_IMAGE, BRAND_IMAGE, OWN_IMAGE, OTHER_IMAGE], []),
        (brand_editor, [BRAND_IMAGE], [OFFICER_IMAGE, OWN_IMAGE, OTHER_IMAGE]),
        (producer_user, [OWN_IMAGE], [OFFICER_IMAGE, BRAND_IMAGE, OTHER_IMAGE]),
    ):
        client.force_login(user)
        for url in ("/admin/images/", "/admin/documents/"):
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            assert "没有权限" not in response.content.decode()
        listing = client.get("/admin/images/").content.decode()
        for title in sees:
            assert title in listing, (user.username, title)
        for title in hidden:
            assert title not in listing, (user.username, title)
        documents = client.get("/admin/documents/").content.decode()
        assert (OTHER_DOCUMENT in documents) == (user == officer)


def test_the_chooser_lists_what_the_group_may_choose_and_uploads_into_its_collection(
    client, officer, brand_editor, producer_user, media
):
    cases = (
        (officer, {OFFICER_IMAGE, BRAND_IMAGE, OWN_IMAGE, OTHER_IMAGE}, None),
        (brand_editor, {BRAND_IMAGE}, None),
        (producer_user, {OWN_IMAGE}, None),
    )
    all_titles = {OFFICER_IMAGE, BRAND_IMAGE, OWN_IMAGE, OTHER_IMAGE}
    for user, choosable, collections in cases:
        client.force_login(user)
        html = chooser_html(client, "/admin/images/chooser/")
        assert {t for t in all_titles if t in html} == choosable, user.username
        offered = upload_collections(html)
        if user == officer:  # every collection
            assert {media_collections.BRAND_ASSETS, media["own"].name, media["other"].name} <= set(offered)
        else:  # one collection, so no choice: the upload tests below show which
            assert offered is collections is None, user.username
        document_html = chooser_html(client, "/admin/documents/chooser/")
        upload_collections(document_html, "document")
        assert (OTHER_DOCUMENT in document_html) == (user == officer)


@pytest.mark.parametrize(("who", "collection_key"), [("brand_editor", "brand"), ("producer_user", "own")])
def test_upload_through_the_chooser_lands_in_the_groups_collection(request, client, media, who, collection_key):
    user = request.getfixturevalue(who)
    collection = media_collections.brand_assets_collection() if collection_key == "brand" else media["own_collection"]
    client.force_login(user)
    answer = upload(client, "新上传的柚子照片")
    assert answer["step"] in ("chosen", "select_format"), answer
    uploaded = Image.objects.get(title="新上传的柚子照片")
    assert uploaded.collection == collection
    assert uploaded.uploaded_by_user == user
    # and it is then choosable by the same user
    assert "新上传的柚子照片" in chooser_html(client, "/admin/images/chooser/")


def test_officer_uploads_into_the_collection_chosen(client, officer, media):
    client.force_login(officer)
    assert upload(client, "官方标志", media_collections.registry_media_collection())["step"] == "chosen"
    assert Image.objects.get(title="官方标志").collection.name == media_collections.REGISTRY_MEDIA


def test_a_producer_cannot_upload_into_another_producers_collection(client, producer_user, media):
    client.force_login(producer_user)
    answer = upload(client, "放错地方的照片", media["other_collection"])  # the id is not a choice it has
    assert media["other"].name not in json.dumps(answer, ensure_ascii=False)
    assert not Image.objects.filter(title="放错地方的照片", collection=media["other_collection"]).exists()
    assert not Image.objects.filter(title="放错地方的照片").exclude(collection=media["own_collection"]).exists()


def test_a_producer_guessing_ids_gets_refused_and_never_the_title(client, producer_user, media):
    client.force_login(producer_user)
    image_id, document_id = media["other_image"].pk, media["other_document"].pk
    urls = [
        f"/admin/images/{image_id}/",
        f"/admin/images/{image_id}/delete/",
        f"/admin/images/{image_id}/generate_url/",
        f"/admin/images/{image_id}/preview/fill-100x100/",
        f"/admin/images/usage/{image_id}/",
        f"/admin/images/multiple/{image_id}/",
        f"/admin/images/chooser/chosen/{image_id}/",
        f"/admin/images/chooser/{image_id}/select_format/",
        f"/admin/images/chooser/chosen-multiple/?id={image_id}",
        f"/admin/documents/edit/{document_id}/",
        f"/admin/documents/delete/{document_id}/",
        f"/admin/documents/usage/{document_id}/",
        f"/admin/documents/chooser/chosen/{document_id}/",
        f"/admin/documents/chooser/chosen-multiple/?id={document_id}",
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert OTHER_IMAGE not in body and OTHER_DOCUMENT not in body, url
        if "chosen-multiple" in url:  # answers with an empty choice
            assert response.status_code == 200 and json.loads(body)["result"] == [], url
        else:
            assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
    for url in (f"/admin/images/{image_id}/delete/", f"/admin/documents/delete/{document_id}/"):
        client.post(url)
    assert Image.objects.filter(pk=image_id).exists()
    assert Document.objects.filter(pk=document_id).exists()
    # their own: open, and the edit form shows the title
    assert OWN_IMAGE in client.get(f"/admin/images/{media['own_image'].pk}/").content.decode()


def test_linking_and_unlinking_an_account_follows_the_producer(officer, media):
    other = media["other"]
    link = ProducerCollection.objects.get(producer=other)
    newcomer = make_user("newcomer", PRODUCERS)
    other.accounts.add(newcomer)
    other.save()  # a ParentalManyToMany is written on save (as publishing does)
    assert link.group.user_set.filter(pk=newcomer.pk).exists()
    assert media["other_image"] in Image.objects.filter(collection=link.collection)
    other.accounts.remove(newcomer)
    other.save()
    assert not link.group.user_set.filter(pk=newcomer.pk).exists()
    # reverse side (user.producers) too
    newcomer.producers.add(other)
    assert link.group.user_set.filter(pk=newcomer.pk).exists()
    newcomer.producers.clear()
    assert not link.group.user_set.filter(pk=newcomer.pk).exists()
    # a producer never linked has no collection; the first link makes one, under 生产主体照片
    lone = ProducerFactory(name="丙方家庭农场")
    assert not ProducerCollection.objects.filter(producer=lone).exists()
    newcomer.producers.add(lone)
    collection = ProducerCollection.objects.get(producer=lone).collection
    assert collection.name == "丙方家庭农场"
    assert collection.get_parent().name == media_collections.PRODUCER_MEDIA


def test_the_collection_follows_the_published_name_not_a_draft(officer, media):
    other = media["other"]
    other.name = "乙方柚子合作社（草稿名）"
    other.save_revision(user=officer)  # a draft in moderation: the collection keeps the live name
    assert ProducerCollection.objects.get(producer=other).collection.name == "乙方柚子合作社"
    other.name = "乙方柚子专业合作社"
    other.save_revision(user=officer).publish()
    assert ProducerCollection.objects.get(producer=other).collection.name == "乙方柚子专业合作社"


def test_deleting_a_producer_removes_its_group_and_keeps_the_photos(media):
    link = ProducerCollection.objects.get(producer=media["other"])
    group_id, collection_id = link.group_id, link.collection_id
    for authorisation in media["other"].authorisations.all():
        authorisation.delete()
    media["other"].delete()
    assert not Group.objects.filter(pk=group_id).exists()
    assert Image.objects.filter(title=OTHER_IMAGE, collection_id=collection_id).exists()


def test_setup_is_idempotent(media):
    ensure_groups_and_workflow()
    counts = (Collection.objects.count(), GroupCollectionPermission.objects.count(), Group.objects.count())
    ensure_groups_and_workflow()
    assert (Collection.objects.count(), GroupCollectionPermission.objects.count(), Group.objects.count()) == counts


def test_a_batch_takes_the_producers_own_photo_and_refuses_anothers(client, producer_user, media):
    """The batch form's photo and report: a producer's own are accepted, another producer's ids
    typed into the post are refused (the chooser would never offer them)."""
    from django.urls import reverse

    from gi_registry.factories import AuthorisationFactory
    from gi_registry.trace.models import Batch
    from gi_registry.trace.tests.test_batch_form import form_data

    authorisation = AuthorisationFactory(producer=media["own"], yearly_quota=100)
    client.force_login(producer_user)
    add = reverse("wagtailsnippets_gi_registry_batch:add")
    data = form_data(
        authorisation, photo=str(media["other_image"].pk), inspection_report=str(media["other_document"].pk)
    )
    response = client.post(add, data)
    assert response.status_code == 200
    assert not Batch.objects.filter(lot_number="LP2025-ROWS").exists()
    body = response.content.decode()
    assert OTHER_IMAGE not in body and OTHER_DOCUMENT not in body
    data.update(photo=str(media["own_image"].pk), inspection_report=str(media["own_document"].pk))
    assert client.post(add, data).status_code == 302
    batch = Batch.objects.get(lot_number="LP2025-ROWS")
    assert (batch.photo, batch.inspection_report) == (media["own_image"], media["own_document"])


def test_the_admin_api_lists_only_what_the_user_may_choose(client, officer, producer_user, media):
    client.force_login(producer_user)
    listing = client.get("/admin/api/main/images/").content.decode()
    assert OWN_IMAGE in listing and OTHER_IMAGE not in listing and BRAND_IMAGE not in listing
    assert client.get(f"/admin/api/main/images/{media['other_image'].pk}/").status_code == 404
    assert client.get(f"/admin/api/main/documents/{media['other_document'].pk}/").status_code == 404
    assert client.get(f"/admin/api/main/images/{media['own_image'].pk}/").status_code == 200
    client.force_login(officer)
    assert OTHER_IMAGE in client.get("/admin/api/main/images/?limit=20").content.decode()
