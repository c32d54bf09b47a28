"""The dashboard's figures: per indicator and year, staff-entered and computed, with progress.

Rules (what the dashboard and the CSV show):

- A staff figure (``IndicatorValue``) is shown with its source note; a computed figure
  (``PlanIndicator.computed_source``) is marked "computed from the registry". Both are shown when
  both exist for a year: computing overrides nothing.
- The headline figure of a year is the staff figure if there is one (someone stated it and named
  its source), else the computed one. The latest figure is the headline of the latest year.
- Progress = latest figure ÷ target, as a percentage (完成率); more than 100 % means the target is
  exceeded. There is no progress without a figure or with a zero target.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import SafeWriter

from . import charts
from .charts import format_figure
from .computed import compute
from .models import PlanIndicator

CSV_FILENAME = "liangping-ip-plan-indicators.csv"
BOM = "\ufeff"  # lets Excel open a UTF-8 CSV with Chinese text correctly


@dataclass(frozen=True)
class Figure:
    year: int
    value: Decimal
    computed: bool
    note: str = ""  # where a staff figure comes from; empty for a computed one
    is_demo: bool = False

    @property
    def display(self) -> str:
        return format_figure(self.value)


@dataclass
class IndicatorSummary:
    indicator: PlanIndicator
    figures: list[Figure]  # by year; a year's staff figure before its computed one
    headlines: list[Figure] = field(init=False)  # one per year
    latest: Figure | None = field(init=False)
    progress: Decimal | None = field(init=False)

    def __post_init__(self) -> None:
        self.headlines = headline_figures(self.figures)
        self.latest = self.headlines[-1] if self.headlines else None
        self.progress = progress_percent(self.latest.value if self.latest else None, self.indicator.target_value)

    @property
    def target_display(self) -> str:
        return format_figure(self.indicator.target_value)

    @property
    def baseline_display(self) -> str:
        value = self.indicator.baseline_value
        return "" if value is None else format_figure(value)

    @property
    def reached(self) -> bool:
        return self.progress is not None and self.progress >= 100

    @property
    def progress_bar(self) -> Decimal:
        """The bar's filled share, 0–100 (a target exceeded fills the bar)."""
        return min(self.progress or Decimal(0), Decimal("100.0"))

    @cached_property
    def chart(self) -> charts.YearChart:
        indicator = self.indicator
        return charts.year_chart(
            self.headlines,
            target=indicator.target_value,
            target_year=indicator.target_year,
            baseline=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
        )


def progress_percent(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """``value`` as a percentage of ``target``, to one decimal place (half up)."""
    if value is None or not target:
        return None
    return (Decimal(value) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def headline_figures(figures: Iterable[Figure]) -> list[Figure]:
    """One figure per year: the staff figure where there is one, else the computed figure."""
    by_year: dict[int, Figure] = {}
    for figure in figures:
        current = by_year.get(figure.year)
        if current is None or (current.computed and not figure.computed):
            by_year[figure.year] = figure
    return [by_year[year] for year in sorted(by_year)]


def figures_for(indicator: PlanIndicator, today: datetime.date | None = None) -> list[Figure]:
    """Every figure of ``indicator``: the staff figures and, if it has a computed source, the
    registry's count for each year from after the baseline year to the target year."""
    today = today or timezone.localdate()
    figures = [
        Figure(v.year, v.value, computed=False, note=v.source_note, is_demo=v.is_demo) for v in indicator.values.all()
    ]
    if indicator.computed_source:
        for year in indicator.computed_years(today):
            result = compute(indicator.computed_source, year, baseline_year=indicator.baseline_year, today=today)
            figures.append(Figure(year, result.value, computed=True, is_demo=result.is_demo))
    return sorted(figures, key=lambda f: (f.year, f.computed))


def dashboard(today: datetime.date | None = None) -> list[IndicatorSummary]:
    """Every indicator, in the plan's order, with its figures."""
    indicators = PlanIndicator.objects.filter(live=True).prefetch_related("values")  # published ones
    return [IndicatorSummary(indicator, figures_for(indicator, today)) for indicator in indicators]


def totals(summaries: list[IndicatorSummary]) -> dict[str, int]:
    return {
        "indicators": len(summaries),
        "binding": sum(s.indicator.kind == PlanIndicator.Kind.BINDING for s in summaries),
        "reached": sum(s.reached for s in summaries),
        "computed": sum(bool(s.indicator.computed_source) for s in summaries),
    }


def latest_figure(indicator: PlanIndicator) -> Figure | None:
    """The admin listing's "latest value" column."""
    return IndicatorSummary(indicator, figures_for(indicator)).latest


# --- CSV -------------------------------------------------------------------------------------


def csv_lines(today: datetime.date | None = None) -> Iterator[str]:
    """The CSV as text lines: a byte-order mark, the header, then one row per figure (staff and
    computed, by indicator and year).

    The words are translated now, in the request's language: the lines themselves are produced
    while the response streams, after the view has returned.
    """
    header = [
        _("Indicator number"),
        _("Indicator"),
        _("Unit"),
        _("Year"),
        _("Value"),
        _("Target"),
        _("Target year"),
        _("Kind"),
        _("Source"),
        _("Demo data"),
    ]
    kinds = dict(PlanIndicator.Kind.choices)
    kinds = {key: str(label) for key, label in kinds.items()}
    words = {"computed": _("Computed from the registry"), True: _("yes"), False: _("no")}
    return _csv_lines(header, kinds, words, today)


def _csv_lines(header: list[str], kinds: dict, words: dict, today: datetime.date | None) -> Iterator[str]:
    # the shared writer: a source note or name typed as "=…" reaches the spreadsheet as text
    writer = SafeWriter()
    yield BOM + writer.writerow(header)
    for summary in dashboard(today):
        indicator = summary.indicator
        for figure in summary.figures:
            yield writer.writerow(
                [
                    str(indicator.number),
                    indicator.name,
                    indicator.unit,
                    str(figure.year),
                    figure.display,
                    summary.target_display,
                    str(indicator.target_year),
                    kinds[indicator.kind],
                    words["computed"] if figure.computed else figure.note,
                    words[figure.is_demo],
                ]
            )
