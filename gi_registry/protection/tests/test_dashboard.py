"""The protection dashboard's figures: reports and suspected copies per week, per family, per place."""

import datetime

import pytest
from django.utils import timezone

from gi_registry.factories import family
from gi_registry.protection import dashboard
from gi_registry.protection.models import Case, Report
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan
from gi_registry.trace.scans import ScanLog, ScanRecord, coarse_origin

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)  # a Thursday; its week starts on Monday 30 November


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def report(day, place, product_family=None, status=Case.Status.NEW):
    case = Case.objects.create(received_at=at(day), product_family=product_family, status=status)
    return Report.objects.create(case=case, where_bought=Report.WhereBought.SHOP, place=place, submitted_at=at(day))


def test_reports_and_copies_fall_into_their_weeks_families_and_places(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 18))
    duck, pomelo = family("duck"), family("pomelo")
    report(datetime.date(2026, 11, 30), "重庆市万州区", duck)  # Monday of this week
    report(datetime.date(2026, 12, 2), "重庆市万州区", duck)
    report(datetime.date(2026, 11, 29), "成都市", pomelo)  # Sunday: the week before
    report(datetime.date(2026, 8, 1), "成都市", pomelo)  # before the 12 weeks
    batch = BatchFactory(authorisation__geographical_indication__product_family=duck)
    issue_codes(batch, 1)
    code = batch.codes.get()
    scans = [(datetime.date(2026, 11, 24), 9, "重庆市"), (datetime.date(2026, 11, 24), 10, "上海市")]  # 1 h apart
    ScanLog().write(
        [
            ScanRecord(code.pk, at(d, h), coarse_origin(f"198.18.{h}.1"), Scan.Client.WECHAT, True, p)
            for d, h, p in scans
        ],
        settle=False,
    )
    figures = dashboard.figures(TODAY)
    assert figures.start == datetime.date(2026, 9, 14) and figures.end == datetime.date(2026, 12, 6)
    weeks = dict(figures.reports_per_week)
    assert weeks[datetime.date(2026, 11, 30)] == 2 and weeks[datetime.date(2026, 11, 23)] == 1
    assert figures.reports_total == 3
    copies = dict(figures.copies_per_week)
    assert copies[datetime.date(2026, 11, 23)] == 1 and sum(copies.values()) == 1
    families = {row["name"]: (row["reports"], row["copies"]) for row in figures.by_family}
    assert families == {"鸭子": (2, 1), "柚子": (1, 0)}
    places = {row["name"]: (row["reports"], row["copies"]) for row in figures.by_place}
    assert places == {"重庆市万州区": (2, 0), "成都市": (1, 0), "重庆市": (0, 1), "上海市": (0, 1)}
    assert figures.open_cases == 4  # overdue: the August report's case, undecided for months
    assert figures.overdue_cases == 1
