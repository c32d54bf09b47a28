"""Brand pages: where they can be created, what they show, who may write and who publishes."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.blocks import StreamValue
from wagtail.models import Page, WorkflowState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from brands.blocks import BrandStoryBlock, ImageBlock
from brands.factories import brand_index, brand_page, make_image
from brands.models import BrandIndexPage, BrandPage
from gi_registry.factories import (
    AuthorisationFactory,
    GeographicalIndicationFactory,
    ProducerFactory,
    family,
    make_user,
)
from gi_registry.setup import BRAND_EDITORS, REGISTRY_OFFICERS
from website.models import ContentPage, HomePage

BRAND_URL = "/brands/wuzi-dengke/"


class WhereBrandPagesGo(WagtailPageTestCase):
    def test_the_brand_index_goes_under_the_home_page_only(self):
        self.assertCanCreateAt(HomePage, BrandIndexPage)
        self.assertAllowedParentPageTypes(BrandIndexPage, {HomePage})
        self.assertCanNotCreateAt(ContentPage, BrandIndexPage)
        self.assertCanNotCreateAt(BrandIndexPage, BrandIndexPage)
        self.assertCanNotCreateAt(BrandPage, BrandIndexPage)

    def test_brand_pages_go_under_the_brand_index_only(self):
        self.assertAllowedParentPageTypes(BrandPage, {BrandIndexPage})
        self.assertAllowedSubpageTypes(BrandIndexPage, {BrandPage})
        self.assertAllowedSubpageTypes(BrandPage, set())
        self.assertCanNotCreateAt(HomePage, BrandPage)
        self.assertCanNotCreateAt(ContentPage, BrandPage)

    def test_there_is_at_most_one_brand_index(self):
        home = HomePage.objects.get()
        self.assertTrue(BrandIndexPage.can_create_at(home))
        brand_index()
        self.assertFalse(BrandIndexPage.can_create_at(home))


class BrandPageRenders(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.you = GeographicalIndicationFactory(name="梁平柚", slug="you")
        cls.draft_gi = GeographicalIndicationFactory(name="梁平秘藏柚", slug="draft", live=False)
        cls.licensed = AuthorisationFactory(
            geographical_indication=cls.you, producer=ProducerFactory(name="梁平区礼让镇川西柚子专业合作社")
        ).producer
        today = timezone.localdate()
        cls.expired = AuthorisationFactory(
            geographical_indication=cls.you,
            producer=ProducerFactory(name="梁平区过期柚子专业合作社"),
            status="expired",
            valid_from=today - datetime.timedelta(days=800),
            valid_until=today - datetime.timedelta(days=70),
        ).producer
        cls.unrelated = AuthorisationFactory(producer=ProducerFactory(name="梁平区别家合作社")).producer
        cls.index = brand_index()
        cls.logo = make_image("五子登科标志")
        photo = make_image("柚园")
        story = [
            ("text", "<p>稻子、柚子、鸭子、豆子、笋子。</p>"),
            ("image", {"image": photo, "alt": "金秋柚园里挂满果的柚子树", "caption": "礼让镇柚园"}),
            ("quote", {"text": "五子登科，丰味梁平。", "attribution": "品牌口号"}),
            ("key_figures", {"heading": "", "figures": [{"label": "种植面积", "value": "15", "unit": "万亩"}]}),
            ("video", {"url": "https://example.invalid/v/1", "title": "品牌宣传片", "duration": "3:20"}),
            ("products", {"heading": "品牌产品", "products": [cls.you, cls.draft_gi]}),
        ]
        cls.brand = brand_page(
            cls.index,
            logo=cls.logo,
            brand_owner="梁平区农业农村委员会",
            story=story,
            gis=[cls.you, cls.draft_gi],
            families=[family("pomelo")],
            is_demo=True,
        )

    def test_index_and_brand_render(self):
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.brand)
        with translation.override("zh-hans"):
            self.assertPageIsRoutable(self.brand)

    def test_index_lists_live_brands_only(self):
        brand_page(self.index, title="三峡晒秋", slug="sanxia-shaiqiu", live=False)
        html = self.client.get("/brands/").content.decode()
        self.assertIn("五子登科·丰味梁平", html)
        self.assertIn("五子登科，丰味梁平", html)
        self.assertNotIn("三峡晒秋", html)
        self.assertEqual(self.client.get("/brands/sanxia-shaiqiu/").status_code, 404)

    def test_brand_page_shows_its_story_with_webp_renditions_and_alt_text(self):
        html = self.client.get(BRAND_URL).content.decode()
        self.assertIn('alt="金秋柚园里挂满果的柚子树"', html)
        self.assertIn("礼让镇柚园", html)
        self.assertIn("<p>稻子、柚子、鸭子、豆子、笋子。</p>", html)
        self.assertIn("srcset=", html)
        self.assertIn(".webp", html)
        self.assertIn("梁平区农业农村委员会", html)
        self.assertIn("15 <small>万亩</small>", html)
        self.assertIn('href="https://example.invalid/v/1"', html)
        self.assertIn("badge-demo", html)
        # every <img> has non-empty alt text (the logo's names the brand)
        self.assertNotIn('alt=""', html.split('class="brand-head"')[1])
        with translation.override("zh-hans"):  # the /en/ request must not leave English active
            english = self.client.get("/en" + BRAND_URL).content.decode()
        self.assertIn('alt="Logo of 五子登科·丰味梁平"', english)

    def test_only_public_gis_are_shown(self):
        html = self.client.get(BRAND_URL).content.decode()
        self.assertIn(self.you.get_absolute_url(), html)
        self.assertNotIn("梁平秘藏柚", html)

    def test_licensed_producers_come_from_valid_authorisations_for_the_brands_gis(self):
        self.assertEqual(list(self.brand.licensed_producers()), [self.licensed])
        html = self.client.get(BRAND_URL).content.decode()
        self.assertIn("梁平区礼让镇川西柚子专业合作社", html)
        self.assertNotIn("梁平区过期柚子专业合作社", html)
        self.assertNotIn("梁平区别家合作社", html)

    def test_the_licensed_producers_block_lists_them_once_where_the_editor_put_it(self):
        self.brand.story.append(("licensed_producers", {"heading": "授权使用主体"}))
        self.brand.save_revision().publish()
        html = self.client.get(BRAND_URL).content.decode()
        self.assertIn("授权使用主体", html)
        self.assertEqual(html.count("梁平区礼让镇川西柚子专业合作社"), 1)


class ImagesNeedAltText(WagtailPageTestCase):
    def test_an_image_block_without_alt_text_is_refused(self):
        image = make_image()
        block = ImageBlock()
        with self.assertRaises(ValidationError):
            block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))
        story = BrandStoryBlock()
        value = StreamValue(
            story, [("gallery", {"heading": "", "images": [{"image": image, "alt": "", "caption": ""}]})]
        )
        with self.assertRaises(ValidationError):
            story.clean(value)


class BrandEditorsAndOfficers(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", BRAND_EDITORS)
        cls.officer = make_user("officer", REGISTRY_OFFICERS)
        cls.gi = GeographicalIndicationFactory(name="梁平柚", slug="you")
        cls.index = brand_index()

    def form(self, **overrides):
        data = {
            "title": "万石耕春·丰味梁平",
            "slug": "wanshi-gengchun",
            "kind": "regional",
            "slogan": "万石耕春，丰味梁平",
            "brand_owner": "梁平区农业农村委员会",
            "logo": "",
            "intro": "",
            "story": streamfield([("quote", {"text": "万石耕春。", "attribution": ""})]),
            "geographical_indications": [self.gi.pk],
            **overrides,
        }
        return nested_form_data(data)

    def test_brand_editor_creates_a_draft_but_cannot_publish(self):
        self.client.force_login(self.editor)
        self.assertCanCreate(self.index, BrandPage, self.form(), publish=False)
        page = BrandPage.objects.get(slug="wanshi-gengchun")
        self.assertFalse(page.live)
        perms = page.permissions_for_user(self.editor)
        self.assertTrue(perms.can_edit())
        self.assertFalse(perms.can_publish())
        # a "publish" from the editor does not make it live
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.client.post(edit_url, {**self.form(), "action-publish": "action-publish"})
        page.refresh_from_db()
        self.assertFalse(page.live)

    def test_editor_submits_and_a_registry_officer_approves(self):
        self.client.force_login(self.editor)
        self.assertCanCreate(self.index, BrandPage, self.form(), publish=False)
        page = BrandPage.objects.get(slug="wanshi-gengchun")
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {**self.form(), "action-submit": "action-submit"}
        )
        self.assertEqual(response.status_code, 302)
        state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(state.workflow.name, "登记发布审核")
        task_state = state.current_task_state
        # the editor cannot approve their own submission; the officer can
        self.assertEqual(task_state.task.specific.get_actions(page, self.editor), [])
        self.assertIn("approve", [name for name, *_ in task_state.task.specific.get_actions(page, self.officer)])
        self.client.force_login(self.officer)
        response = self.client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
            {"comment": "核对无误"},
        )
        self.assertIn(response.status_code, (200, 302))
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(self.client.get("/brands/wanshi-gengchun/").status_code, 200)

    def test_brand_editor_cannot_touch_registry_snippets(self):
        self.client.force_login(self.editor)
        for model in ("geographicalindication", "producer", "authorisation", "standard"):
            for view, args in (("list", ()), ("add", ()), ("edit", (self.gi.pk,))):
                if view == "edit" and model != "geographicalindication":
                    continue
                url = reverse(f"wagtailsnippets_gi_registry_{model}:{view}", args=args)
                with self.subTest(model=model, view=view):
                    self.assertIn(self.client.get(url).status_code, (302, 403))
        response = self.client.post(
            reverse("wagtailsnippets_gi_registry_geographicalindication:edit", args=[self.gi.pk]), {"name": "改名"}
        )
        self.assertIn(response.status_code, (302, 403))
        self.gi.refresh_from_db()
        self.assertEqual(self.gi.name, "梁平柚")

    def test_brand_editor_can_choose_gis_for_the_product_list(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("wagtailsnippetchoosers_gi_registry_geographicalindication:choose"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("梁平柚", response.json()["html"])

    def test_brand_editor_cannot_create_brand_pages_outside_the_index(self):
        self.client.force_login(self.editor)
        home = Page.objects.get(depth=2)
        add_url = reverse("wagtailadmin_pages:add", args=["brands", "brandpage", home.pk])
        self.assertIn(self.client.get(add_url).status_code, (302, 403))
