"""The demo loader: the plan's sixteen indicators as printed, demo figures flagged, idempotent."""

from decimal import Decimal

from django.test import TestCase
from wagtail.models import PageLogEntry, Revision

from core.demo import home_page
from indicators import demo
from indicators.models import DashboardPage, IndicatorValue, PlanIndicator

from .helpers import load_demo


def snapshot():
    return (
        list(PlanIndicator.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
    )


class DemoIndicators(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_output = load_demo()

    def test_the_sixteen_indicators_and_their_2025_targets(self):
        self.assertIn("plan indicators: 17 (17 created, 0 updated, 0 unchanged)", self.first_output)
        indicators = list(PlanIndicator.objects.all())
        self.assertEqual([i.number for i in indicators], list(range(1, 17)))
        self.assertFalse(any(i.is_demo for i in indicators))
        self.assertTrue(all(i.target_year == 2025 for i in indicators))
        by_number = {i.number: i for i in indicators}
        self.assertEqual(by_number[1].name_with_unit(), "每万人口发明专利拥有量（件）")
        self.assertEqual(by_number[14].target_value, Decimal("0.3"))
        self.assertEqual(by_number[8].target_value, Decimal(1300))
        self.assertEqual(by_number[9].computed_source, "gi_trademarks_new")
        kinds = [i.kind for i in indicators]
        self.assertEqual(kinds.count("binding"), 9)
        self.assertEqual(kinds[:3], ["expected"] * 3)

    def test_demo_figures_are_flagged_and_say_so(self):
        values = IndicatorValue.objects.all()
        self.assertEqual(values.count(), 60)
        self.assertEqual(set(values.values_list("year", flat=True)), {2021, 2022, 2023, 2024})
        self.assertFalse(values.filter(is_demo=False).exists())
        self.assertFalse(values.exclude(source_note=demo.DEMO_SOURCE_NOTE).exists())
        self.assertFalse(values.filter(indicator__number=9).exists())

    def test_the_dashboard_is_published_under_the_home_page(self):
        page = DashboardPage.objects.get()
        self.assertEqual(page.slug, "indicators")
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().pk, home_page().pk)

    def test_a_second_run_creates_and_changes_nothing(self):
        before = snapshot()
        self.assertIn("plan indicators: 17 (0 created, 0 updated, 17 unchanged)", load_demo())
        self.assertEqual(snapshot(), before)

    def test_an_edited_demo_figure_is_restored_but_staff_figures_are_left_alone(self):
        indicator = PlanIndicator.objects.get(number=1)
        IndicatorValue.objects.filter(indicator=indicator, year=2023).update(value=Decimal(9))
        IndicatorValue.objects.filter(indicator=indicator, year=2024).update(
            value=Decimal("4.4"), source_note="统计公报", is_demo=False
        )
        self.assertIn("(0 created, 1 updated, 16 unchanged)", load_demo())
        self.assertEqual(indicator.values.get(year=2023).value, Decimal("3.9"))
        self.assertEqual(indicator.values.get(year=2024).value, Decimal("4.4"))
