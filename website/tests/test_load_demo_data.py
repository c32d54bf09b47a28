"""``manage.py load_demo_data`` (``core.demo`` and every app's ``demo`` module): what it loads, in
what order, that it is idempotent, and the demo accounts."""

import datetime
import io
import os
import re
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Locale, Page, Revision

from brands import demo as brand_demo
from brands.models import BrandPage
from core.demo import demo_steps, home_page
from gi_registry import demo
from gi_registry.factories import make_credit_code
from gi_registry.models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard
from gi_registry.protection import demo as protection_demo
from gi_registry.trace import demo as trace_demo
from gi_registry.validators import validate_credit_code
from indicators import demo as indicator_demo
from website import demo as website_demo
from website.models import HomePage

SUMMARY = re.compile(r"^Demo data: (\d+) created, (\d+) updated, (\d+) unchanged$", re.MULTILINE)
DEMO_USERNAMES = [username for username, *_ in demo.DEMO_USERS]
A_DAY_IN_THE_DEMO = datetime.date(2026, 11, 26)  # the day the demo periods were drawn around


def load(verbosity: int = 1, **env) -> tuple[int, int, int]:
    """Run the command with a clean demo environment plus ``env``; return its summary figures."""
    return summary(run_command(verbosity, **env))


def run_command(verbosity: int = 1, **env) -> str:
    out = io.StringIO()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("DEMO_USERS", "DEMO_PASSWORD")}
    with mock.patch.dict(os.environ, {**clean_env, **env}, clear=True):
        call_command("load_demo_data", stdout=out, stderr=io.StringIO(), verbosity=verbosity)
    return out.getvalue()


def summary(output: str) -> tuple[int, int, int]:
    match = SUMMARY.search(output)
    assert match, output
    return tuple(int(n) for n in match.groups())


def table_sizes() -> dict[str, int]:
    """Every table's row count: records, pages, revisions, audit log, reference and search index."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class LoadedDemoData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_run = load()

    def test_first_run_creates_every_record_and_updates_the_home_page(self):
        expected = (
            len(demo.DEMO_USERS)
            + len(demo.GEOGRAPHICAL_INDICATIONS)
            + len(demo.PRODUCERS)
            + len(demo.AUTHORISATIONS)
            + len(demo.STANDARDS)
            + len(trace_demo.BATCHES)  # with their events, codes, scans and the withdrawal
            + 1  # the first batch's compliance certificate
            + 1  # the demo authorisation's usage report for last year (in force since 2025)
            + 1  # the brand index page (brands/demo.py)
            + len(brand_demo.BRANDS)
            + len(website_demo.FAMILY_PAGES)
            + 1  # the announcement index
            + len(website_demo.ANNOUNCEMENTS)
            + 1  # the contact page
            + len(indicator_demo.INDICATORS)
            + 1  # the dashboard page
            + 1  # the site settings (navigation and footer)
            # English translations: home, brand index, brands, family pages, announcement index, contact,
            # dashboard
            + 5
            + len(brand_demo.BRANDS_EN)
            + len(website_demo.FAMILY_PAGES_EN)
            # the drawn demo images: a mark per GI, a logo per brand, a photo per family page
            + len(demo.GEOGRAPHICAL_INDICATIONS)
            + len(brand_demo.BRANDS)
            + len(website_demo.FAMILY_PAGES)
            # the demo producer's public profile and its drawn photos
            + 1
            + len(demo.DEMO_PROFILE_PHOTOS)
            # protection: the demo 执法人员 account, the suspected copy's scans, the cases
            + 1
            + 1
            + len(protection_demo.CASES)
        )
        self.assertEqual(self.first_run, (expected, 2, 0))  # the home page, and the Site record (localhost → origin)

    def test_second_run_changes_nothing(self):
        before = table_sizes()
        created, updated, unchanged = load()
        self.assertEqual((created, updated), (0, 0))
        self.assertEqual(unchanged, sum(self.first_run))
        self.assertEqual(table_sizes(), before)

    def test_the_summary_by_app_with_verbosity_2(self):
        output = run_command(verbosity=2)
        self.assertEqual(summary(output), (0, 0, sum(self.first_run)))
        for label in ("gi_registry", "trace", "protection", "website", "brands", "indicators"):
            with self.subTest(app=label):
                self.assertRegex(output, rf"(?m)^  {label}: 0 created, 0 updated, \d+ unchanged$")

    def test_the_pages_keep_their_order_under_the_home_page(self):
        home = home_page()
        self.assertEqual(home.slug, "home")
        self.assertEqual(
            list(home.get_children().values_list("slug", flat=True)),
            ["brands", "rice", "pomelo", "duck", "beans", "bamboo", "announcements", "indicators", "contact"],
        )
        english = Page.objects.get(translation_key=home.translation_key, locale__language_code="en")
        self.assertEqual(english.get_children().count(), 9)  # announcements themselves stay Chinese-only

    def test_a_record_edited_since_is_restored_with_one_new_revision(self):
        gi = GeographicalIndication.objects.get(slug="liangping-dami")
        GeographicalIndication.objects.filter(pk=gi.pk).update(holder="someone else")
        revisions = Revision.objects.count()
        self.assertEqual(load()[:2], (0, 1))
        gi.refresh_from_db()
        self.assertEqual(gi.holder, "梁平区稻米产业协会")
        self.assertEqual(gi.live_revision, gi.latest_revision)
        self.assertEqual(Revision.objects.count(), revisions + 1)

    def test_every_record_is_live_with_a_published_revision(self):
        for model in (GeographicalIndication, Producer, Authorisation, Standard):
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.filter(live=False).exists())
                self.assertFalse(model.objects.filter(live_revision__isnull=True).exists())
                self.assertFalse(model.objects.filter(has_unpublished_changes=True).exists())

    def test_producer_credit_codes_are_valid_liangping_codes(self):
        category = {"enterprise": "91", "cooperative": "93", "individual": "92"}
        for seed, cat, code, kind, *_ in demo.PRODUCERS:
            with self.subTest(code=code):
                validate_credit_code(code)
                self.assertEqual(code, make_credit_code(seed, cat))
                self.assertEqual(code[2:8], "500155")
                if kind in category:
                    self.assertEqual(cat, category[kind])
        for producer in Producer.objects.all():
            validate_credit_code(producer.credit_code)
        self.assertEqual(set(Producer.Kind.values), set(Producer.objects.values_list("kind", flat=True)))

    def test_liangping_you_is_the_registered_agricultural_gi_of_2008(self):
        gi = GeographicalIndication.objects.get(name="梁平柚")
        self.assertTrue(gi.live)
        self.assertEqual(gi.status, GeographicalIndication.Status.REGISTERED)
        self.assertEqual(gi.kind, GeographicalIndication.Kind.AGRICULTURAL)
        self.assertEqual(gi.registration_date, datetime.date(2008, 7, 1))
        self.assertEqual(gi.authority, "农业农村部")
        # the certificate number and the protected area are invented, and the record says so
        self.assertTrue(gi.is_demo)
        self.assertIn("演示", gi.summary)
        self.assertGreater(gi.townships.count(), 5)
        ring = gi.protected_area_geojson["geometry"]["coordinates"][0]
        self.assertTrue(all(107.5 <= lon <= 108.0 and 30.4 <= lat <= 30.9 for lon, lat in ring))

    def test_each_of_the_five_zi_has_a_live_gi_and_every_kind_is_used(self):
        for family in ProductFamily.objects.filter(is_five_zi=True):
            with self.subTest(family=family.name):
                self.assertTrue(family.geographical_indications.filter(live=True).exists())
        kinds = set(GeographicalIndication.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, set(GeographicalIndication.Kind.values))
        for gi in GeographicalIndication.objects.filter(kind__in=GeographicalIndication.MARK_KINDS):
            with self.subTest(gi=gi.name):
                self.assertIn(gi.nice_class, {29, 30, 31})
                if gi.status == GeographicalIndication.Status.REGISTERED:
                    self.assertEqual(gi.valid_until.year - gi.valid_from.year, 10)
        self.assertTrue(GeographicalIndication.objects.filter(status="applied").exists())

    def test_invented_records_are_flagged_as_demo(self):
        for model in (GeographicalIndication, Producer, Authorisation):
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.filter(is_demo=False).exists())
        # only national and industry standards are real; every local, group, enterprise one is invented
        real = Standard.objects.filter(is_demo=False)
        self.assertTrue(real.exists())
        self.assertEqual(set(real.values_list("level", flat=True)), {"national", "industry"})
        self.assertTrue(Standard.objects.filter(is_demo=True).exists())

    def test_authorisations_follow_the_rules(self):
        self.assertEqual(Authorisation.objects.count(), len(demo.AUTHORISATIONS))
        for authorisation in Authorisation.objects.select_related("geographical_indication"):
            with self.subTest(number=authorisation.number):
                self.assertRegex(authorisation.number, r"^LPGI-\d{4}-\d{5}$")
                self.assertEqual(authorisation.geographical_indication.status, "registered")
                if authorisation.status == Authorisation.Status.ACTIVE:
                    self.assertTrue(authorisation.is_valid_on(A_DAY_IN_THE_DEMO))
                if authorisation.status == Authorisation.Status.EXPIRED:
                    self.assertLess(authorisation.valid_until, A_DAY_IN_THE_DEMO)
        statuses = set(Authorisation.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"active", "suspended", "expired"})

    def test_standards_include_a_superseded_chain_and_a_withdrawn_one(self):
        old = Standard.objects.get(code="DB50/T 9101-2016")
        self.assertEqual(old.status, Standard.Status.SUPERSEDED)
        self.assertEqual(old.replaced_by.code, "DB50/T 9101-2022")
        self.assertEqual(old.replaced_by.status, Standard.Status.CURRENT)
        self.assertTrue(Standard.objects.filter(status=Standard.Status.WITHDRAWN).exists())
        self.assertEqual(set(Standard.objects.values_list("level", flat=True)), set(Standard.Level.values))
        self.assertFalse(Standard.objects.filter(geographical_indications=None).exists())

    def test_home_page_intro_is_published(self):
        home = HomePage.objects.get(locale__language_code="zh-hans")
        self.assertEqual(home.intro, website_demo.HOME_PAGE["intro"])
        self.assertTrue(home.live)
        self.assertEqual(home.live_revision.as_object().intro, website_demo.HOME_PAGE["intro"])

    def test_the_demo_images_are_drawn_marked_and_used(self):
        from wagtail.images.models import Image

        from core.demo import DEMO_IMAGE_PREFIX, DEMO_IMAGE_TAG
        from website.models import ProductFamilyPage

        demo_images = Image.objects.filter(tags__name=DEMO_IMAGE_TAG)
        expected = (
            len(demo.GEOGRAPHICAL_INDICATIONS)
            + len(brand_demo.BRANDS)
            + len(website_demo.FAMILY_PAGES)
            + len(demo.DEMO_PROFILE_PHOTOS)  # the demo producer's package and label
        )
        self.assertEqual(demo_images.count(), expected)
        for image in demo_images:
            with self.subTest(image=image.title):
                self.assertTrue(image.title.startswith(DEMO_IMAGE_PREFIX))
                self.assertGreaterEqual(min(image.width, image.height), 600)
        for gi in GeographicalIndication.objects.all():
            self.assertIn(gi.mark_image, demo_images, gi.slug)
            self.assertEqual(gi.mark_image.collection.name, "登记资料")
        for brand in brand_demo.BRANDS:
            page = BrandPage.objects.get(slug=brand["slug"], locale__language_code="zh-hans")
            english = page.get_translation(Locale.objects.get(language_code="en")).specific
            self.assertIn(page.logo, demo_images)
            self.assertEqual((english.logo, page.logo.collection.name), (page.logo, "品牌素材"))
        for page in ProductFamilyPage.objects.all():
            self.assertIn(page.image, demo_images, page.slug)
            self.assertTrue(page.image_alt)
            self.assertEqual(page.image.collection.name, "品牌素材")

    def test_demo_accounts_exist_with_their_groups(self):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
        self.assertEqual(set(users), set(DEMO_USERNAMES))
        self.assertTrue(users["admin"].is_superuser)
        for username, group, _superuser, _name in demo.DEMO_USERS:
            with self.subTest(username=username):
                self.assertTrue(users[username].check_password(demo.DEFAULT_DEMO_PASSWORD))
                if group:
                    groups = set(users[username].groups.values_list("name", flat=True))
                    # the producer account is also in its producer's image and document group
                    own = {f"生产主体素材·{demo.DEMO_PRODUCER_ACCOUNT_FOR}"} if username == "producer" else set()
                    self.assertEqual(groups, {group, *own})
        producer = Producer.objects.get(accounts=users["producer"])  # exactly one
        self.assertEqual(producer.credit_code, demo.DEMO_PRODUCER_ACCOUNT_FOR)
        # the link is part of the published revision, not only of the table
        self.assertEqual(list(producer.live_revision.as_object().accounts.all()), [users["producer"]])


@pytest.mark.django_db
def test_no_demo_accounts_with_demo_users_0():
    users = get_user_model().objects.count()
    load(DEMO_USERS="0")
    assert get_user_model().objects.count() == users
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not Producer.accounts.through.objects.exists()
    assert Producer.objects.count() == len(demo.PRODUCERS)


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment():
    load(DEMO_PASSWORD="another-demo-pass")
    officer = get_user_model().objects.get(username="officer")
    assert officer.check_password("another-demo-pass")


def test_each_app_s_demo_module_is_found_and_its_steps_run_by_stage():
    steps = demo_steps()
    orders = [step.order for _label, step in steps]
    assert orders == sorted(orders)
    assert list(dict.fromkeys(label for label, _step in steps)) == [
        "gi_registry",
        "trace",
        "protection",
        "interfaces",
        "website",
        "brands",
        "indicators",
    ]
    names = [f"{label}.{step.load.__name__}" for label, step in steps]
    # the registry before any page; the English home before other English pages; links last
    assert names[:6] == [
        "gi_registry.load",
        "trace.load",
        "protection.load",
        "interfaces.load",
        "website.load_home_page",
        "brands.load",
    ]
    assert names.index("website.translate_home_page") < names.index("brands.translate")
    assert names[-2:] == ["website.load_site_settings", "website.load_site_record"]
