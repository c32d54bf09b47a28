"""Deadlines as staff see them: the holiday list moves open cases' deadlines, the dashboard panel
shows new, overdue and soon-due cases to enforcement staff only, and the e-mail digest reaches
enforcement staff with an address through Django's mail."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gi_registry.factories import TEST_PASSWORD, make_user
from gi_registry.protection.digest import queue_summary
from gi_registry.protection.models import Case, Holiday
from gi_registry.protection.setup import ENFORCEMENT_STAFF

from . import staff_fixtures
from .staff_fixtures import make_case

staff = staff_fixtures.staff
pytestmark = pytest.mark.django_db
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_a_holiday_entered_later_moves_the_deadlines_of_open_cases_only():
    received = at(D(2026, 9, 28))  # Monday
    open_case = make_case(received_at=received, photo=False)
    closed = make_case(received_at=received, photo=False, code_text="X", shop_key="Y")
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    assert open_case.accept_due == D(2026, 10, 7)
    for day in range(1, 8):
        Holiday.objects.create(date=D(2026, 10, day), name="国庆节")
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.accept_due == D(2026, 10, 14)  # 29, 30 Sep, then 8, 9, 12, 13, 14 Oct
    assert closed.accept_due == D(2026, 10, 7)
    Holiday.objects.all().delete()
    open_case.refresh_from_db()
    assert open_case.accept_due == D(2026, 10, 7)


def test_the_summary_sorts_new_overdue_and_due_soon():
    today = D(2026, 12, 7)  # Monday
    late = make_case(received_at=at(D(2026, 11, 16)), photo=False, code_text="LATE")
    soon = make_case(received_at=at(D(2026, 12, 2)), photo=False, code_text="SOON")
    fresh = make_case(received_at=at(D(2026, 12, 7)), photo=False, code_text="FRESH")
    summary = queue_summary(today)
    assert summary.overdue == [late]
    assert soon in summary.due_soon and late not in summary.due_soon and fresh not in summary.due_soon
    assert set(summary.new) == {late, soon, fresh}


def test_the_dashboard_panel_is_for_enforcement_staff(client, staff, officer, brand_editor, producer_user):
    late = make_case(received_at=timezone.now() - datetime.timedelta(days=30), photo=False)
    client.login(username="staff", password=TEST_PASSWORD)
    page = client.get("/admin/").content.decode()
    assert 'id="case-panel-heading"' in page
    assert 'data-count="overdue" class="lp-overdue-count">1<' in page
    assert late.number in page
    for user in (officer, brand_editor, producer_user):
        client.login(username=user.username, password=TEST_PASSWORD)
        page = client.get("/admin/").content.decode()
        assert 'id="case-panel-heading"' not in page, user
        assert late.number not in page, user


def test_the_digest_goes_to_enforcement_staff_with_an_address(settings, staff):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("staff2", ENFORCEMENT_STAFF)  # no address
    make_user("officer2", "登记管理员", email="officer@example.invalid")
    late = make_case(received_at=timezone.now() - datetime.timedelta(days=30), photo=False)
    out = io.StringIO()
    call_command("send_case_digest", stdout=out)
    assert [m.to for m in mail.outbox] == [["staff@example.invalid"]]
    message = mail.outbox[0]
    assert "1 件已逾期" in message.subject
    assert late.number in message.body
    assert f"/admin/protection/cases/inspect/{late.pk}/" in message.body
    assert "13800138000" not in message.body  # no reporter's phone in a mail
    assert "1 overdue" in out.getvalue() and "mailed to 1 address(es)" in out.getvalue()


def test_no_digest_when_there_is_nothing_to_report(settings, staff):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_case_digest", stdout=io.StringIO())
    assert mail.outbox == []
    call_command("send_case_digest", "--send-empty", stdout=io.StringIO())
    assert len(mail.outbox) == 1
