"""Page bodies kept per content version (``{% memo %}``, core/templatetags/memo_tags.py; issue 15).

The brand, family and dashboard pages (and the others that use the tag) render their body once
per content version, language and day, and serve it from the process's memo afterwards. Nothing
a visitor sees may change for that: every public page, in Chinese and in English, is byte for byte
the plain render (``memo.disabled()``: nothing memoised anywhere), after every other page has filled
the memo in both languages, for a visitor and for signed-in staff. An edit and publish shows at
once; a draft shown in the admin's preview never reaches the public page, and the public page's
memo never reaches the preview.
"""

import os
from unittest import mock

from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Page

from brands.models import BrandPage
from core import memo
from gi_registry.factories import make_user
from gi_registry.models import GeographicalIndication
from gi_registry.setup import BRAND_EDITORS, REGISTRY_OFFICERS
from indicators.models import IndicatorValue
from website.models import ProductFamilyPage

from .test_query_budgets import PAGES as BUDGET_PAGES

PAGES = {
    **BUDGET_PAGES,
    "English directory": "/en/producers/",
    "English producer": "/en/producers/93500155MA9000011Q/",
    "English standards index": "/en/standards/",
    "English standard": "/en/standards/gbt-17924-2008/",
    "English brand index": "/en/brands/",
    "English announcements": "/en/announcements/",
    "English search": "/en/search/?q=%E6%A2%81%E5%B9%B3%E6%9F%9A",
    "second family": "/rice/",
    "second brand": "/brands/wanshi-gengchun/",
}


def first_difference(expected: str, actual: str) -> str:
    for number, (one, other) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), 1):
        if one != other:
            return f"line {number}:\n  plain:    {one[:300]}\n  memoised: {other[:300]}"
    return "one is longer than the other"


class DemoDataTestCase(TestCase):
    """The demo data (without its demo accounts), and an empty memo around each test."""

    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, {"DEMO_USERS": "0"}):
            call_command("load_demo_data", verbosity=0)

    def setUp(self):
        memo.forget()

    def tearDown(self):
        memo.forget()


class MemoisedPagesAreThePlainRender(DemoDataTestCase):
    def html(self, path: str) -> str:
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return response.content.decode()

    def assert_memoised_pages_are_plain(self):
        with memo.disabled():
            plain = {path: self.html(path) for path in PAGES.values()}
        for path in PAGES.values():  # every page fills the memo, in both languages
            self.html(path)
        for name, path in PAGES.items():
            with self.subTest(page=name):
                served = self.html(path)
                self.assertTrue(served == plain[path], f"{name} {path}: {first_difference(plain[path], served)}")

    def test_every_public_page_as_a_visitor(self):
        self.assert_memoised_pages_are_plain()

    def test_every_public_page_for_signed_in_staff_after_visitors_filled_the_memo(self):
        for path in PAGES.values():
            self.html(path)
        for user in (make_user("officer", REGISTRY_OFFICERS), make_user("editor", BRAND_EDITORS)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assert_memoised_pages_are_plain()

    def test_the_memo_is_used(self):
        """The second view of a brand page does not render its story again (else the tests above
        would pass without a memo): its "licensed producers" block is rendered once."""
        from brands.blocks import LicensedProducersBlock

        original = LicensedProducersBlock.get_context
        with mock.patch.object(LicensedProducersBlock, "get_context", autospec=True, side_effect=original) as block:
            self.html("/brands/wuzi-dengke/")
            self.assertEqual(block.call_count, 1)
            self.html("/brands/wuzi-dengke/")
            self.assertEqual(block.call_count, 1)


class AnEditShowsAtOnce(DemoDataTestCase):
    def brand(self) -> BrandPage:
        return BrandPage.objects.get(slug="wuzi-dengke", locale__language_code="zh-hans")

    def test_a_published_brand_story_shows_at_once(self):
        self.assertContains(self.client.get("/brands/wuzi-dengke/"), "五子登科")
        page = self.brand()
        page.intro = "一段新的品牌介绍（测试）"
        page.save_revision().publish()
        self.assertContains(self.client.get("/brands/wuzi-dengke/"), "一段新的品牌介绍（测试）")

    def test_a_renamed_gi_shows_at_once_on_its_family_page(self):
        self.assertContains(self.client.get("/pomelo/"), "梁平柚")
        gi = GeographicalIndication.objects.get(slug="liangping-you")
        gi.name = "梁平柚（更名测试）"
        gi.save()
        self.assertContains(self.client.get("/pomelo/"), "梁平柚（更名测试）")

    def test_a_suspended_authorisation_leaves_the_gi_page_at_once(self):
        from gi_registry.models import Authorisation

        authorisation = Authorisation.objects.filter(
            geographical_indication__slug="liangping-you", status=Authorisation.Status.ACTIVE, live=True
        ).first()
        number = authorisation.number
        self.assertContains(self.client.get("/gi/liangping-you/"), number)
        authorisation.status = Authorisation.Status.SUSPENDED
        authorisation.save()
        self.assertNotContains(self.client.get("/gi/liangping-you/"), number)

    def test_a_new_home_page_text_shows_at_once(self):
        self.client.get("/")
        home = Page.objects.get(depth=2, locale__language_code="zh-hans").specific
        home.intro = "主页的新导语（测试）"
        home.save_revision().publish()
        self.assertContains(self.client.get("/"), "主页的新导语（测试）")

    def test_a_corrected_figure_shows_at_once_on_the_dashboard(self):
        self.client.get("/indicators/")
        value = IndicatorValue.objects.filter(indicator__number=1).order_by("year").last()
        value.source_note = "更正后的来源（测试）"
        value.save()
        self.assertContains(self.client.get("/indicators/"), "更正后的来源（测试）")

    def test_a_new_focal_point_recrops_the_family_picture_at_once(self):
        """The family page's picture is a cropped rendition: moving the image's focal point
        makes new renditions, and the memoised page must link them, not the old ones."""
        before = self.client.get("/pomelo/").content.decode()
        image = ProductFamilyPage.objects.get(slug="pomelo", locale__language_code="zh-hans").image
        image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 40, 40, 20, 20
        image.save()
        after = self.client.get("/pomelo/").content.decode()
        self.assertNotEqual(before, after)
        with memo.disabled():
            self.assertEqual(self.client.get("/pomelo/").content.decode(), after)

    def test_a_brand_editors_draft_stays_in_the_preview(self):
        """A brand editor saves a draft and views it: the preview shows the draft, never the
        memoised public body, and the public page keeps the published text (the draft's render is
        not memoised), whichever is rendered first."""
        editor = make_user("editor", BRAND_EDITORS)
        page = self.brand()
        page.intro = "尚未发布的草稿（测试）"
        page.save_revision(user=editor)
        self.client.force_login(editor)
        self.assertContains(self.client.get(f"/admin/pages/{page.pk}/view_draft/"), "尚未发布的草稿（测试）")
        self.client.logout()
        public = self.client.get("/brands/wuzi-dengke/")
        self.assertContains(public, "五子登科")
        self.assertNotContains(public, "尚未发布的草稿（测试）")
        self.client.force_login(editor)
        self.assertNotContains(self.client.get("/brands/wuzi-dengke/"), "尚未发布的草稿（测试）")
        self.assertContains(self.client.get(f"/admin/pages/{page.pk}/view_draft/"), "尚未发布的草稿（测试）")

    def test_an_officers_draft_of_the_dashboard_stays_in_the_preview(self):
        from indicators.models import DashboardPage

        officer = make_user("officer", REGISTRY_OFFICERS)
        self.client.get("/indicators/")
        page = DashboardPage.objects.get(locale__language_code="zh-hans")
        page.title = "规划指标（草稿测试）"
        page.save_revision(user=officer)
        self.client.force_login(officer)
        self.assertContains(self.client.get(f"/admin/pages/{page.pk}/view_draft/"), "规划指标（草稿测试）")
        self.client.logout()
        self.assertNotContains(self.client.get("/indicators/"), "规划指标（草稿测试）")
