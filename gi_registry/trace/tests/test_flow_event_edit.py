"""Step 2 of the guided flow: a recorded event is corrected or deleted from the step itself and the
producer lands back on step 2; only an active batch's own events, by their own producer (or an
officer): another producer's event id, guessed under one's own batch or under theirs, is refused and
nothing changes; step 1 is titled 登记新批次, not Wagtail's 新增：批次."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.models import TraceEvent

from .test_batch_form import ADD
from .test_flow import event_data, flow, refused


@pytest.fixture
def mine(producer_user):
    auth = AuthorisationFactory(yearly_quota=100, geographical_indication=GeographicalIndicationFactory(name="梁平柚"))
    auth.producer.accounts.add(producer_user)
    auth.producer.save()  # a parental many-to-many: saved with the producer
    return auth


@pytest.fixture
def theirs(db):
    """Another producer's batch."""
    return BatchFactory(lot_number="THEIRS-01")


def edit_url(batch, event):
    return flow(batch, f"events/{event.pk}/")


def delete_url(batch, event):
    return flow(batch, f"events/{event.pk}/delete/")


@pytest.fixture
def my_batch(mine):
    batch = BatchFactory(authorisation=mine, lot_number="LP2026-MINE")
    day = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=5)
    TraceEventFactory(
        batch=batch, business_step="commissioning", event_time=day, read_point="川西村3组", note="人工采收"
    )
    TraceEventFactory(
        batch=batch,
        business_step="packing",
        event_time=day + datetime.timedelta(days=1),
        read_point="合作社包装车间",
        note="错写的包装",
    )
    return batch


def test_step_one_is_titled_register_a_new_batch(client, producer_user, mine):
    client.force_login(producer_user)
    page = client.get(ADD + "?flow=1").content.decode()
    assert "登记新批次" in page and "新增：批次" not in page
    # outside the flow the add form keeps Wagtail's own title
    assert "新增：批次" in client.get(ADD).content.decode()


def test_step_two_links_to_change_and_delete_each_event(client, producer_user, my_batch):
    client.force_login(producer_user)
    page = client.get(flow(my_batch, "events/")).content.decode()
    for event in my_batch.events.all():
        assert f'href="{edit_url(my_batch, event)}#add-event-title"' in page
        assert f'href="{delete_url(my_batch, event)}"' in page
    assert page.count(">修改<") == 2 and page.count(">删除<") == 2


def test_a_producer_corrects_an_event_and_returns_to_step_two(client, producer_user, my_batch):
    packing = my_batch.events.get(business_step="packing")
    client.force_login(producer_user)
    page = client.get(edit_url(my_batch, packing)).content.decode()
    assert "修改事件“包装" in page and 'value="合作社包装车间"' in page and "错写的包装" in page
    assert "保存修改" in page and "添加事件" not in page
    when = timezone.localtime(packing.event_time).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        edit_url(my_batch, packing), event_data("packing", when, read_point="礼让镇包装车间", note="分级装箱")
    )
    assert response.status_code == 302 and response["Location"] == flow(my_batch, "events/")
    packing.refresh_from_db()
    assert (packing.read_point, packing.note) == ("礼让镇包装车间", "分级装箱")
    assert my_batch.events.count() == 2  # changed, not added
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(packing.pk), user=producer_user).exists()
    page = client.get(flow(my_batch, "events/")).content.decode()
    assert "已修改批次 LP2026-MINE 的事件" in page and "礼让镇包装车间" in page


def test_a_bad_correction_gets_a_chinese_message_and_changes_nothing(client, producer_user, my_batch):
    packing = my_batch.events.get(business_step="packing")
    harvest = my_batch.events.get(business_step="commissioning")
    client.force_login(producer_user)
    response = client.post(edit_url(my_batch, packing), event_data("packing", "", note="新备注"))
    page = response.content.decode()
    assert response.status_code == 400 and "请填写事件的日期和时间" in page and "新备注" in page
    # made identical to the harvest: refused as a duplicate
    when = timezone.localtime(harvest.event_time).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        edit_url(my_batch, packing), event_data("commissioning", when, read_point="川西村3组", note="人工采收")
    )
    assert response.status_code == 400 and "该批次已记录过此事件" in response.content.decode()
    packing.refresh_from_db()
    assert (packing.business_step, packing.note) == ("packing", "错写的包装")


def test_a_producer_deletes_an_event_after_confirming(client, producer_user, my_batch):
    packing = my_batch.events.get(business_step="packing")
    client.force_login(producer_user)
    page = client.get(delete_url(my_batch, packing)).content.decode()
    assert "删除这条事件" in page and "错写的包装" in page and "确认删除" in page
    assert my_batch.events.count() == 2  # asking deletes nothing
    response = client.post(delete_url(my_batch, packing))
    assert response.status_code == 302 and response["Location"] == flow(my_batch, "events/")
    assert not TraceEvent.objects.filter(pk=packing.pk).exists() and my_batch.events.count() == 1
    assert ModelLogEntry.objects.filter(action="wagtail.delete", object_id=str(packing.pk)).exists()
    assert "已从批次 LP2026-MINE 删除事件" in client.get(flow(my_batch, "events/")).content.decode()


def test_guessed_event_ids_are_refused_and_change_nothing(client, producer_user, my_batch, theirs):
    their_event = TraceEventFactory(batch=theirs, note="他人的事件")
    client.force_login(producer_user)
    # their event under their batch: the batch is refused
    for url in (edit_url(theirs, their_event), delete_url(theirs, their_event)):
        response = client.get(url)
        assert refused(response) and "他人的事件" not in response.content.decode()
        assert refused(client.post(url, event_data(note="改了")))
    # their event under my own batch: not found
    for url in (edit_url(my_batch, their_event), delete_url(my_batch, their_event)):
        assert client.get(url).status_code == 404
        assert client.post(url, event_data(note="改了")).status_code == 404
    # an event of another of my batches is not this batch's either
    other_mine = BatchFactory(authorisation=my_batch.authorisation, lot_number="LP2026-MINE2")
    assert client.post(delete_url(other_mine, my_batch.events.first())).status_code == 404
    their_event.refresh_from_db()
    assert their_event.note == "他人的事件" and my_batch.events.count() == 2


def test_a_brand_editor_changes_no_event_and_an_officer_any(client, brand_editor, officer, theirs):
    event = TraceEventFactory(batch=theirs, note="原备注")
    client.force_login(brand_editor)
    assert refused(client.post(delete_url(theirs, event)))
    assert TraceEvent.objects.filter(pk=event.pk).exists()
    client.force_login(officer)
    when = timezone.localtime(event.event_time).strftime("%Y-%m-%dT%H:%M")
    response = client.post(edit_url(theirs, event), event_data("commissioning", when, note="官员更正"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.note == "官员更正"
    assert client.post(delete_url(theirs, event)).status_code == 302
    assert not TraceEvent.objects.filter(pk=event.pk).exists()


def test_a_withdrawn_batch_keeps_its_events(client, producer_user, my_batch):
    my_batch.withdraw()
    packing = my_batch.events.get(business_step="packing")
    client.force_login(producer_user)
    page = client.get(flow(my_batch, "events/")).content.decode()
    assert "data-edit-event" not in page and "data-delete-event" not in page
    assert client.post(delete_url(my_batch, packing)).status_code == 302
    when = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(edit_url(my_batch, packing), event_data("packing", when, note="撤回后改")).status_code == 302
    packing.refresh_from_db()
    assert packing.note == "错写的包装" and my_batch.events.count() == 2
    assert "其溯源事件保持原样" in client.get(flow(my_batch, "events/")).content.decode()
