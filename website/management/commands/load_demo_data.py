"""``manage.py load_demo_data``: load the demo registry (``gi_registry.demo``), idempotently.

Every record is found by its natural key (GI slug, producer credit code, authorisation number,
standard code). A new record, or one whose live values differ from the demo data, is validated
(``full_clean``), saved as a revision and published — exactly what publishing in the admin does,
so it is live, has a revision and an audit-log entry. A record that already matches is not
touched: running the command twice creates no rows, no revisions and no log entries.

Pages follow the same rule: the brand index and brand pages (``brands.demo``), the product-family
pages and the announcements (``website.demo``) are found by slug (a family page by its family),
and published as a new revision only when new or different (StreamFields compared without their
generated block ids).

Demo accounts (``admin``, ``officer``, ``editor``, ``producer``) are created too unless
``DEMO_USERS=0``; their password is ``$DEMO_PASSWORD`` or ``liangping-demo``. Accounts that already
exist are left as they are (password, flags and groups). This command is for demo and
development machines only — never run it against a production registry.

Wagtail keeps the search index and the reference index up to date on every save, so the
command does not run ``update_index`` or ``rebuild_references_index`` afterwards.
"""

import datetime
import enum
import os
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.blocks import StreamValue
from wagtail.models import Locale, Site

from brands import demo as brand_demo
from brands.blocks import BrandStoryBlock
from brands.models import BrandIndexPage, BrandPage
from core.i18n import source_pages
from core.origin import site_origin
from gi_registry import demo
from gi_registry.models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from gi_registry.models.standards import standard_slug
from gi_registry.setup import ensure_groups_and_workflow
from indicators.demo import DASHBOARD_PAGE_EN, load_indicators
from indicators.models import DashboardPage
from website import demo as website_demo
from website.models import (
    AnnouncementIndexPage,
    AnnouncementPage,
    ContactFormField,
    ContactPage,
    FooterLink,
    HomePage,
    NavigationLink,
    ProductFamilyPage,
    SiteSettings,
)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


GI_DEFAULTS = {
    "name_en": "",
    "registration_number": "",
    "specification_number": "",
    "authority": "",
    "holder": "",
    "registration_date": None,
    "protected_area": "",
    "protected_area_geojson": None,
    "nice_class": None,
    "goods": "",
    "valid_from": None,
    "valid_until": None,
    "summary": "",
    "is_demo": False,
}
STANDARD_DEFAULTS = {
    "title_en": "",
    "status": Standard.Status.CURRENT,
    "issuing_body": "",
    "issued_on": None,
    "implemented_on": None,
    "scope": "",
    "is_demo": False,
}


def matches(obj: models.Model, values: dict, m2m: dict[str, Iterable[models.Model]]) -> bool:
    """Whether ``obj`` (as stored) already has these field values and many-to-many members."""
    for name, wanted in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            if getattr(obj, field.attname) != (wanted.pk if wanted is not None else None):
                return False
        elif getattr(obj, name) != field.to_python(wanted):
            return False
    return all({o.pk for o in getattr(obj, name).all()} == {o.pk for o in items} for name, items in m2m.items())


def sync_record(
    model: type[models.Model], lookup: dict, values: dict, m2m: dict[str, Iterable[models.Model]] | None = None
) -> tuple[models.Model, Outcome]:
    """Create or update one publishable registry record so that its live version equals the data.

    Unchanged (live and equal) records are left alone; others are cleaned, saved as a new revision
    and published, through the same actions the admin uses (which log create/edit and publish).
    """
    m2m = m2m or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj, outcome = model(**lookup), Outcome.CREATED
    elif obj.live and matches(obj, values, m2m):
        return obj, Outcome.UNCHANGED
    else:
        outcome = Outcome.UPDATED
    for name, value in values.items():
        setattr(obj, name, value)
    for name, items in m2m.items():
        getattr(obj, name).set(list(items))  # ParentalManyToMany: kept in memory until saved
    action = CreateAction if outcome is Outcome.CREATED else EditAction
    # publish=True: full_clean(), save_revision(), then publish the revision (live, with history).
    action(obj, publish=True).execute(skip_permission_checks=True)
    return obj, outcome


class Command(BaseCommand):
    help = (
        "Load the demo GIs, producers, authorisations, standards, home page text, brand pages and demo accounts "
        "(idempotent)."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        with transaction.atomic():
            users = self.load_users() if os.environ.get("DEMO_USERS", "1").strip() != "0" else {}
            gis = self.load_geographical_indications()
            producers = self.load_producers(users.get("producer"))
            self.load_authorisations(gis, producers)
            self.load_standards(gis)
            self.load_home_page()
            self.load_brands(gis)
            self.load_family_pages()
            self.load_announcements()
            load_indicators(self)
            self.load_contact_page()
            self.load_translations(gis)
            self.load_site_settings()
            self.load_site_record()
        counts = dict.fromkeys(Outcome, 0)
        for outcome in self.outcomes.values():
            counts[outcome] += 1
        if self.verbosity:
            self.stdout.write(
                f"Demo data: {counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
                f"{counts[Outcome.UNCHANGED]} unchanged"
            )

    # --- progress ---------------------------------------------------------------------------

    def record(self, section: str, key: str, outcome: Outcome, position: int, total: int) -> None:
        """Remember the outcome (a record created earlier in this run stays "created")."""
        previous = self.outcomes.get((section, key))
        if previous is None or previous is Outcome.UNCHANGED:
            self.outcomes[(section, key)] = outcome
        if self.verbosity and self.stdout.isatty():
            self.stdout.write(f"\r  {section}: {position}/{total}", ending="")
            self.stdout.flush()

    def section_done(self, section: str) -> None:
        if not self.verbosity:
            return
        mine = [o for (s, _key), o in self.outcomes.items() if s == section]
        summary = ", ".join(f"{sum(o is outcome for o in mine)} {outcome}" for outcome in Outcome)
        prefix = "\r" if self.stdout.isatty() else ""
        self.stdout.write(f"{prefix}  {section}: {len(mine)} ({summary})")

    # --- sections ---------------------------------------------------------------------------

    def load_users(self) -> dict[str, models.Model]:
        """The demo accounts; existing accounts of the same name are left untouched."""
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_DEMO_PASSWORD
        group_names = {group for _u, group, _s, _d in demo.DEMO_USERS if group}
        if Group.objects.filter(name__in=group_names).count() != len(group_names):
            ensure_groups_and_workflow()
        users = {}
        for position, (username, group_name, superuser, display_name) in enumerate(demo.DEMO_USERS, 1):
            user = User.objects.filter(username=username).first()
            outcome = Outcome.UNCHANGED
            if user is None:
                user = User(username=username, first_name=display_name, is_superuser=superuser, is_staff=superuser)
                user.set_password(password)
                user.save()
                if group_name:
                    user.groups.add(Group.objects.get(name=group_name))
                outcome = Outcome.CREATED
            users[username] = user
            self.record("users", username, outcome, position, len(demo.DEMO_USERS))
        self.section_done("users")
        return users

    def load_geographical_indications(self) -> dict[str, GeographicalIndication]:
        families = {f.slug: f for f in ProductFamily.objects.all()}
        townships = {t.name: t for t in Township.objects.all()}
        gis = {}
        for position, data in enumerate(demo.GEOGRAPHICAL_INDICATIONS, 1):
            values = {**GI_DEFAULTS, **data}
            slug = values.pop("slug")
            values["product_family"] = families[values["product_family"]]
            area = [townships[name] for name in values.pop("townships", [])]
            gi, outcome = sync_record(GeographicalIndication, {"slug": slug}, values, {"townships": area})
            gis[slug] = gi
            self.record("geographical indications", slug, outcome, position, len(demo.GEOGRAPHICAL_INDICATIONS))
        self.section_done("geographical indications")
        return gis

    def load_producers(self, account) -> dict[int, Producer]:
        families = {f.slug: f for f in ProductFamily.objects.all()}
        townships = {t.name: t for t in Township.objects.all()}
        producers = {}
        for position, row in enumerate(demo.PRODUCERS, 1):
            seed, _category, code, kind, name, township, family_slugs, address, location, contact = row
            latitude, longitude = location or (None, None)
            person, phone, public = contact or ("", "", False)
            values = {
                "name": name,
                "kind": kind,
                "township": townships[township],
                "address": f"重庆市梁平区{address}",
                "latitude": latitude,
                "longitude": longitude,
                "contact_person": person,
                "contact_phone": phone,
                "contact_public": public,
                "description": demo.PRODUCER_DESCRIPTIONS[kind],
                "status": demo.PRODUCER_STATUS.get(code, Producer.Status.ACTIVE),
                "is_demo": True,
            }
            m2m = {"product_families": [families[slug] for slug in family_slugs]}
            if account is not None and code == demo.DEMO_PRODUCER_ACCOUNT_FOR:
                # Add the demo account; accounts an officer linked by hand stay linked.
                existing = Producer.objects.filter(credit_code=code).first()
                accounts = list(existing.accounts.all()) if existing else []
                m2m["accounts"] = [*accounts, account] if account not in accounts else accounts
            producer, outcome = sync_record(Producer, {"credit_code": code}, values, m2m)
            producers[seed] = producer
            self.record("producers", code, outcome, position, len(demo.PRODUCERS))
        self.section_done("producers")
        return producers

    def load_authorisations(self, gis: dict[str, GeographicalIndication], producers: dict[int, Producer]) -> None:
        for position, row in enumerate(demo.AUTHORISATIONS, 1):
            seed, gi_slug, start, months, status, quota = row
            valid_from = demo.month_start(start)
            valid_until = demo.month_start(start + months) - datetime.timedelta(days=1)
            number = demo.authorisation_number(position, valid_from)
            values = {
                "producer": producers[seed],
                "geographical_indication": gis[gi_slug],
                "scope": demo.AUTHORISATION_SCOPES[gi_slug],
                "valid_from": valid_from,
                "valid_until": valid_until,
                "status": status,
                "yearly_quota": quota,
                "is_demo": True,
            }
            _authorisation, outcome = sync_record(Authorisation, {"number": number}, values)
            self.record("authorisations", number, outcome, position, len(demo.AUTHORISATIONS))
        self.section_done("authorisations")

    def load_standards(self, gis: dict[str, GeographicalIndication]) -> None:
        families = {f.slug: f for f in ProductFamily.objects.all()}
        total = len(demo.STANDARDS)
        pending = []  # (code, replacement code) whose replacement did not exist yet
        for position, data in enumerate(demo.STANDARDS, 1):
            values = {**STANDARD_DEFAULTS, **data}
            code = values.pop("code")
            values["slug"] = standard_slug(code)
            replaced_by = values.pop("replaced_by", None)
            if replaced_by is None:
                values["replaced_by"] = None
            elif (replacement := Standard.objects.filter(code=replaced_by).first()) is not None:
                values["replaced_by"] = replacement
            else:
                pending.append((code, replaced_by))
            m2m = {
                "geographical_indications": [gis[slug] for slug in values.pop("geographical_indications", [])],
                "product_families": [families[slug] for slug in values.pop("product_families", [])],
            }
            _standard, outcome = sync_record(Standard, {"code": code}, values, m2m)
            self.record("standards", code, outcome, position, total)
        # Second pass: "replaced by" a standard that the first pass created after this one.
        for code, replaced_by in pending:
            replacement = Standard.objects.filter(code=replaced_by).first()
            if replacement is None:
                raise CommandError(f"{code} is replaced by {replaced_by}, which is not in the demo data.")
            _standard, outcome = sync_record(Standard, {"code": code}, {"replaced_by": replacement})
            self.record("standards", code, outcome, total, total)
        self.section_done("standards")

    def load_home_page(self) -> None:
        page = source_pages(HomePage.objects.all()).first()
        if page is None:
            self.stderr.write("  home page: none found (run migrate first); skipped")
            return
        changed = not page.live or any(getattr(page, name) != value for name, value in demo.HOME_PAGE.items())
        if changed:
            for name, value in demo.HOME_PAGE.items():
                setattr(page, name, value)
            page.save_revision(log_action=True).publish()
        self.record("home page", str(page.pk), Outcome.UPDATED if changed else Outcome.UNCHANGED, 1, 1)
        self.section_done("home page")

    def publish_page(self, page, values: dict, m2m: dict | None = None, parent=None, force: bool = False) -> Outcome:
        """Make ``page``'s live version equal ``values``; add it under ``parent`` when it is new."""
        m2m = m2m or {}
        if not force and page.pk is not None and page.live and page_matches(page, values, m2m):
            return Outcome.UNCHANGED
        for name, value in values.items():
            setattr(page, name, value)
        for name, items in m2m.items():
            getattr(page, name).set(list(items))
        outcome = Outcome.UPDATED if page.pk else Outcome.CREATED
        if page.pk is None:
            parent.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        return outcome

    def load_brands(self, gis: dict[str, GeographicalIndication]) -> None:
        home = source_pages(HomePage.objects.all()).first()
        if home is None:
            return
        total = 1 + len(brand_demo.BRANDS)
        index = BrandIndexPage.objects.child_of(home).first() or BrandIndexPage()
        outcome = self.publish_page(index, brand_demo.BRAND_INDEX, parent=home)
        self.record("brands", "index", outcome, 1, total)
        families = {f.slug: f for f in ProductFamily.objects.all()}
        for position, data in enumerate(brand_demo.BRANDS, 2):
            values = {key: value for key, value in data.items() if key not in ("story", "product_families")}
            values.pop("geographical_indications")
            values["story"] = brand_story(data["story"], gis)
            values["is_demo"] = True
            m2m = {
                "geographical_indications": [gis[slug] for slug in data["geographical_indications"]],
                "product_families": [families[slug] for slug in data["product_families"]],
            }
            page = source_pages(BrandPage.objects.filter(slug=data["slug"])).first() or BrandPage()
            outcome = self.publish_page(page, values, m2m, parent=index)
            self.record("brands", data["slug"], outcome, position, total)
        self.section_done("brands")

    def load_family_pages(self) -> None:
        home = source_pages(HomePage.objects.all()).first()
        if home is None:
            return
        families = {f.slug: f for f in ProductFamily.objects.all()}
        total = len(website_demo.FAMILY_PAGES)
        for position, data in enumerate(website_demo.FAMILY_PAGES, 1):
            family = families[data["family"]]
            values = {"title": data["title"], "slug": family.slug, "intro": data["intro"]}
            page = source_pages(ProductFamilyPage.objects.filter(family=family)).first() or ProductFamilyPage(
                family=family
            )
            outcome = self.publish_page(page, values, parent=home)
            self.record("family pages", family.slug, outcome, position, total)
        self.section_done("family pages")

    def load_announcements(self) -> None:
        home = source_pages(HomePage.objects.all()).first()
        if home is None:
            return
        total = 1 + len(website_demo.ANNOUNCEMENTS)
        index = AnnouncementIndexPage.objects.child_of(home).first() or AnnouncementIndexPage()
        self.record(
            "announcements", "index", self.publish_page(index, website_demo.ANNOUNCEMENT_INDEX, parent=home), 1, total
        )
        for position, data in enumerate(website_demo.ANNOUNCEMENTS, 2):
            page = source_pages(AnnouncementPage.objects.filter(slug=data["slug"])).first() or AnnouncementPage()
            outcome = self.publish_page(page, {**data, "is_demo": True}, parent=index)
            self.record("announcements", data["slug"], outcome, position, total)
        self.section_done("announcements")

    def load_contact_page(self) -> None:
        home = source_pages(HomePage.objects.all()).first()
        if home is None:
            return
        page = source_pages(ContactPage.objects.all()).first() or ContactPage()
        fields_changed = self.set_form_fields(page, website_demo.CONTACT_FIELDS)
        outcome = self.publish_page(page, website_demo.CONTACT_PAGE, parent=home, force=fields_changed)
        self.record("contact page", "contact", outcome, 1, 1)
        self.section_done("contact page")

    @staticmethod
    def set_form_fields(page: ContactPage, fields: list[dict]) -> bool:
        """Give ``page`` these form fields (unsaved); False when it has them already."""
        wanted = [{"help_text": "", "choices": "", **field} for field in fields]
        current = [{name: getattr(f, name) for name in wanted[0]} for f in page.form_fields.all()] if page.pk else []
        if current == [{name: field[name] for name in wanted[0]} for field in wanted]:
            return False
        page.form_fields = [ContactFormField(sort_order=i, **field) for i, field in enumerate(wanted)]
        return True

    def load_site_record(self) -> None:
        """The default Site's hostname and port from the site origin (``SITE_ORIGIN``, in
        development ``WAGTAILADMIN_BASE_URL``): Wagtail's sitemap and page URLs use them, and a
        fresh database says ``localhost:80``."""
        origin = urlsplit(site_origin())
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or not origin.hostname:
            return
        port = origin.port or (443 if origin.scheme == "https" else 80)
        changed = (site.hostname, site.port) != (origin.hostname, port)
        if changed:
            site.hostname, site.port = origin.hostname, port
            site.save(update_fields=["hostname", "port"])
        self.record("site record", str(site.pk), Outcome.UPDATED if changed else Outcome.UNCHANGED, 1, 1)
        self.section_done("site record")

    def load_site_settings(self) -> None:
        """The demo navigation and footer (site settings), replaced only when they differ."""
        site = Site.objects.filter(is_default_site=True).first()
        home = source_pages(HomePage.objects.all()).first()
        if site is None or home is None:
            return
        chosen = SiteSettings.objects.filter(site=site).first() or SiteSettings(site=site)

        def links(rows):
            result = []
            for label, label_en, target in rows:
                page = None if target.startswith("/") else home.get_children().filter(slug=target).first()
                if page is None and not target.startswith("/"):
                    continue  # that page is not there (yet)
                result.append((label, label_en, page.pk if page else None, target if page is None else ""))
            return result

        wanted = (links(website_demo.NAVIGATION), links(website_demo.FOOTER_LINKS), website_demo.SITE_FOOTER)

        def rows(links):
            return [(x.label, x.label_en, x.link_page_id, x.link_path) for x in links.all()]

        def made(model, wanted_rows):
            return [
                model(sort_order=i, label=a, label_en=b, link_page_id=c, link_path=d)
                for i, (a, b, c, d) in enumerate(wanted_rows)
            ]

        current = (
            rows(chosen.navigation_links),
            rows(chosen.footer_links),
            {name: getattr(chosen, name) for name in website_demo.SITE_FOOTER},
        )
        if chosen.pk and current == wanted:
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.UPDATED if chosen.pk else Outcome.CREATED
            for name, value in website_demo.SITE_FOOTER.items():
                setattr(chosen, name, value)
            chosen.navigation_links = made(NavigationLink, wanted[0])
            chosen.footer_links = made(FooterLink, wanted[1])
            chosen.save()
        self.record("site settings", "navigation and footer", outcome, 1, 1)
        self.section_done("site settings")

    def load_translations(self, gis: dict[str, GeographicalIndication]) -> None:
        """The English versions (Wagtail translations in the "en" locale) of the home page, the brand
        index and brands, the family pages and the announcement index; parents before children."""
        english = Locale.objects.filter(language_code="en").first()
        home = source_pages(HomePage.objects.all()).first()
        if english is None or home is None:
            self.stderr.write("  translations: no English locale or home page (run migrate first); skipped")
            return
        brand_index = source_pages(BrandIndexPage.objects.all()).first()
        news_index = source_pages(AnnouncementIndexPage.objects.all()).first()
        work = [(home, website_demo.HOME_PAGE_EN), (brand_index, brand_demo.BRAND_INDEX_EN)]
        for slug, data in brand_demo.BRANDS_EN.items():
            page = source_pages(BrandPage.objects.filter(slug=slug)).first()
            work.append((page, {**data, "story": brand_story(data["story"], gis)}))
        for page in source_pages(ProductFamilyPage.objects.select_related("family")):
            if page.family.slug in website_demo.FAMILY_PAGES_EN:
                work.append((page, website_demo.FAMILY_PAGES_EN[page.family.slug]))
        work.append((news_index, website_demo.ANNOUNCEMENT_INDEX_EN))
        work.append((source_pages(ContactPage.objects.all()).first(), website_demo.CONTACT_PAGE_EN))
        work.append((source_pages(DashboardPage.objects.all()).first(), DASHBOARD_PAGE_EN))
        work = [(page, values) for page, values in work if page is not None]
        for position, (source, values) in enumerate(work, 1):
            translation = source.get_translation_or_none(english)
            created = translation is None
            if created:
                translation = source.copy_for_translation(english)
            translation = translation.specific
            force = isinstance(translation, ContactPage) and self.set_form_fields(
                translation, website_demo.CONTACT_FIELDS_EN
            )
            outcome = self.publish_page(translation, values, force=force)
            outcome = Outcome.CREATED if created else outcome
            self.record("translations", f"en:{source.slug}", outcome, position, len(work))
        self.section_done("translations")


def brand_story(story: list[tuple[str, object]], gis: dict[str, GeographicalIndication]):
    """A demo brand story as a StreamField value: a product list's GI slugs become the GIs."""
    blocks = [
        (kind, {**value, "products": [gis[slug] for slug in value["products"]]} if kind == "products" else value)
        for kind, value in story
    ]
    return BrandStoryBlock().normalize(blocks)


def _without_ids(value):
    """A stream's stored JSON without the block ids Wagtail generates afresh on every build."""
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def page_matches(page, values: dict, m2m: dict[str, Iterable[models.Model]]) -> bool:
    """Like ``matches``, for a page whose StreamField values are compared as stored JSON."""
    plain = {name: value for name, value in values.items() if not isinstance(value, StreamValue)}
    for name, value in values.items():
        if isinstance(value, StreamValue) and _without_ids(getattr(page, name).get_prep_value()) != _without_ids(
            value.stream_block.get_prep_value(value)
        ):
            return False
    return matches(page, plain, m2m)
