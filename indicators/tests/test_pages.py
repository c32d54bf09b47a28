"""The dashboard page: where it can be created, and what it shows."""

from django.utils import translation
from wagtail.test.utils import WagtailPageTestCase

from brands.models import BrandIndexPage
from indicators.models import DashboardPage
from website.models import ContentPage, HomePage

from .helpers import load_demo


class WhereTheDashboardGoes(WagtailPageTestCase):
    def test_under_the_home_page_only_and_without_subpages(self):
        self.assertAllowedParentPageTypes(DashboardPage, {HomePage})
        self.assertAllowedSubpageTypes(DashboardPage, set())
        self.assertCanCreateAt(HomePage, DashboardPage)
        self.assertCanNotCreateAt(ContentPage, DashboardPage)
        self.assertCanNotCreateAt(BrandIndexPage, DashboardPage)

    def test_there_is_at_most_one(self):
        home = HomePage.objects.get()
        self.assertTrue(DashboardPage.can_create_at(home))
        load_demo()
        self.assertFalse(DashboardPage.can_create_at(home))


class DashboardRenders(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.page = DashboardPage.objects.get()

    def test_renders_with_the_demo_data(self):
        self.assertPageIsRenderable(self.page)
        with translation.override("zh-hans"):
            self.assertPageIsRoutable(self.page)
        response = self.client.get("/indicators/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "indicators/dashboard_page.html")
        self.assertContains(response, "css/indicators.css")

    def test_every_indicator_is_shown_with_target_kind_latest_and_progress(self):
        html = self.client.get("/indicators/").content.decode()
        self.assertEqual(html.count('class="indicator indicator-'), 16)
        self.assertEqual(html.count('class="indicator indicator-binding'), 9)
        self.assertIn("每万人口发明专利拥有量", html)
        self.assertIn("知识产权维权满意度", html)
        # indicator 1: latest (2024, demo) 4.6 of the 2025 target 6 → 76.7 %
        first = html.split('id="indicator-1"')[1].split('id="indicator-2"')[0]
        self.assertIn("4.6", first)
        self.assertIn("<strong>76.7%</strong>", first)
        self.assertIn('width="76.7"', first)
        self.assertIn("演示数据", first)  # the source note of a staff (demo) figure
        self.assertIn("badge-demo", first)
        # indicator 6 reached its target (2 of 2) and the bar is full
        sixth = html.split('id="indicator-6"')[1].split('id="indicator-7"')[0]
        self.assertIn("is-reached", sixth)
        self.assertIn('class="progress-fill" x="0" y="0" width="100.0"', sixth)

    def test_charts_are_inline_svg_with_text_alternatives_and_no_script(self):
        html = self.client.get("/indicators/").content.decode()
        main = html.split('<main id="main"')[1].split("</main>")[0]
        self.assertNotIn("<script", main)
        self.assertEqual(main.count('role="img"'), 32)  # a progress bar and a chart per indicator
        self.assertIn('<desc id="chart-1-desc">2020: 2.25 件 (', main)
        self.assertIn("2024: 4.6 件;", main)
        self.assertIn('aria-label="76.7% of the 2025 target"', self.client.get("/en/indicators/").content.decode())

    def test_the_computed_indicator_is_marked(self):
        html = self.client.get("/en/indicators/").content.decode()
        ninth = html.split('id="indicator-9"')[1].split('id="indicator-10"')[0]
        self.assertIn("computed from the registry", ninth)
        self.assertIn("bar-computed", ninth)
        self.assertIn("Source: computed from the registry", ninth)
