"""The demo-data loader: one generic, idempotent loader for every app's ``demo`` module.

Each installed app may have a ``demo`` module (``gi_registry.demo``, ``brands.demo``…) holding its
demo data and a ``DEMO_STEPS`` list of ``Step(order, load)``: ``load(run)`` makes that part of the
data exist (``run`` is the ``DemoRun``, which reports progress). ``load_demo_data()`` finds the
modules (``apps.get_app_configs()``), runs every step in ``order`` (ties: ``INSTALLED_APPS``
order), each in its own transaction, and returns the outcome counts; ``manage.py load_demo_data``
(in ``website``, the project) is a thin wrapper around it.

Steps are ordered by stage, so that nothing refers to what does not exist yet: registry records
before the pages that show them, the home page before the pages under it, source (Chinese) pages
before their English translations (parents before children), and the site-wide settings, which
link to pages, last. Within a stage an app adds a small offset to keep the page tree in the order
the demo site has always had (brands, family pages, announcements, dashboard, contact).

Every record is found by its natural key and written only when new or different (``sync_record``
for publishable snippets, ``publish_page`` for pages): a new or changed record is validated, saved
as a revision and published, as publishing in the admin does, so it is live, has a revision and an
audit-log entry; a record that already matches is not touched, so a second run creates no rows, no
revisions and no log entries. Demo records keep ``is_demo=True``; the public site badges them.

This module depends on no app of ours; apps find "the home page" with ``home_page()`` (the default
site's root) rather than importing the site's page models.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Iterable
from importlib import import_module
from importlib.util import find_spec
from typing import NamedTuple

from django.apps import apps
from django.db import models, transaction
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.blocks import StreamValue
from wagtail.models import Locale, Page, Site

#: Stages of ``Step.order`` (an app adds an offset below the next stage).
RECORDS = 100  # registry records and accounts
HOME = 200  # the site's home page
PAGES = 300  # the pages under the home page
TRANSLATIONS = 400  # English versions of pages, parents before children
SITE = 500  # site-wide settings that link to pages, the Site record


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Step(NamedTuple):
    """One part of an app's demo data: ``load(run)`` runs at ``order`` (lower first)."""

    order: int
    load: Callable[[DemoRun], None]


class DemoRun:
    """One run of the loader: the outcome of every record, and the progress shown on the way.

    A step reports each record with ``record(section, key, outcome, position, total)``; a
    section's line (``  brands: 4 (4 created, 0 updated, 0 unchanged)``) is printed when the next
    section starts or the run ends, so consecutive steps of one section (the translations) share
    one line. On a terminal, ``position/total`` is redrawn in place as records go by.
    """

    def __init__(self, stdout, stderr, verbosity: int = 1) -> None:
        self.stdout, self.stderr, self.verbosity = stdout, stderr, verbosity
        self.app_label = ""
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self.apps: dict[tuple[str, str], str] = {}  # (section, key) → the app that loaded it
        self._section: str | None = None

    def record(self, section: str, key: str, outcome: Outcome, position: int, total: int) -> None:
        """Remember the outcome (a record created earlier in this run stays "created")."""
        if section != self._section:
            self.end_section()
            self._section = section
        previous = self.outcomes.get((section, key))
        if previous is None or previous is Outcome.UNCHANGED:
            self.outcomes[(section, key)] = outcome
        self.apps.setdefault((section, key), self.app_label)
        if self.verbosity and self.stdout.isatty():
            self.stdout.write(f"\r  {section}: {position}/{total}", ending="")
            self.stdout.flush()

    def end_section(self) -> None:
        """Print the current section's line (if any)."""
        section, self._section = self._section, None
        if section is None or not self.verbosity:
            return
        mine = [o for (s, _key), o in self.outcomes.items() if s == section]
        prefix = "\r" if self.stdout.isatty() else ""
        self.stdout.write(f"{prefix}  {section}: {len(mine)} ({describe(counts(mine))})")

    def warn(self, message: str) -> None:
        self.stderr.write(f"  {message}")

    def counts(self, app_label: str | None = None) -> dict[Outcome, int]:
        """Outcome counts of the whole run, or of one app's records."""
        return counts(o for key, o in self.outcomes.items() if app_label in (None, self.apps[key]))


def counts(outcomes: Iterable[Outcome]) -> dict[Outcome, int]:
    result = dict.fromkeys(Outcome, 0)
    for outcome in outcomes:
        result[outcome] += 1
    return result


def describe(counted: dict[Outcome, int]) -> str:
    """``4 created, 0 updated, 0 unchanged``."""
    return ", ".join(f"{counted[outcome]} {outcome}" for outcome in Outcome)


# --- discovery and the run ------------------------------------------------------------------


def demo_steps(app_labels: Iterable[str] | None = None) -> list[tuple[str, Step]]:
    """``(app label, step)`` for every installed app's ``demo`` module (or only these apps'), in
    the order they run."""
    wanted = set(app_labels) if app_labels is not None else None
    found = []
    for position, config in enumerate(apps.get_app_configs()):
        if wanted is not None and config.label not in wanted:
            continue
        name = f"{config.name}.demo"
        if find_spec(name) is None:
            continue
        for step in getattr(import_module(name), "DEMO_STEPS", ()):
            found.append((step.order, position, config.label, step))
    found.sort(key=lambda item: item[:2])
    return [(label, step) for _order, _position, label, step in found]


def load_demo_data(stdout, stderr, verbosity: int = 1, app_labels: Iterable[str] | None = None) -> DemoRun:
    """Run every demo step (each in its own transaction); return the run with its outcomes."""
    run = DemoRun(stdout, stderr, verbosity)
    for label, step in demo_steps(app_labels):
        run.app_label = label
        with transaction.atomic():
            step.load(run)
    run.end_section()
    if verbosity > 1:
        for label in dict.fromkeys(run.apps.values()):
            run.stdout.write(f"  {label}: {describe(run.counts(label))}")
    return run


# --- demo images ------------------------------------------------------------------------------

#: the tag every generated demo image carries, and the prefix of its title
DEMO_IMAGE_TAG = "示例图片"
DEMO_IMAGE_PREFIX = "示例·"


def demo_image(title: str, draw: Callable[[], object], collection, filename: str):
    """The demo image titled ``示例·<title>``: drawn (``draw()`` returns a Pillow image), saved as a
    PNG in ``collection`` and tagged 示例图片 only when no image has that title, so a second run
    draws nothing. Returns ``(image, outcome)``."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from .demo_art import png

    model = get_image_model()
    full_title = f"{DEMO_IMAGE_PREFIX}{title}"
    image = model.objects.filter(title=full_title).first()
    if image is not None:
        return image, Outcome.UNCHANGED
    image = model(title=full_title, collection=collection)
    image.file = ImageFile(io.BytesIO(png(draw())), name=filename)
    image.save()
    image.tags.add(DEMO_IMAGE_TAG)
    return image, Outcome.CREATED


# --- writing records and pages --------------------------------------------------------------


def home_page() -> Page | None:
    """The site's home page: the default site's root page (the source-language tree)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site is not None else None


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
    """Create or update one publishable record so that its live version equals the data.

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


def publish_page(page, values: dict, m2m: dict | None = None, parent=None, force: bool = False) -> Outcome:
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


def publish_translations(run: DemoRun, work: Iterable[tuple[Page | None, dict]], prepare=None) -> None:
    """Publish each source page's English version (copied for translation if missing) with its
    values; sources that are missing (``None``) are skipped. Parents must come before children.

    ``prepare(translation)``, if given, prepares the unsaved translation and says whether it must be
    published even though the values match (the contact page's form fields)."""
    english = Locale.objects.filter(language_code="en").first()
    if english is None:
        run.warn("translations: no English locale (run migrate first); skipped")
        return
    work = [(page, values) for page, values in work if page is not None]
    for position, (source, values) in enumerate(work, 1):
        translation = source.get_translation_or_none(english)
        created = translation is None
        if created:
            translation = source.copy_for_translation(english)
        translation = translation.specific
        force = prepare is not None and prepare(translation)
        outcome = publish_page(translation, values, force=force)
        run.record("translations", f"en:{source.slug}", Outcome.CREATED if created else outcome, position, len(work))


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
