"""Figures the registry counts itself, per year, next to (never instead of) staff figures."""

import datetime
from decimal import Decimal

import pytest

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.models import Authorisation, GeographicalIndication
from indicators import services
from indicators.computed import ComputedSource, compute
from indicators.factories import IndicatorValueFactory, PlanIndicatorFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
CERT, COLL, AGRI = (
    GeographicalIndication.Kind.CERTIFICATION_MARK,
    GeographicalIndication.Kind.COLLECTIVE_MARK,
    GeographicalIndication.Kind.AGRICULTURAL,
)


def mark(kind=CERT, registered=None, **fields):
    return GeographicalIndicationFactory(kind=kind, registration_date=registered, **fields)


def by_year(source, years, baseline_year=2020, today=TODAY):
    return {y: compute(source, y, baseline_year=baseline_year, today=today).value for y in years}


@pytest.fixture
def marks():
    mark(CERT, datetime.date(2013, 9, 14))  # before the plan: in the total, not "new"
    mark(COLL, datetime.date(2020, 12, 31))  # the last day of the baseline year: not new
    mark(CERT, datetime.date(2021, 1, 1))
    mark(COLL, datetime.date(2023, 6, 30))
    mark(CERT, datetime.date(2023, 12, 31))
    mark(CERT, datetime.date(2022, 5, 1), valid_until=datetime.date(2024, 6, 1))  # lapsed in 2024
    mark(AGRI, datetime.date(2022, 3, 1))  # not a trademark
    mark(CERT, datetime.date(2022, 3, 1), live=False)  # a draft is not public
    mark(COLL, None, status=GeographicalIndication.Status.APPLIED)  # applied, not registered


def test_new_gi_trademarks_are_counted_cumulatively_from_after_the_baseline_year(marks):
    assert by_year(ComputedSource.GI_TRADEMARKS_NEW, range(2021, 2026)) == {
        2021: 1,
        2022: 2,
        2023: 4,
        2024: 4,  # a lapse does not undo a new registration
        2025: 4,
    }


def test_gi_trademarks_in_force_at_the_end_of_each_year(marks):
    assert by_year(ComputedSource.GI_TRADEMARKS_TOTAL, [2020, 2021, 2022, 2023, 2024]) == {
        2020: 2,
        2021: 3,
        2022: 4,
        2023: 6,
        2024: 5,  # the mark that lapsed on 2024-06-01 no longer counts
    }


def test_the_current_year_counts_up_to_today(marks):
    mark(CERT, datetime.date(2026, 3, 1))
    mark(CERT, datetime.date(2026, 12, 1))  # after "today"
    assert by_year(ComputedSource.GI_TRADEMARKS_NEW, [2026])[2026] == 5


def authorisation(start, end, status=Authorisation.Status.ACTIVE, **fields):
    return AuthorisationFactory(valid_from=start, valid_until=end, status=status, **fields)


def test_authorised_producers_at_the_end_of_each_year():
    d = datetime.date
    gi = GeographicalIndicationFactory()
    twice = ProducerFactory()
    authorisation(d(2021, 3, 1), d(2024, 2, 28), Authorisation.Status.EXPIRED, geographical_indication=gi)
    authorisation(d(2022, 1, 1), d(2027, 12, 31), producer=twice, geographical_indication=gi)
    authorisation(d(2023, 1, 1), d(2027, 12, 31), producer=twice)  # one producer, counted once
    authorisation(d(2021, 1, 1), d(2027, 12, 31), Authorisation.Status.SUSPENDED)  # suspended: out
    authorisation(d(2021, 1, 1), d(2027, 12, 31), live=False)  # draft: out
    authorisation(d(2024, 1, 1), d(2026, 6, 30), Authorisation.Status.EXPIRED)  # ended before today
    assert by_year(ComputedSource.AUTHORISED_PRODUCERS, range(2020, 2027)) == {
        2020: 0,
        2021: 1,
        2022: 2,
        2023: 2,
        2024: 2,  # the first one ended in February, the 2024 one began
        2025: 2,
        2026: 1,  # today: the registry's own rule (valid_authorisations)
    }


def test_a_figure_built_from_demo_records_says_so():
    mark(CERT, datetime.date(2022, 1, 1))
    assert not compute(ComputedSource.GI_TRADEMARKS_NEW, 2022, baseline_year=2020, today=TODAY).is_demo
    mark(CERT, datetime.date(2022, 2, 1), is_demo=True)
    assert compute(ComputedSource.GI_TRADEMARKS_NEW, 2022, baseline_year=2020, today=TODAY).is_demo


def test_computed_figures_cover_the_plan_years_and_sit_next_to_staff_figures():
    mark(CERT, datetime.date(2022, 1, 1))
    indicator = PlanIndicatorFactory(target_value=Decimal(5), computed_source=ComputedSource.GI_TRADEMARKS_NEW)
    IndicatorValueFactory(indicator=indicator, year=2025, value=Decimal(3), source_note="商标局公告")
    figures = services.figures_for(indicator, today=TODAY)
    assert [(f.year, f.value, f.computed) for f in figures] == [
        (2021, 0, True),
        (2022, 1, True),
        (2023, 1, True),
        (2024, 1, True),
        (2025, 3, False),  # staff figure first in its year …
        (2025, 1, True),  # … and the computed one is still shown
    ]
    summary = services.IndicatorSummary(indicator, figures)
    assert summary.latest.note == "商标局公告"  # the staff figure is the year's headline
    assert summary.progress == Decimal("60.0")


def test_no_computed_figures_before_their_year_has_started():
    indicator = PlanIndicatorFactory(computed_source=ComputedSource.GI_TRADEMARKS_NEW)
    years = [f.year for f in services.figures_for(indicator, today=datetime.date(2023, 2, 1))]
    assert years == [2021, 2022, 2023]
