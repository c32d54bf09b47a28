"""Moderation says what happened, and listings mark what waits for it (``core/admin_workflow.py``).

As each group: an officer who submits his own edit is told he approves it himself, and approving
says "approved and published"; a producer's submission is marked "审核中" in the officer's listing,
"requesting changes" says so and marks it "待修改"; a brand editor's page shows "审核中" in the
page explorer until the officer approves it from the edit page.
"""

import re

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from brands.factories import brand_page
from gi_registry.factories import ProducerFactory
from gi_registry.models import Producer
from gi_registry.tests.test_admin import producer_form

pytestmark = pytest.mark.django_db


def url(view: str, *args) -> str:
    return reverse(f"wagtailsnippets_gi_registry_producer:{view}", args=args)


def shown(response) -> str:
    """The messages the next page shows, as the user reads them."""
    return " ".join(str(m) for m in response.context["messages"])


def edit_data(producer: Producer, **overrides) -> dict:
    return producer_form(
        **{"name": producer.name, "credit_code": producer.credit_code, "kind": producer.kind, **overrides}
    )


def marker_row(listing: str, name: str) -> str:
    """The listing's table row of ``name``."""
    start = listing.index(name)
    return listing[listing.rindex("<tr", 0, start) : listing.index("</tr>", start)]


def marker(listing: str, name: str) -> str | None:
    """The moderation marker beside ``name`` in a snippet listing (not Wagtail's status column)."""
    row = marker_row(listing, name)
    title_cell = row[row.index('<td class="title">') : row.index("</td>", row.index('<td class="title">'))]
    found = re.search(r"<span [^>]*data-moderation>([^<]*)</span>", title_cell)
    return found.group(1) if found else None


@pytest.fixture
def published_producer(producer_user):
    """A published producer that the producer account is linked to (linked before the revision that
    is published: the edit view reads the record as of its latest revision)."""
    producer = ProducerFactory(name="梁平区礼让镇金柚专业合作社")
    producer.accounts.add(producer_user)
    producer.save_revision().publish()
    return producer


def test_officer_submits_his_own_edit_approves_it_and_is_told_each_time(client, officer, published_producer):
    client.force_login(officer)
    data = edit_data(published_producer, name="梁平区礼让镇金柚专业合作社（更名）")
    response = client.post(url("edit", published_producer.pk), {**data, "action-submit": "submit"}, follow=True)
    said = shown(response)
    assert "已提交审核" in said and "登记管理员审核" in said
    assert "这一步由你审核" in said and "批准" in said  # he approves it himself, and how

    listing = client.get(url("list")).content.decode()
    assert marker(listing, "梁平区礼让镇金柚专业合作社") == "审核中"  # beside the live name, until approved

    response = client.post(
        url("edit", published_producer.pk),
        {**data, "action-workflow-action": "true", "workflow-action-name": "approve"},
        follow=True,
    )
    assert "已批准并发布" in shown(response) and "现已上线" in shown(response)
    published_producer.refresh_from_db()
    assert published_producer.name == "梁平区礼让镇金柚专业合作社（更名）" and published_producer.live
    listing = client.get(url("list")).content.decode()
    assert marker(listing, "梁平区礼让镇金柚专业合作社（更名）") is None


def test_producer_submission_is_marked_and_requesting_changes_says_so(
    client, producer_user, officer, published_producer
):
    client.force_login(producer_user)
    data = edit_data(published_producer, name="梁平区礼让镇金柚合作社")
    data.pop("status")
    response = client.post(url("edit", published_producer.pk), {**data, "action-submit": "submit"}, follow=True)
    said = shown(response)
    assert "已提交审核" in said and "审核批准后才会发布上线" in said
    assert "这一步由你审核" not in said  # a producer account approves nothing
    assert marker(client.get(url("list")).content.decode(), "梁平区礼让镇金柚专业合作社") == "审核中"

    client.force_login(officer)
    assert marker(client.get(url("list")).content.decode(), "梁平区礼让镇金柚专业合作社") == "审核中"
    # from the dashboard's "Awaiting your review": the modal's action view, which Wagtail leaves silent
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "梁平区礼让镇金柚合作社" in dashboard  # awaiting review, under the name submitted
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state
    response = client.post(
        url("workflow_action", published_producer.pk, "reject", task_state.pk),
        {"comment": "请补充营业执照"},
        follow=True,
    )
    assert "已退回修改" in shown(response) and "没有发布" in shown(response)
    published_producer.refresh_from_db()
    assert published_producer.name == "梁平区礼让镇金柚专业合作社"
    assert marker(client.get(url("list")).content.decode(), "梁平区礼让镇金柚专业合作社") == "待修改"


def test_approving_from_the_dashboard_says_approved_and_published(client, producer_user, officer, published_producer):
    client.force_login(producer_user)
    data = edit_data(published_producer, address="礼让镇川西村5组")
    data.pop("status")
    client.post(url("edit", published_producer.pk), {**data, "action-submit": "submit"})
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state

    client.force_login(officer)
    response = client.post(
        url("workflow_action", published_producer.pk, "approve", task_state.pk),
        {"comment": ""},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.json()["step"] == "success"
    said = shown(client.get(reverse("wagtailadmin_home")))  # the modal's redirect shows it
    assert "已批准并发布" in said and "梁平区礼让镇金柚专业合作社" in said
    published_producer.refresh_from_db()
    assert published_producer.address == "礼让镇川西村5组"


def test_page_in_moderation_is_marked_in_the_explorer_and_approving_it_says_published(client, brand_editor, officer):
    page = brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", slogan="三峡晒秋")
    client.force_login(brand_editor)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = client.get(edit)
    assert form.status_code == 200
    response = client.post(edit, {**brand_form(page), "slogan": "晒出丰收", "action-submit": "submit"}, follow=True)
    assert "已经提交进行审核" in shown(response)  # Wagtail's own message, in its own catalogue
    assert "这一步由你审核" not in shown(response)  # a brand editor approves nothing

    client.force_login(officer)
    explorer = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert "审核中" in marker_row(explorer, "三峡晒秋")  # Wagtail's own status tag: 发布+审核中
    response = client.post(
        edit,
        {**brand_form(page), "slogan": "晒出丰收", "action-workflow-action": "true", "workflow-action-name": "approve"},
        follow=True,
    )
    assert "已批准并发布" in shown(response) and "三峡晒秋" in shown(response)
    page.refresh_from_db()
    assert page.live and page.specific.slogan == "晒出丰收"
    explorer = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert "审核中" not in marker_row(explorer, "三峡晒秋")


def test_requesting_changes_on_a_page_says_so_and_the_explorer_marks_it(client, brand_editor, officer):
    page = brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", slogan="三峡晒秋")
    client.force_login(brand_editor)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.post(edit, {**brand_form(page), "slogan": "晒出丰收", "action-submit": "submit"})
    task_state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS).current_task_state

    client.force_login(officer)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]),
        {"comment": "口号请再短一些"},
        follow=True,
    )
    assert "已退回修改" in shown(response) and "三峡晒秋" in shown(response)
    explorer = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert re.search(r"data-moderation>待修改<", marker_row(explorer, "三峡晒秋"))
    page.refresh_from_db()
    assert page.specific.slogan == "三峡晒秋"


def test_officer_submitting_a_page_is_told_he_approves_it_himself(client, officer):
    page = brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", slogan="三峡晒秋")
    client.force_login(officer)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(edit, {**brand_form(page), "action-submit": "submit"}, follow=True)
    assert "这一步由你审核" in shown(response)


def brand_form(page: Page) -> dict:
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    specific = page.specific
    return nested_form_data(
        {
            "title": specific.title,
            "slug": specific.slug,
            "kind": specific.kind,
            "slogan": specific.slogan,
            "brand_owner": specific.brand_owner,
            "logo": "",
            "intro": "",
            "story": streamfield([("quote", {"text": "晒秋。", "attribution": ""})]),
        }
    )
