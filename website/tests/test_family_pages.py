"""Product-family pages (稻子, 柚子, …): where they go, and that they gather what the registry holds."""

import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from wagtail.test.utils import WagtailPageTestCase

from brands.factories import brand_page, make_image
from brands.models import BrandIndexPage, BrandPage
from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, StandardFactory, family
from website.models import ContentPage, HomePage, ProductFamilyPage


def family_page(slug: str = "pomelo", title: str = "柚子") -> ProductFamilyPage:
    page = ProductFamilyPage(title=title, slug=slug, family=family(slug), intro="<p>梁平柚。</p>")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


class WhereFamilyPagesGo(WagtailPageTestCase):
    def test_family_pages_go_under_the_home_page_only(self):
        self.assertAllowedParentPageTypes(ProductFamilyPage, {HomePage})
        self.assertAllowedSubpageTypes(ProductFamilyPage, set())
        for parent in (ContentPage, BrandIndexPage, BrandPage):
            self.assertCanNotCreateAt(parent, ProductFamilyPage)

    def test_one_page_per_family(self):
        family_page()
        second = ProductFamilyPage(title="柚子二", slug="pomelo-2", family=family("pomelo"))
        with self.assertRaises(ValidationError):
            HomePage.objects.get().add_child(instance=second)


class FamilyPageGathersTheRegistry(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.you = GeographicalIndicationFactory(name="梁平柚", slug="you")
        GeographicalIndicationFactory(name="梁平秘藏柚", slug="draft", live=False)
        GeographicalIndicationFactory(name="梁平大米", slug="rice", product_family=family("rice"))
        ProducerFactory(name="梁平区柚香专业合作社", product_families=[family("pomelo")])
        ProducerFactory(name="梁平区稻香专业合作社", product_families=[family("rice")])
        standard = StandardFactory(title="梁平柚栽培技术规程")
        standard.product_families.set([family("pomelo")])
        standard.save()  # a ParentalManyToManyField is written on save
        brand_page(title="三峡晒秋", slug="sanxia-shaiqiu", families=[family("pomelo")])
        brand_page(title="万石耕春·丰味梁平", slug="wanshi", families=[family("rice")])
        cls.page = family_page()

    def test_it_renders_its_gis_brands_producers_and_standards_only(self):
        self.assertPageIsRenderable(self.page)
        html = self.client.get("/pomelo/").content.decode()
        for shown in ("梁平柚", "三峡晒秋", "梁平区柚香专业合作社", "梁平柚栽培技术规程", 'href="/gi/you/"'):
            self.assertIn(shown, html)
        self.assertIn("全部 1 个生产主体", html)
        for hidden in ("梁平秘藏柚", "梁平大米", "万石耕春", "梁平区稻香专业合作社"):
            self.assertNotIn(hidden, html)

    def test_home_tile_links_the_family_page(self):
        html = self.client.get("/").content.decode()
        self.assertIn('href="/pomelo/"', html)
        self.assertIn("/producers/?family=rice", html)  # no page for rice: the directory, filtered


class FamilyPhoto(WagtailPageTestCase):
    def test_the_photo_shows_on_the_page_and_the_home_tile_with_its_alt_text(self):
        page = family_page()
        page.image = make_image("柚子产品照片")
        page.image_alt = "竹筐里的梁平柚"
        page.save_revision().publish()
        html = self.client.get("/pomelo/").content.decode()
        self.assertRegex(
            html,
            r'<img[^>]*alt="竹筐里的梁平柚"[^>]*class="family-img"|<img[^>]*class="family-img"[^>]*alt="竹筐里的梁平柚"',
        )
        self.assertIn(".webp", html)
        home = self.client.get("/").content.decode()
        self.assertRegex(home, r'<img[^>]*class="tile-img"')
        # shared links show the photo (a 1200×630 rendition), not the site card
        self.assertRegex(html, r'<meta property="og:image" content="[^"]*/images/[^"]*1200')

    def test_a_photo_without_alt_text_is_refused(self):
        page = family_page()
        page.image = make_image("柚子产品照片")
        page.image_alt = " "
        with self.assertRaises(ValidationError) as refused:
            page.full_clean()
        self.assertIn("image_alt", refused.exception.message_dict)


class DemoFamilyPages(WagtailPageTestCase):
    def test_load_demo_data_adds_the_five_zi_pages(self):
        call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO())
        pages = ProductFamilyPage.objects.live()
        self.assertEqual(
            set(pages.values_list("family__slug", flat=True)), {"rice", "pomelo", "duck", "beans", "bamboo"}
        )
        html = self.client.get("/duck/").content.decode()
        self.assertIn("梁平张鸭子", html)
        self.assertIn('alt="盘中一只酱红色的张鸭子（示例插图）"', html)  # the drawn demo photo
        self.assertIn("五子登科·丰味梁平", html)
