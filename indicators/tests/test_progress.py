"""Progress to target and the per-year chart's geometry."""

from decimal import Decimal

import pytest

from indicators import charts, services
from indicators.services import Figure, progress_percent


@pytest.mark.parametrize(
    ("value", "target", "percent"),
    [
        ("4.6", "6", "76.7"),
        ("0.26", "0.3", "86.7"),
        ("1", "8", "12.5"),
        ("0.0005", "1", "0.1"),  # half up, to one decimal place
        ("2", "2", "100.0"),
        ("120", "100", "120.0"),  # beyond the target
        ("0", "85", "0.0"),
    ],
)
def test_progress_is_the_latest_figure_as_a_percentage_of_the_target(value, target, percent):
    assert progress_percent(Decimal(value), Decimal(target)) == Decimal(percent)


def test_no_progress_without_a_figure_or_with_a_zero_target():
    assert progress_percent(None, Decimal(6)) is None
    assert progress_percent(Decimal(3), Decimal(0)) is None


def test_the_bar_is_full_when_the_target_is_exceeded():
    from indicators.factories import PlanIndicatorFactory

    indicator = PlanIndicatorFactory.build(target_value=Decimal(10))
    summary = services.IndicatorSummary(indicator, [Figure(2024, Decimal(12), computed=False)])
    assert summary.progress == Decimal("120.0")
    assert summary.progress_bar == 100
    assert summary.reached


@pytest.mark.parametrize(("value", "text"), [("6.000", "6"), ("0.300", "0.3"), ("1300", "1300"), ("2.250", "2.25")])
def test_figures_are_shown_without_trailing_zeros(value, text):
    assert services.format_figure(Decimal(value)) == text


def test_the_chart_scales_bars_to_the_tallest_of_target_and_figures():
    figures = [Figure(2021, Decimal(3), computed=False), Figure(2022, Decimal(6), computed=True)]
    chart = charts.year_chart(figures, target=Decimal(10), target_year=2025, baseline=Decimal(2), baseline_year=2020)
    assert [year for year, _x in chart.years] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [(b.year, b.kind, b.label) for b in chart.bars] == [
        (2020, "baseline", "2"),
        (2021, "staff", "3"),
        (2022, "computed", "6"),
    ]
    top = 10 * 1.15  # the target, with headroom
    for bar, value in zip(chart.bars, (2, 3, 6), strict=True):
        assert bar.height == pytest.approx(value / top * charts.PLOT_HEIGHT, abs=0.1)
        assert bar.y + bar.height == pytest.approx(chart.baseline_y, abs=0.1)
    assert chart.baseline_y - chart.target_y == pytest.approx(10 / top * charts.PLOT_HEIGHT, abs=0.1)
    # bars sit in their year's slot, left to right, inside the drawing
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x
    assert chart.bars[-1].x + chart.bars[-1].width < chart.width


def test_an_all_zero_chart_does_not_divide_by_zero():
    chart = charts.year_chart(
        [Figure(2021, Decimal(0), computed=True)],
        target=Decimal(0),
        target_year=2025,
        baseline=None,
        baseline_year=2020,
    )
    assert chart.bars[0].height == 0


def test_a_label_that_would_sit_on_the_target_line_goes_inside_its_bar():
    figures = [Figure(2021, Decimal(1), computed=False), Figure(2024, Decimal(9), computed=False)]
    chart = charts.year_chart(figures, target=Decimal(10), target_year=2025, baseline=None, baseline_year=2020)
    low, high = chart.bars
    assert not low.label_inside and low.label_y < low.y
    assert high.label_inside and high.label_y > high.y
    assert chart.target_x == dict(chart.years)[2025]  # the target is labelled above its year
    reached = charts.year_chart(
        [Figure(2025, Decimal(10), computed=False)],
        target=Decimal(10),
        target_year=2025,
        baseline=None,
        baseline_year=2020,
    )
    assert reached.target_x is None  # the target year's bar reaches the line: its own label says it
