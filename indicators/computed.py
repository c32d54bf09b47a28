"""Figures the registry can count itself, per year (``PlanIndicator.computed_source``).

Each source answers "what was the figure at the end of year Y?" from public (live) registry
records, through ``gi_registry.services``. A figure counts invented records too, and then says so
(``ComputedFigure.is_demo``), so demo registry data never passes for an official count.

What the registry cannot know: it keeps a record's *current* status, not when a status changed.
A trademark revoked today is therefore left out of every year's total, and an authorisation
suspended or revoked today (or whose producer is suspended or closed today) is left out of every
past year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.memo import memoized
from gi_registry import services
from gi_registry.models import Authorisation, Producer
from gi_registry.models import GeographicalIndication as GI


class ComputedSource(models.TextChoices):
    GI_TRADEMARKS_NEW = (
        "gi_trademarks_new",
        _("GI trademarks registered after the baseline year (新增地理标志商标)"),
    )
    GI_TRADEMARKS_TOTAL = (
        "gi_trademarks_total",
        _("GI trademarks in force at the end of the year (地理标志商标总数)"),
    )
    AUTHORISED_PRODUCERS = (
        "authorised_producers",
        _("Producers with a valid GI authorisation at the end of the year (获准使用地理标志的生产主体)"),
    )


@dataclass(frozen=True)
class ComputedFigure:
    value: Decimal
    is_demo: bool  # at least one counted record is invented


def year_end(year: int, today: datetime.date) -> datetime.date:
    """The day a year's figure is taken: 31 December, or today while the year is running."""
    return min(datetime.date(year, 12, 31), today)


def _figure(queryset, demo_filter: dict) -> ComputedFigure:
    return ComputedFigure(Decimal(queryset.count()), queryset.filter(**demo_filter).exists())


def gi_trademarks(day: datetime.date, *, registered_after: datetime.date | None = None, in_force: bool = False):
    """GI certification and collective marks (地理标志证明商标/集体商标) registered on or before ``day``.

    ``registered_after`` keeps only those registered after that date (the plan's 新增 count);
    ``in_force`` drops marks revoked, or whose registration had lapsed (``valid_until``) by ``day``.
    """
    marks = (
        services.public_gis()
        .filter(kind__in=GI.MARK_KINDS, registration_date__lte=day)
        .exclude(status=GI.Status.APPLIED)
    )
    if registered_after is not None:
        marks = marks.filter(registration_date__gt=registered_after)
    if in_force:
        marks = marks.exclude(status=GI.Status.REVOKED).exclude(valid_until__lt=day)
    return marks


def authorised_producers(day: datetime.date, today: datetime.date):
    """Producers holding at least one GI authorisation in force on ``day``.

    The registry's own rule, ``Authorisation.objects.valid_on`` on the public authorisations
    (``services.valid_authorisations``). For a past day an authorisation whose period covered the
    day and that has since *expired* was in force then too, so ``expired`` counts as well as
    ``active``; the rest of the rule (GI registered and inside its validity, producer active) is
    read from the records' current status, like everything here.
    """
    statuses = None if day >= today else [Authorisation.Status.ACTIVE, Authorisation.Status.EXPIRED]
    authorisations = services.public_authorisations().valid_on(day, statuses=statuses)
    return Producer.objects.filter(pk__in=authorisations.values("producer_id"))


def compute(source: str, year: int, *, baseline_year: int, today: datetime.date) -> ComputedFigure:
    """The figure of ``source`` for ``year`` (at the end of the year, or today while it runs).

    Counted once per content version and day (core/memo.py): the records it counts are all in
    ``PAGE_CACHE_MODELS``, so any change to them bumps the version, and the day is in the key."""
    key = ("indicator-figure", source, year, baseline_year, today)
    return memoized(key, lambda: _compute(source, year, baseline_year=baseline_year, today=today))


def _compute(source: str, year: int, *, baseline_year: int, today: datetime.date) -> ComputedFigure:
    day = year_end(year, today)
    if source == ComputedSource.GI_TRADEMARKS_NEW:
        plan_start = datetime.date(baseline_year, 12, 31)
        return _figure(gi_trademarks(day, registered_after=plan_start), {"is_demo": True})
    if source == ComputedSource.GI_TRADEMARKS_TOTAL:
        return _figure(gi_trademarks(day, in_force=True), {"is_demo": True})
    if source == ComputedSource.AUTHORISED_PRODUCERS:
        return _figure(authorised_producers(day, today), {"is_demo": True})
    raise ValueError(f"Unknown computed source {source!r}")
