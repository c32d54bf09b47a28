"""Working days, as the market-supervision complaint rules count them.

市场监督管理投诉举报处理暂行办法 (SAMR, 2019; FACTS.md, medium confidence): a complaint is accepted
or refused within 7 working days of receipt, a report (举报) is checked within 15 working days. The
day of receipt does not count; the deadline is the n-th working day after it. Working days are
Monday to Friday, minus the public holidays staff keep in the admin (``Holiday``), plus the
weekend days those holidays make into working days (调休上班).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

ACCEPT_WORKING_DAYS = 7
VERIFY_WORKING_DAYS = 15


class Calendar:
    """Which days are working days: weekdays, except ``days_off``, plus ``working_weekend_days``."""

    def __init__(self, days_off: Iterable[datetime.date] = (), working_weekend_days: Iterable[datetime.date] = ()):
        self.days_off = frozenset(days_off)
        self.working_weekend_days = frozenset(working_weekend_days)

    @classmethod
    def from_database(cls) -> Calendar:
        from .models import Holiday

        days_off, working = [], []
        for day, is_working_day in Holiday.objects.values_list("date", "is_working_day"):
            (working if is_working_day else days_off).append(day)
        return cls(days_off, working)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``start`` (``start`` itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, left = start, count
        while left:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
        days, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            days += self.is_working_day(day)
        return days
