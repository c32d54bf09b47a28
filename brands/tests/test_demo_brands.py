"""The demo brands that ``load_demo_data`` adds: present, public, linked, flagged, idempotent."""

import io

from django.core.management import call_command
from wagtail.models import PageLogEntry, Revision
from wagtail.test.utils import WagtailPageTestCase

from brands import demo
from brands.models import BrandIndexPage, BrandPage
from core.demo import home_page


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, stderr=io.StringIO())
    return out.getvalue()


class DemoBrands(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        load()

    def test_the_three_seed_brands_are_published_under_the_brand_index(self):
        index = BrandIndexPage.objects.get(locale__language_code="zh-hans")
        self.assertEqual(index.get_parent().pk, home_page().pk)
        brands = BrandPage.objects.child_of(index).live()
        self.assertEqual(
            set(brands.values_list("title", flat=True)), {"五子登科·丰味梁平", "万石耕春·丰味梁平", "三峡晒秋"}
        )
        for brand in brands:
            with self.subTest(brand=brand.title):
                self.assertTrue(brand.is_demo)
                self.assertFalse(brand.has_unpublished_changes)
                self.assertTrue(brand.geographical_indications.filter(live=True).exists())
                self.assertTrue(brand.licensed_producers().exists())
                self.assertPageIsRenderable(brand)
        self.assertPageIsRenderable(index)

    def test_brand_pages_show_their_products_and_licensed_producers(self):
        html = self.client.get("/brands/wanshi-gengchun/").content.decode()
        self.assertIn("第二届晒秋节", html)
        self.assertIn('href="/gi/liangping-dami/"', html)
        self.assertIn("重庆梁平都梁米业有限公司", html)  # holds a valid 梁平大米 authorisation
        self.assertNotIn("重庆梁平区虎城米业有限公司", html)  # suspended producer and authorisation
        self.assertIn("badge-demo", html)
        index = self.client.get("/brands/").content.decode()
        for brand in demo.BRANDS:
            self.assertIn(brand["title"], index)

    def test_a_second_run_changes_nothing(self):
        before = (BrandPage.objects.count(), Revision.objects.count(), PageLogEntry.objects.count())
        self.assertIn("brands: 4 (0 created, 0 updated, 4 unchanged)", load())
        after = (BrandPage.objects.count(), Revision.objects.count(), PageLogEntry.objects.count())
        self.assertEqual(after, before)

    def test_an_edited_brand_is_restored(self):
        BrandPage.objects.filter(slug="sanxia-shaiqiu", locale__language_code="zh-hans").update(slogan="别的口号")
        self.assertIn("brands: 4 (0 created, 1 updated, 3 unchanged)", load())
        self.assertEqual(
            BrandPage.objects.get(slug="sanxia-shaiqiu", locale__language_code="zh-hans").slogan,
            demo.BRANDS[2]["slogan"],
        )
