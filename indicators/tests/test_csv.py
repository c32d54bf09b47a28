"""The dashboard's CSV: opens in Excel with Chinese intact, one row per figure, demo flagged."""

import csv
import io

from django.test import TestCase

from indicators.models import DashboardPage

from .helpers import load_demo


class CsvExport(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.url = DashboardPage.objects.get().url + "csv/"

    def get(self, url=None):
        response = self.client.get(url or self.url)
        self.assertEqual(response.status_code, 200)
        return response, b"".join(response.streaming_content)

    def test_a_utf8_file_with_a_bom_and_a_filename(self):
        response, body = self.get()
        self.assertTrue(response["Content-Type"].startswith("text/csv"))
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="liangping-ip-plan-indicators.csv"')
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(body.count(b"\xef\xbb\xbf"), 1)
        self.assertIn("每万人口发明专利拥有量".encode(), body)

    def rows(self, url=None):
        _response, body = self.get(url)
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_header_then_sixteen_rows_for_each_demo_year(self):
        rows = self.rows("/en" + self.url)
        self.assertEqual(
            rows[0],
            [
                "Indicator number",
                "Indicator",
                "Unit",
                "Year",
                "Value",
                "Target",
                "Target year",
                "Kind",
                "Source",
                "Demo data",
            ],
        )
        for year in ("2021", "2022", "2023", "2024"):
            with self.subTest(year=year):
                self.assertEqual(sum(row[3] == year for row in rows[1:]), 16)
        self.assertIn(
            ["1", "每万人口发明专利拥有量", "件", "2024", "4.6", "6", "2025", "Expected (预期性)"],
            [r[:8] for r in rows],
        )

    def test_staff_figures_carry_their_note_and_computed_ones_say_so(self):
        rows = self.rows("/en" + self.url)[1:]
        ninth = [row for row in rows if row[0] == "9"]
        self.assertEqual([row[3] for row in ninth], ["2021", "2022", "2023", "2024", "2025"])
        self.assertTrue(all(row[8] == "Computed from the registry" for row in ninth))
        self.assertTrue(all(row[9] == "no" for row in ninth))  # no registry record in this test database
        staff = [row for row in rows if row[0] != "9"]
        self.assertEqual(len(staff), 15 * 4)
        self.assertTrue(all(row[8].startswith("演示数据") and row[9] == "yes" for row in staff))

    def test_a_staff_figure_that_is_not_demo_is_flagged_no(self):
        from decimal import Decimal

        from indicators.models import IndicatorValue, PlanIndicator

        IndicatorValue.objects.create(
            indicator=PlanIndicator.objects.get(number=16), year=2025, value=Decimal(86), source_note="满意度测评报告"
        )
        rows = self.rows("/en" + self.url)
        self.assertIn(["16", "2025", "86", "满意度测评报告", "no"], [[r[0], r[3], r[4], r[8], r[9]] for r in rows])

    def test_a_note_or_name_typed_as_a_formula_reaches_the_spreadsheet_as_text(self):
        from decimal import Decimal

        from indicators.models import IndicatorValue, PlanIndicator

        indicator = PlanIndicator.objects.get(number=16)
        indicator.name = "@SUM(A1:A9)"
        indicator.save()
        IndicatorValue.objects.create(
            indicator=indicator, year=2025, value=Decimal(-3), source_note='=HYPERLINK("http://evil.example","x")'
        )
        rows = self.rows("/en" + self.url)
        self.assertIn(
            ["16", "'@SUM(A1:A9)", "2025", "-3", '\'=HYPERLINK("http://evil.example","x")'],
            [[r[0], r[1], r[3], r[4], r[8]] for r in rows],
        )
        cells = [cell for row in rows for cell in row]
        self.assertFalse([c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))])
