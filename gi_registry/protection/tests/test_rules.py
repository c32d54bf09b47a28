"""The case rules: deadlines in working days (weekends, holidays, 调休 working weekends), case
numbers, and the consumer's follow token."""

import datetime

import pytest
from django.utils import timezone

from gi_registry.protection.models import Case, Holiday
from gi_registry.protection.workdays import Calendar

D = datetime.date


def test_working_days_skip_weekends_and_start_the_day_after_receipt():
    calendar = Calendar()
    friday = D(2026, 12, 4)
    assert calendar.add_working_days(friday, 1) == D(2026, 12, 7)  # Monday
    assert calendar.add_working_days(friday, 7) == D(2026, 12, 15)
    assert calendar.add_working_days(D(2026, 12, 7), 15) == D(2026, 12, 28)
    with pytest.raises(ValueError):
        calendar.add_working_days(friday, 0)


def test_holidays_are_skipped_and_working_weekends_count():
    # 国庆节 2026 as an example: 1–7 October off, Saturday 10 October a working day (调休)
    days_off = [D(2026, 10, d) for d in range(1, 8)]
    calendar = Calendar(days_off, [D(2026, 10, 10)])
    received = D(2026, 9, 30)  # Wednesday
    # 8 Oct (Thu), 9 (Fri), 10 (Sat, 调休), 12, 13, 14, 15
    assert calendar.add_working_days(received, 7) == D(2026, 10, 15)
    assert not calendar.is_working_day(D(2026, 10, 5))
    assert calendar.is_working_day(D(2026, 10, 10))
    assert calendar.working_days_between(received, D(2026, 10, 15)) == 7


@pytest.mark.django_db
def test_a_case_gets_its_deadlines_from_the_holiday_list():
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    received = timezone.make_aware(datetime.datetime(2026, 12, 30, 10, 0))  # Wednesday
    tip = Case.objects.create(received_at=received)
    # 31 Dec, (1 Jan off), 4, 5, 6, 7, 8, 11 Jan
    assert tip.accept_due == D(2027, 1, 11)
    assert tip.verify_due == D(2027, 1, 21)
    complaint = Case.objects.create(received_at=received, kind=Case.Kind.COMPLAINT)
    assert complaint.verify_due is None
    assert tip.is_overdue(D(2027, 1, 12))
    assert not tip.is_overdue(D(2027, 1, 11))
    assert set(Case.objects.overdue(D(2027, 1, 12))) == {tip, complaint}  # neither decided in time
    tip.status = Case.Status.ACCEPTED
    tip.save()
    assert not tip.is_overdue(D(2027, 1, 12))  # decided in time; verification due on the 21st
    assert tip.is_overdue(D(2027, 1, 22))


@pytest.mark.django_db
def test_case_numbers_count_within_the_year():
    first = Case.objects.create()
    second = Case.objects.create()
    year = timezone.localdate().year
    assert first.number == f"LPWQ-{year}-00001"
    assert second.number == f"LPWQ-{year}-00002"


@pytest.mark.django_db
def test_the_follow_token_opens_its_own_case_only():
    case = Case.objects.create()
    other = Case.objects.create()
    assert Case.from_follow_token(case.follow_token) == case
    assert Case.from_follow_token(other.follow_token) == other
    assert Case.from_follow_token(case.number) is None  # the number alone opens nothing
    assert Case.from_follow_token(case.follow_token[:-2] + "xx") is None
    case.follow_nonce = "changed"
    case.save()
    assert Case.from_follow_token(Case.objects.get(pk=other.pk).follow_token) == other
    assert Case.from_follow_token(Case(number=case.number, follow_nonce="guess").follow_token) is None
