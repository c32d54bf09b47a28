"""Helpers that build plan indicators, their figures and the dashboard page for tests."""

from __future__ import annotations

from decimal import Decimal

import factory

from core.demo import home_page

from .models import DashboardPage, IndicatorValue, PlanIndicator


class PlanIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanIndicator

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "个"
    target_value = Decimal(10)
    target_year = 2025
    kind = PlanIndicator.Kind.EXPECTED
    sort_order = factory.SelfAttribute("number")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(PlanIndicatorFactory)
    year = 2024
    value = Decimal(5)
    source_note = "梁平区统计公报"


def dashboard_page(**fields) -> DashboardPage:
    """The dashboard, published under the home page."""
    home = home_page()
    page = DashboardPage(**{"title": "规划指标", "slug": "indicators", "intro": "<p>主要指标。</p>", **fields})
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
