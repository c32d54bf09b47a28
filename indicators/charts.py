"""Geometry of the dashboard's small per-year bar charts, drawn as inline SVG by the template.

Computing the coordinates here keeps the template to plain ``<rect>``/``<text>`` output and
lets the maths be tested without parsing SVG. Coordinates are in the SVG's own ``viewBox``
units; the browser scales the drawing to the card's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services import Figure

WIDTH, HEIGHT = 320, 150
TOP, BOTTOM, SIDE = 20, 22, 6  # room for value labels above, year labels below
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
HEADROOM = Decimal("1.15")  # the tallest bar or the target line stays clear of the top


@dataclass(frozen=True)
class Bar:
    year: int
    label: str  # the figure as text, drawn above the bar
    kind: str  # "baseline", "staff" or "computed" (the CSS class)
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    label_inside: bool = False  # drawn inside the top of the bar, clear of the target line

    @property
    def label_y(self) -> float:
        return round(self.y + 13 if self.label_inside else self.y - 4, 1)


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    bars: list[Bar]
    years: list[tuple[int, float]]  # (year, x of its label's centre)
    target_y: float
    baseline_y: float  # the x axis
    target_label: str
    target_x: float | None  # where the target's label goes (above the target year), unless a bar is in the way

    @property
    def target_label_y(self) -> float:
        return round(self.target_y - 5, 1)

    @property
    def plot_right(self) -> int:
        return self.width - SIDE


def format_figure(value: Decimal) -> str:
    """``6.000`` → ``6``, ``0.300`` → ``0.3``, ``1300`` → ``1300`` (never ``1.3E+3``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def year_chart(
    figures: Sequence[Figure],
    *,
    target: Decimal,
    target_year: int,
    baseline: Decimal | None,
    baseline_year: int,
) -> YearChart:
    """A bar per year from the baseline year to the target year (and any later figure), the
    baseline bar first, with the target as a horizontal line."""
    first = min([baseline_year, *(f.year for f in figures)])
    last = max([target_year, *(f.year for f in figures)])
    years = list(range(first, last + 1))
    slot = (WIDTH - 2 * SIDE) / len(years)
    bar_width = round(slot * 0.6, 1)
    values = [target, *(f.value for f in figures)] + ([baseline] if baseline is not None else [])
    top = max(values) * HEADROOM or Decimal(1)
    axis = TOP + PLOT_HEIGHT

    def y_of(value: Decimal) -> float:
        return round(axis - float(value / top) * PLOT_HEIGHT, 1)

    def x_of(year: int) -> float:
        return round(SIDE + slot * (year - first) + (slot - bar_width) / 2, 1)

    target_y = y_of(target)

    def bar(year: int, value: Decimal, kind: str) -> Bar:
        y = y_of(value)
        height = round(axis - y, 1)
        # a label above the bar would sit on the dashed target line: put it inside a tall enough bar
        inside = height >= 18 and abs((y - 8) - target_y) < 9
        return Bar(year, format_figure(value), kind, x_of(year), y, bar_width, height, label_inside=inside)

    bars = [bar(baseline_year, baseline, "baseline")] if baseline is not None else []
    bars += [bar(f.year, f.value, "computed" if f.computed else "staff") for f in figures if f.year != baseline_year]
    centres = {year: round(SIDE + slot * (year - first) + slot / 2, 1) for year in years}
    return YearChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        years=list(centres.items()),
        target_y=target_y,
        baseline_y=axis,
        target_label=format_figure(target),
        target_x=None if any(b.year == target_year and b.y - target_y < 16 for b in bars) else centres[target_year],
    )
