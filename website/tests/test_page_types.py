"""Every page type: where it may be created, that it renders with the demo data in both languages,
scheduled publishing, preview sizes, and the home page's weight."""

import io
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from brands.models import BrandIndexPage, BrandPage
from indicators.models import DashboardPage
from website.models import (
    AnnouncementIndexPage,
    AnnouncementPage,
    ContactPage,
    ContentPage,
    HomePage,
    ProductFamilyPage,
)

PAGE_TYPES = [
    HomePage,
    ContentPage,
    ProductFamilyPage,
    AnnouncementIndexPage,
    AnnouncementPage,
    ContactPage,
    BrandIndexPage,
    BrandPage,
    DashboardPage,
]


class WhereHomeAndContentPagesGo(WagtailPageTestCase):
    def test_the_home_page_sits_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        for parent in PAGE_TYPES:
            self.assertCanNotCreateAt(parent, HomePage)

    def test_content_pages_go_under_content_pages_and_the_home_page(self):
        for parent in (HomePage, ContentPage):
            self.assertCanCreateAt(parent, ContentPage)
        for parent in (BrandPage, ProductFamilyPage, AnnouncementPage, ContactPage, DashboardPage):
            self.assertCanNotCreateAt(parent, ContentPage)


class EveryPageTypeRendersWithTheDemoData(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        os.environ["DEMO_USERS"] = "0"
        try:
            call_command("load_demo_data", stdout=io.StringIO())
        finally:
            del os.environ["DEMO_USERS"]

    def test_each_type_has_a_live_page_that_renders_in_chinese_and_english(self):
        for model in PAGE_TYPES:
            if model is ContentPage:
                continue  # no demo content page; created under the home page below
            pages = model.objects.live()
            with self.subTest(model=model.__name__):
                self.assertTrue(pages.filter(locale__language_code="zh-hans").exists())
                for page in pages:
                    self.assertPageIsRenderable(page)
        english = {type(p.specific) for p in Page.objects.live().filter(locale__language_code="en")}
        self.assertEqual(english, set(PAGE_TYPES) - {ContentPage, AnnouncementPage})

    def test_a_content_page_renders(self):
        home = HomePage.objects.get(locale__language_code="zh-hans")
        page = ContentPage(title="如何申请使用地理标志专用标志", slug="how-to-apply", body="<p>申请材料……</p>")
        home.add_child(instance=page)
        page.save_revision().publish()
        self.assertPageIsRenderable(page)

    def test_previews_offer_phone_and_desktop_sizes(self):
        for model in PAGE_TYPES:
            page = model.objects.first() or model()
            sizes = {size["name"]: size["device_width"] for size in page.preview_sizes}
            with self.subTest(model=model.__name__):
                self.assertLessEqual(sizes["mobile"], 400)
                self.assertGreaterEqual(sizes["desktop"], 1200)
                if page.pk:  # the preview renders the page as it would be published
                    self.assertEqual(page.make_preview_request().status_code, 200)

    def test_a_scheduled_brand_page_goes_live_when_its_time_comes(self):
        brand = BrandPage.objects.get(slug="sanxia-shaiqiu", locale__language_code="zh-hans")
        brand.unpublish()
        brand.refresh_from_db()
        brand.go_live_at = timezone.now() + timezone.timedelta(minutes=5)
        brand.save_revision().publish()
        brand.refresh_from_db()
        self.assertFalse(brand.live)
        self.assertEqual(self.client.get("/brands/sanxia-shaiqiu/").status_code, 404)
        with self.settings(USE_TZ=True):
            from unittest import mock

            later = timezone.now() + timezone.timedelta(minutes=6)
            with mock.patch("django.utils.timezone.now", return_value=later):
                call_command("publish_scheduled", stdout=io.StringIO())
        brand.refresh_from_db()
        self.assertTrue(brand.live)
        self.assertEqual(self.client.get("/brands/sanxia-shaiqiu/").status_code, 200)

    def test_the_home_page_weighs_under_150_kb_before_images(self):
        with translation.override("zh-hans"):
            html = self.client.get("/").content
        stylesheets = [Path(settings.BASE_DIR) / "static" / "css" / "site.css"]
        self.assertIn(b"/static/css/site.css", html)
        self.assertNotIn(b"<script src", html)  # no script on the home page
        weight = len(html) + sum(path.stat().st_size for path in stylesheets)
        self.assertLess(weight, 150 * 1024)
