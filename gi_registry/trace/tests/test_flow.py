"""The guided flow of a new batch (登记新批次): batch → trace events (an inspection with its results)
→ codes within the quota → print preview and labels → certificate, with a stepper on every step,
"continue" on the workspace for a batch left half-way; a producer acts on its own batches only (every
new address tried with another producer's id), officers on all, brand editors on none; bad input gets
a Chinese message and writes nothing."""

import io
import re

import pytest
from PIL import Image

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.trace.admin.flow import next_step
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, ComplianceCertificate, TraceCode, TraceEvent

from .test_batch_form import ADD, form_data

STEP_PATHS = ("", "events/", "codes/", "labels/", "labels/preview.png", "certificate/")


def refused(response) -> bool:
    """Wagtail's answer to a refused admin page: back to the dashboard with a message; or 403/404."""
    return response.status_code in (403, 404) or (response.status_code == 302 and response["Location"] == "/admin/")


def flow(batch, step=""):
    return f"/admin/trace/flow/{batch.pk}/{step}"


@pytest.fixture
def mine(producer_user):
    auth = AuthorisationFactory(
        yearly_quota=100,
        number="LPGI-2026-00777",
        geographical_indication=GeographicalIndicationFactory(name="梁平柚"),
    )
    auth.producer.accounts.add(producer_user)
    auth.producer.save()  # a parental many-to-many: saved with the producer
    return auth


@pytest.fixture
def theirs(db):
    """Another producer's batch, with codes."""
    batch = BatchFactory(lot_number="THEIRS-01")
    issue_codes(batch, 2)
    return batch


def event_data(step="commissioning", when="2026-03-01T08:30", rows=(), **extra):
    data = {"business_step": step, "event_time": when, "read_point": "礼让镇川西村", "disposition": "", "note": ""}
    for i, row in enumerate(rows):
        for key in ("item", "value", "unit", "limit", "pass"):
            data[f"results-{i}-{key}"] = row.get(key, "")
    data.update(extra)
    return data


def test_the_flow_from_a_new_batch_to_its_certificate(client, producer_user, mine):
    client.force_login(producer_user)
    # step 1: the batch add form with the stepper; saving goes on to the events step
    page = client.get(ADD + "?flow=1").content.decode()
    assert "data-flow-stepper" in page and 'aria-current="step"' in page
    assert 'action="/admin/snippets/gi_registry/batch/add/?flow=1"' in page
    response = client.post(ADD + "?flow=1", form_data(mine, rows=[], lot_number="LP2026-FLOW"))
    batch = Batch.objects.get(lot_number="LP2026-FLOW")
    assert response.status_code == 302 and response["Location"] == flow(batch, "events/")

    # step 2: a harvest, then an inspection with its results
    page = client.get(flow(batch, "events/")).content.decode()
    assert "第 2 步，共 5 步" in page and "data-no-events" in page
    assert client.post(flow(batch, "events/"), event_data()).status_code == 302
    rows = [{"item": "可溶性固形物", "value": "11.5", "unit": "%", "limit": "≥ 10", "pass": "yes"}]
    response = client.post(flow(batch, "events/"), event_data("inspecting", "2026-03-02T10:00", rows=rows))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.inspection_results == [
        {"item": "可溶性固形物", "value": 11.5, "unit": "%", "limit": "≥ 10", "pass": True}
    ]
    assert list(batch.events.values_list("business_step", flat=True)) == ["commissioning", "inspecting"]
    page = client.get(flow(batch, "events/")).content.decode()
    assert page.count("data-done") == 2 and "可溶性固形物" in page

    # the workspace says where to go on: codes
    home = client.get("/admin/").content.decode()
    assert 'data-unfinished="LP2026-FLOW"' in home and f'href="{flow(batch, "codes/")}"' in home
    assert client.get(flow(batch))["Location"] == flow(batch, "codes/")

    # step 3: codes within the quota
    response = client.post(flow(batch, "codes/"), {"count": "30"})
    assert response.status_code == 302 and response["Location"] == flow(batch, "labels/")
    assert batch.codes.count() == 30

    # step 4: the print preview is the first sheet of the PDF as an A4-shaped image, and the download
    page = client.get(flow(batch, "labels/") + "?layout=3x8&ec=Q").content.decode()
    assert "30 个标签，共 2 张 A4" in page
    assert f'src="{flow(batch, "labels/preview.png")}?layout=3x8&amp;ec=Q"' in page
    assert f'href="/admin/trace/batch/{batch.pk}/codes.pdf?layout=3x8&amp;ec=Q"' in page
    preview = client.get(flow(batch, "labels/preview.png") + "?layout=3x8&ec=Q")
    assert preview["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(preview.content))
    assert image.width == 1240 and abs(image.height / image.width - 297 / 210) < 0.01
    assert image.getextrema()[0] < 50  # something black is printed on it

    # step 5: a fresh pomelo needs a certificate; the workspace's "continue" goes there
    page = client.get(flow(batch, "certificate/")).content.decode()
    assert 'data-requirement="needed"' in page and f'href="/admin/trace/batch/{batch.pk}/certificate/"' in page
    assert client.get(flow(batch))["Location"] == flow(batch, "certificate/")
    ComplianceCertificate.objects.create(
        batch=batch, product_name="梁平柚", quantity=800, unit="kg", producer_name="社", producer_contact="1",
        origin="梁平", issue_date="2026-03-03", basis=["self_test"], signatory="陈明",
    )  # fmt: skip
    page = client.get(flow(batch, "certificate/")).content.decode()
    assert "data-flow-finished" in page and "data-current-certificate" in page
    assert 'data-unfinished="LP2026-FLOW"' not in client.get("/admin/").content.decode()
    # every step can be returned to: the stepper links each, step 1 to the batch's edit form in the flow
    assert f'href="/admin/snippets/gi_registry/batch/edit/{batch.pk}/?flow=1"' in page
    for key in ("events", "codes", "labels"):
        assert f'href="{flow(batch, key + "/")}"' in page


def test_a_bad_batch_form_stays_in_the_flow_with_its_message_and_writes_nothing(client, producer_user, mine):
    client.force_login(producer_user)
    response = client.post(ADD + "?flow=1", form_data(mine, lot_number="LP2026-BAD1", production_date=""))
    page = response.content.decode()
    assert response.status_code == 200 and "data-flow-stepper" in page
    assert 'action="/admin/snippets/gi_registry/batch/add/?flow=1"' in page
    assert "此项为必填项" in page  # the production date
    assert 'value="LP2026-BAD1"' in page  # what was typed is kept
    assert not Batch.objects.filter(lot_number="LP2026-BAD1").exists()


def test_editing_the_batch_in_the_flow_goes_on_to_the_events(client, producer_user, mine):
    batch = BatchFactory(authorisation=mine, lot_number="LP2026-EDIT")
    client.force_login(producer_user)
    edit = f"/admin/snippets/gi_registry/batch/edit/{batch.pk}/?flow=1"
    assert "data-flow-stepper" in client.get(edit).content.decode()
    response = client.post(edit, form_data(mine, lot_number="LP2026-EDIT", grade="特级"))
    assert response.status_code == 302 and response["Location"] == flow(batch, "events/")
    # without ?flow=1 the edit form is the plain one
    assert "data-flow-stepper" not in client.get(edit.replace("?flow=1", "")).content.decode()


def test_copy_from_last_stays_in_the_flow(client, producer_user, mine):
    BatchFactory(authorisation=mine, lot_number="LP2026-LAST", grade="一级")
    client.force_login(producer_user)
    page = client.get(ADD + "?copy=last&flow=1").content.decode()
    assert "data-flow-stepper" in page and 'value="一级"' in page
    assert 'action="/admin/snippets/gi_registry/batch/add/?flow=1"' in page
    assert (
        'href="/admin/snippets/gi_registry/batch/add/?copy=last&amp;flow=1"'
        in client.get(ADD + "?flow=1").content.decode()
    )


def test_entry_points_on_the_workspace_and_the_batch_listing(client, producer_user, officer, mine):
    client.force_login(producer_user)
    home = client.get("/admin/").content.decode()
    assert re.search(r'href="/admin/snippets/gi_registry/batch/add/\?flow=1"[^>]*>.*?登记新批次', home, re.S)
    listing = client.get("/admin/snippets/gi_registry/batch/").content.decode()
    assert re.search(r'href="/admin/snippets/gi_registry/batch/add/\?flow=1"[^>]*>.*?登记新批次', listing, re.S)
    client.force_login(officer)
    assert "登记新批次" in client.get("/admin/snippets/gi_registry/batch/").content.decode()


def test_bad_input_gets_a_chinese_message_and_writes_nothing(client, producer_user, mine):
    batch = BatchFactory(authorisation=mine, lot_number="LP2026-BAD", inspection_results=[])
    client.force_login(producer_user)
    # an inspection without results
    response = client.post(flow(batch, "events/"), event_data("inspecting"))
    assert response.status_code == 400 and "检验事件需要填写检验结果" in response.content.decode()
    # results typed for a packing event
    rows = [{"item": "单果重", "value": "1500", "unit": "g", "pass": "yes"}]
    response = client.post(flow(batch, "events/"), event_data("packing", rows=rows))
    assert response.status_code == 400 and "检验结果随检验事件保存" in response.content.decode()
    assert 'value="单果重"' in response.content.decode()  # what was typed is shown again
    # no date, a malformed date, no step
    assert "请填写事件的日期和时间" in client.post(flow(batch, "events/"), event_data(when="")).content.decode()
    assert client.post(flow(batch, "events/"), event_data(when="昨天")).status_code == 400
    assert "请选择发生了什么" in client.post(flow(batch, "events/"), event_data(step="")).content.decode()
    # the same event twice
    assert client.post(flow(batch, "events/"), event_data()).status_code == 302
    response = client.post(flow(batch, "events/"), event_data())
    assert response.status_code == 400 and "该批次已记录过此事件" in response.content.decode()
    assert batch.events.count() == 1
    batch.refresh_from_db()
    assert batch.inspection_results == []
    # codes: not a number, zero, over the quota
    for count, message in (("abc", "请填写整数"), ("0", ""), ("", "请填写要发放的码数"), ("101", "剩余100个")):
        response = client.post(flow(batch, "codes/"), {"count": count})
        assert response.status_code == 400 and "未发码" in response.content.decode()
        assert message in response.content.decode()
    assert not TraceCode.objects.filter(batch=batch).exists()
    # a malformed label option
    assert client.get(flow(batch, "labels/") + "?layout=9x9").status_code == 404


def test_a_withdrawn_batch_issues_nothing_and_previews_nothing(client, producer_user, mine):
    batch = BatchFactory(authorisation=mine)
    issue_codes(batch, 3)
    batch.withdraw()
    client.force_login(producer_user)
    assert "data-cannot-issue" in client.get(flow(batch, "codes/")).content.decode()
    assert client.post(flow(batch, "codes/"), {"count": "1"}).status_code == 400
    assert batch.codes.count() == 3
    assert "data-labels-refused" in client.get(flow(batch, "labels/")).content.decode()
    assert client.get(flow(batch, "labels/preview.png")).status_code == 404
    assert client.get(flow(batch)).status_code == 302
    assert client.post(flow(batch, "events/"), event_data()).status_code == 400
    assert not batch.events.exists()


@pytest.mark.parametrize("path", STEP_PATHS)
def test_a_producer_guessing_another_producers_batch_id_is_refused(client, producer_user, mine, theirs, path):
    client.force_login(producer_user)
    response = client.get(flow(theirs, path))
    assert refused(response)
    assert "THEIRS-01" not in response.content.decode()
    assert refused(client.post(flow(theirs, "events/"), event_data()))
    assert refused(client.post(flow(theirs, "codes/"), {"count": "1"}))
    assert not theirs.events.exists() and theirs.codes.count() == 2
    edit = f"/admin/snippets/gi_registry/batch/edit/{theirs.pk}/?flow=1"
    assert refused(client.get(edit))
    assert client.get(f"/admin/trace/flow/{theirs.pk + 1000}/{path}").status_code == 404


@pytest.mark.parametrize("path", STEP_PATHS)
def test_a_brand_editor_reaches_no_step(client, brand_editor, theirs, path):
    client.force_login(brand_editor)
    response = client.get(flow(theirs, path))
    assert refused(response)
    assert "THEIRS-01" not in response.content.decode()
    assert refused(client.post(flow(theirs, "codes/"), {"count": "1"}))
    assert theirs.codes.count() == 2


@pytest.mark.parametrize("path", STEP_PATHS)
def test_an_officer_walks_any_producers_batch(client, officer, theirs, path):
    TraceEventFactory(batch=theirs)
    client.force_login(officer)
    response = client.get(flow(theirs, path))
    assert response.status_code in (200, 302)
    if path == "":
        assert response["Location"] == flow(theirs, "certificate/")


def test_an_officer_issues_codes_in_the_flow(client, officer, theirs):
    client.force_login(officer)
    assert client.post(flow(theirs, "codes/"), {"count": "5"}).status_code == 302
    assert theirs.codes.count() == 7
    assert TraceCode.objects.filter(batch=theirs, issued_by=officer).count() == 5


def test_next_step_rule():
    assert next_step(event_count=0, code_count=0, has_certificate=False, needs_certificate=True) == "events"
    assert next_step(event_count=2, code_count=0, has_certificate=False, needs_certificate=True) == "codes"
    assert next_step(event_count=2, code_count=9, has_certificate=False, needs_certificate=True) == "certificate"
    assert next_step(event_count=2, code_count=9, has_certificate=False, needs_certificate=False) is None
    assert next_step(event_count=2, code_count=9, has_certificate=True, needs_certificate=True) is None
    assert next_step(event_count=0, code_count=0, has_certificate=False, needs_certificate=True, active=False) is None


def test_the_workspace_lists_only_its_own_unfinished_batches(client, producer_user, mine, theirs):
    BatchFactory(authorisation=mine, lot_number="MINE-NEW")
    ProducerFactory()
    client.force_login(producer_user)
    home = client.get("/admin/").content.decode()
    assert 'data-unfinished="MINE-NEW"' in home and "THEIRS-01" not in home
    assert TraceEvent.objects.count() == 0
