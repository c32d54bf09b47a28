"""The case queue as enforcement staff use it: filters and overdue cases first, status changes with
their rules and dates, notes, attachments (checked), photos from the private storage, merging of
duplicates, the export for a 12315 transfer, and the audit log of every change."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from gi_registry.factories import TEST_PASSWORD, family, make_user
from gi_registry.protection.merging import merge_candidates, resolve_follow_case
from gi_registry.protection.models import Case, CaseAttachment, Report

from . import staff_fixtures
from .staff_fixtures import PHONE, jpeg_bytes, make_case

case, own_producer, staff = staff_fixtures.case, staff_fixtures.own_producer, staff_fixtures.staff

pytestmark = pytest.mark.django_db
INDEX = "protection_cases:index"


@pytest.fixture
def handler(client, staff):
    assert client.login(username=staff.username, password=TEST_PASSWORD)
    return client


def listed(client, query=""):
    response = client.get(reverse(INDEX) + query)
    assert response.status_code == 200
    return response.content.decode()


def actions(case):
    return list(ModelLogEntry.objects.for_instance(case).values_list("action", flat=True))


def old_case(**fields):
    """A case received three weeks ago and still new: past its acceptance deadline."""
    return make_case(received_at=timezone.now() - datetime.timedelta(days=21), photo=False, **fields)


def test_overdue_cases_come_first_marked_and_filterable(handler):
    recent = make_case(code_text="RECENTCODE0000000001", photo=False)
    late = old_case(code_text="LATECODE000000000001")
    page = listed(handler)
    assert page.index(late.number) < page.index(recent.number)
    assert page.count("lp-overdue") == 1
    only_overdue = listed(handler, "?overdue=true")
    assert late.number in only_overdue and recent.number not in only_overdue
    assert recent.number in listed(handler, "?overdue=false")


def test_filters_by_status_family_place_and_assignee(handler, staff):
    duck = make_case(product_family=family("duck"), place="重庆市渝北区", photo=False, code_text="DUCK")
    pomelo = make_case(place="梁平区礼让镇", photo=False, code_text="POMELO")
    pomelo.status = Case.Status.ACCEPTED
    pomelo.assignee = staff
    pomelo.save()
    assert_only = [
        (f"?product_family={duck.product_family.pk}", duck, pomelo),
        ("?place=梁平区礼让镇", pomelo, duck),
        ("?status=accepted", pomelo, duck),
        (f"?assignee={staff.pk}", pomelo, duck),
    ]
    for query, shown, hidden in assert_only:
        page = listed(handler, query)
        assert shown.number in page and hidden.number not in page, query


def test_accepting_then_investigating_then_closing_sets_dates_outcome_and_logs(handler, case):
    url = reverse("protection_cases:transition", args=[case.pk])
    assert handler.post(url, {"status": "accepted"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and case.decided_at and not case.closed_at
    assert handler.post(url, {"status": "investigating"}).status_code == 302
    response = handler.post(
        url, {"status": "closed", "outcome": "confirmed_fake", "public_outcome": "经查实为假冒产品，已立案查处。"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.outcome == Case.Outcome.CONFIRMED_FAKE
    assert case.public_outcome == "经查实为假冒产品，已立案查处。"
    assert case.closed_at is not None
    assert {"protection.case.accept", "protection.case.investigate", "protection.case.close"} <= set(actions(case))
    history = handler.get(reverse("protection_cases:history", args=[case.pk])).content.decode()
    assert "案件已结案" in history or "Case closed" in history
    # a closed case offers no further status
    assert (
        'data-form="transition"'
        not in handler.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    )


def test_refusing_needs_a_reason_and_closing_needs_an_outcome(handler, case):
    url = reverse("protection_cases:transition", args=[case.pk])
    response = handler.post(url, {"status": "rejected", "rejection_reason": "  "})
    assert response.status_code == 400
    assert "请说明不予受理的理由" in response.content.decode()
    handler.post(url, {"status": "accepted"})
    response = handler.post(url, {"status": "closed", "public_outcome": "已处理"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择案件的处理结果" in page
    assert "已处理" in page  # what was typed is kept
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and not case.closed_at


def test_a_new_case_cannot_jump_to_closed(handler, case):
    response = handler.post(
        reverse("protection_cases:transition", args=[case.pk]), {"status": "closed", "outcome": "unfounded"}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_refusing_records_the_reason_and_the_decision(handler, case):
    handler.post(
        reverse("protection_cases:transition", args=[case.pk]),
        {"status": "rejected", "rejection_reason": "不属于本局管辖"},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED
    assert case.rejection_reason == "不属于本局管辖"
    assert case.decided_at and case.closed_at
    assert "protection.case.reject" in actions(case)


def test_notes_and_attachments_are_kept_logged_and_checked(handler, case):
    handler.post(reverse("protection_cases:note", args=[case.pk]), {"text": "已电话联系举报人"})
    assert case.notes.get().text == "已电话联系举报人"
    url = reverse("protection_cases:attach", args=[case.pk])
    pdf = SimpleUploadedFile("检验报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    assert handler.post(url, {"title": "检验报告", "file": pdf}).status_code == 302
    attachment = case.attachments.get()
    download = handler.get(reverse("protection_cases:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    assert "attachment" in download["Content-Disposition"]
    assert {"protection.case.note", "protection.case.attach"} <= set(actions(case))

    bad = [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream"), "只能附加"),
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf", content_type="application/pdf"), "文件内容与其类型不符"),
    ]
    for upload, message in bad:
        response = handler.post(url, {"title": "坏文件", "file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert CaseAttachment.objects.count() == 1


def test_an_attachment_over_the_size_limit_is_refused(handler, case, monkeypatch):
    from gi_registry.protection.admin import cases as case_admin

    monkeypatch.setattr(case_admin, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), content_type="image/png")
    response = handler.post(reverse("protection_cases:attach", args=[case.pk]), {"title": "大图", "file": big})
    assert response.status_code == 400
    assert "文件大于 1 MB" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_photos_are_served_from_the_private_storage(handler, case):
    photo = case.reports.get().photos.get()
    page = handler.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    url = reverse("protection_cases:photo", args=[photo.pk])
    assert url in page
    response = handler.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert b"".join(response.streaming_content) == jpeg_bytes()


def test_the_case_page_shows_the_reports_and_the_evidence_readably(handler, case):
    page = handler.get(reverse("protection_cases:inspect", args=[case.pk])).content.decode()
    assert "双桂街道水果店" in page
    assert "盒子上的标志印得很模糊" in page
    assert "追溯码验证不通过" in page  # the problem's label, not "code_fails"
    evidence = page.split('class="lp-evidence-box"')[1]
    assert "扫码记录" in evidence and "同一店铺" in evidence and "LPWQ-2026-00099" in evidence  # labelled keys
    assert '<th scope="col">日期</th><th scope="col">扫码次数</th>' in evidence  # the timeline as a table
    assert "2026-11-30 09:00" in evidence  # a timestamp in Beijing time
    assert "taken_at" not in evidence and "伪造或未登记" in evidence
    assert PHONE in page


def test_merging_duplicates_moves_reports_and_keeps_the_follow_link(handler, case):
    duplicate = make_case(code_text=case.code_text, shop_key="别的店", photo=False)
    unrelated = make_case(code_text="OTHERCODE", shop_key="另一家店", photo=False)
    assert list(merge_candidates(duplicate)) == [case]
    page = handler.get(reverse("protection_cases:inspect", args=[duplicate.pk])).content.decode()
    assert case.number in page and unrelated.number not in page.split("data-candidates")[1].split("</ul>")[0]
    response = handler.post(
        reverse("protection_cases:merge", args=[duplicate.pk]), {"target": case.number.lower()}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("protection_cases:inspect", args=[case.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == case
    assert Report.objects.filter(case=case).count() == 2
    assert duplicate.number not in listed(handler)
    assert resolve_follow_case(Case.from_follow_token(duplicate.follow_token)) == case
    assert "protection.case.merge" in actions(duplicate) and "protection.case.merge_in" in actions(case)
    merged_page = handler.get(reverse("protection_cases:inspect", args=[duplicate.pk])).content.decode()
    assert "data-merged" in merged_page and 'data-form="merge"' not in merged_page


def test_merging_refuses_itself_unknown_numbers_and_closed_targets(handler, case):
    url = reverse("protection_cases:merge", args=[case.pk])
    for target, message in ((case.number, "不能合并到自身"), ("LPWQ-1999-99999", "没有这个编号的案件")):
        response = handler.post(url, {"target": target})
        assert response.status_code == 400
        assert message in response.content.decode()
    closed = make_case(status=Case.Status.CLOSED, outcome=Case.Outcome.UNFOUNDED, photo=False)
    response = handler.post(url, {"target": closed.number})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.merged_into is None


def test_changing_the_assignee_is_logged_and_offers_only_enforcement_staff(handler, staff, case):
    make_user("outsider")
    url = reverse("protection_cases:edit", args=[case.pk])
    form = handler.get(url).content.decode()
    assert ">staff<" in form and "outsider" not in form
    response = handler.post(
        url, {"kind": "tip", "assignee": staff.pk, "product_family": case.product_family.pk, "place": "梁平区"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == staff
    assert "protection.case.assign" in actions(case)


def test_the_export_has_the_fields_of_a_12315_transfer(handler, case):
    case.reports.update(price_paid="58.00", bought_on="2026-11-28", platform="拼多多")
    csv_text = b"".join(handler.get(reverse(INDEX) + "?export=csv").streaming_content).decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    for heading in (
        "案件编号",
        "收到时间",
        "类型",
        "商品",
        "店铺或市场",
        "问题",
        "描述",
        "状态",
        "处理结果",
        "受理决定期限",
        "购买日期",
        "购买价格（元）",
        "生产主体",
        "平台",
    ):
        assert heading in header, heading
    for value in (
        case.number,
        "双桂街道水果店",
        "梁平区",
        "追溯码验证不通过",
        "盒子上的标志印得很模糊",
        PHONE,
        "58.00",
        "2026-11-28",
        "拼多多",
        case.producer.name,
    ):
        assert value in row, value
    xlsx = handler.get(reverse(INDEX) + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == case.number


def test_the_phone_is_exported_only_with_consent(handler):
    make_case(consent=False, photo=False)
    csv_text = b"".join(handler.get(reverse(INDEX) + "?export=csv").streaming_content).decode("utf-8-sig")
    assert PHONE not in csv_text


def test_a_chain_of_merges_ends_at_the_last_case_for_the_follow_link():
    first = make_case(code_text="SAME", photo=False)
    second = make_case(code_text="SAME", photo=False)
    third = make_case(code_text="SAME", photo=False)
    from gi_registry.protection.merging import merge_case

    merge_case(first, second)
    merge_case(second, third)
    first.refresh_from_db()
    assert first.merged_into == third  # re-pointed, so no chain grows
    assert resolve_follow_case(first) == third == resolve_follow_case(second)
    assert Report.objects.filter(case=third).count() == 3
    assert list(Case.objects.in_queue()) == [third]
