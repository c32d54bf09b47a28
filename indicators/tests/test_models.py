"""What an indicator and a yearly figure refuse: a clear error, and nothing saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.factories import IndicatorValueFactory, PlanIndicatorFactory
from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


def errors(obj) -> dict[str, list[str]]:
    """The validation messages, in English (the msgids)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            obj.full_clean()
        return caught.value.message_dict


@pytest.mark.parametrize("year", [2014, 2036])
def test_a_year_outside_2015_to_2035_is_refused(year):
    value = IndicatorValue(indicator=PlanIndicatorFactory(), year=year, value=Decimal(1), source_note="统计公报")
    assert errors(value) == {"year": ["The year must be between 2015 and 2035."]}


@pytest.mark.parametrize("year", [2015, 2035])
def test_the_bounds_themselves_are_accepted(year):
    IndicatorValue(indicator=PlanIndicatorFactory(), year=year, value=Decimal(0), source_note="统计公报").full_clean()


def test_a_negative_value_is_refused():
    value = IndicatorValue(indicator=PlanIndicatorFactory(), year=2023, value=Decimal("-0.1"), source_note="统计公报")
    assert errors(value) == {"value": ["The value cannot be negative."]}


def test_a_figure_needs_its_source():
    value = IndicatorValue(indicator=PlanIndicatorFactory(), year=2023, value=Decimal(3), source_note="")
    assert "source_note" in errors(value)


def test_one_figure_per_indicator_and_year():
    existing = IndicatorValueFactory(year=2023)
    duplicate = IndicatorValue(indicator=existing.indicator, year=2023, value=Decimal(4), source_note="年报")
    assert errors(duplicate) == {"__all__": ["This indicator already has a value for that year."]}
    IndicatorValue(indicator=PlanIndicatorFactory(), year=2023, value=Decimal(4), source_note="年报").full_clean()


def test_an_indicator_refuses_a_negative_target_and_a_far_target_year():
    indicator = PlanIndicatorFactory.build(number=99, target_value=Decimal(-1), target_year=2040)
    found = errors(indicator)
    assert found["target_value"] == ["The value cannot be negative."]
    assert found["target_year"] == ["The year must be between 2015 and 2035."]


def test_name_with_unit_reads_like_the_plan():
    indicator = PlanIndicatorFactory.build(name="知识产权维权满意度", unit="%")
    assert indicator.name_with_unit() == "知识产权维权满意度（%）"
