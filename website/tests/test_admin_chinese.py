"""The admin speaks Chinese: every admin listing, add form, edit form, inspect view, chooser,
report, the dashboard and the menus are rendered as each group (registry officer, brand editor,
producer, enforcement staff, and a superuser) with the admin in zh-hans, on the demo data, and no English fragment
may be left on a page. The URLs come from the URL resolver (every pattern under /admin/, with its
parameters filled with a real record of the view's own model), so a view added later is checked
too. Add forms are also sent empty, so the error states ("Go to the first error", field errors)
are checked as well.

A failure lists each page as ``user URL: "fragment" in "the text around it"``; fix the msgid in
``locale/zh_Hans/LC_MESSAGES/django.po`` (our strings) or in the Wagtail override
``locale/wagtail/zh_Hans/LC_MESSAGES/django.po`` / ``djangojs.po`` (Wagtail's own), then
compilemessages."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import Resolver404, resolve
from wagtail.models import Page

from gi_registry.tests.test_admin_isolation import admin_routes

pytestmark = pytest.mark.django_db

# Phrases of Wagtail's or ours once seen in English in the zh-hans admin: anywhere in the page's
# source (visible text, attributes, the JSON and templates its scripts show later).
KNOWN_ENGLISH = [
    "New: ",
    "submitted for moderation",
    "updated and published",
    "Go to the first error",
    "Exploring:",
    "Search all pages",
    "There are no ",
    "Why not add one",
    "to display",
    "Autosave",
    "Saving…",
    "Unsaved changes",
    "unsaved changes",
    "Select a language",
    "is already in use",
    "This field is required",
    "Page title",
    "Dashboard",
    "Sort by",
    "Log out",
    "Can add ",
    "Can change ",
    "Can delete ",
    "Can view ",
]

# Whole English words of the admin's own interface: a visible text node (or a placeholder,
# title, aria-label or alt) holding one is a leak, unless it is user data (see ``user_text``).
UI_WORDS = [
    "Add",
    "Edit",
    "Delete",
    "Save",
    "Saved",
    "Saving",
    "Search",
    "Status",
    "Live",
    "Draft",
    "True",
    "False",
    "None",
    "Choose",
    "Filter",
    "Filters",
    "Exploring",
    "Cancel",
    "Publish",
    "Unpublish",
    "Preview",
    "Yes",
    "No",
    "Sort",
    "Actions",
    "Create",
    "Update",
    "Upload",
    "Select",
    "Clear",
    "Apply",
    "Close",
    "Back",
    "Next",
    "Previous",
    "Pages",
    "Title",
    "Type",
    "Date",
    "Created",
    "Updated",
    "Owner",
    "Locked",
    "History",
    "Usage",
    "Inspect",
    "Copy",
    "Move",
    "View",
    "Show",
    "Hide",
    "Submit",
    "Workflow",
    "Workflows",
    "Settings",
    "Reports",
    "Help",
    "Dashboard",
    "Export",
    "Download",
    "Loading",
    "Error",
    "Errors",
    "Required",
    "Optional",
    "Page",
    "Snippets",
    "Images",
    "Documents",
    "Users",
    "Groups",
    "Collections",
    "Locale",
    "Locales",
    "Redirects",
    "Sites",
    "Account",
    "Language",
    "Today",
    "Yesterday",
    "ago",
    "minutes",
    "hours",
    "days",
    "Comments",
    "Revisions",
    "Compare",
    "Approve",
    "Reject",
    "Moderation",
    "Unlock",
    "Lock",
    "Replace",
    "Remove",
    "Reset",
    "Expand",
    "Collapse",
    "Author",
    "Editor",
    "Never",
    "Empty",
    "Unknown",
    "More",
    "Less",
    "All",
    "Any",
    "Other",
    "Done",
    "Change",
    "Changes",
]
# Sentences: English function words between other words.
FUNCTION_WORDS = [
    "the",
    "and",
    "of",
    "to",
    "is",
    "are",
    "this",
    "that",
    "your",
    "you",
    "has",
    "have",
    "been",
    "with",
    "for",
    "not",
    "be",
    "an",
    "was",
    "by",
    "at",
]
UI_PATTERN = re.compile(
    r"(?<![\w./:#@-])(" + "|".join(UI_WORDS) + r"|(?i:" + "|".join(FUNCTION_WORDS) + r"))(?![\w/.@-])"
)
# Text whose English is a name, not interface: languages, formats, standards, products.
NAMES = re.compile(
    r"English|Wagtail|Chromium|Liangping|GS1|Digital Link|EPCIS|OpenSearch|Elasticsearch|"
    r"Markdown|JavaScript|Unicode|Django"
)
# A time written in UTC (Wagtail's str() of a revision, a raw datetime): the admin shows local times.
# Checked in visible text only: hidden inputs and <time datetime="…"> are for scripts.
UTC_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\+00:00|Z\b| UTC)")
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "aria-description")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a person sees or hears on a page: text nodes outside code, script, style and
    ``hidden`` elements, and the attributes a browser shows or a screen reader reads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, its content is not shown)

    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        unseen = (
            tag in SKIPPED_ELEMENTS
            or "hidden" in attributes
            or attributes.get("translate") == "no"
            or (attributes.get("lang") or "").startswith("en")  # content marked English (an English title)
            or attributes.get("type") == "hidden"
        )
        if not (unseen or self.skipping()):
            self.texts.extend(attributes[name] for name in READ_ATTRIBUTES if attributes.get(name))
        if tag not in VOID:
            self.stack.append((tag, unseen))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if any(t == tag for t, _skip in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            self.texts.append(data)


def user_text() -> re.Pattern:
    """Every text stored in the database that holds a Latin letter (English page titles, slugs,
    codes, e-mail addresses, user names): user data, not interface, so it is taken out of a page's
    text before the check. Permission names are not: Django stores them in English, and the admin
    must show them translated."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not fields or model._meta.app_label in ("sessions", "contenttypes", "auth"):
            continue
        for row in model._default_manager.values_list(*fields):
            values.update(v.strip() for v in row if isinstance(v, str) and re.search(r"[A-Za-z]", v))
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.all():
        values.update({user.username, user.get_full_name(), user.email})
    values = {v for v in values if v and len(v) < 300}
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


# Chinese once seen in the wrong sense: a locale as 区域 (region) where this admin means a language,
# and in the menus "Pages" as 分页 (pagination; right on the pagination bar's aria-label). Whole
# labels only: 区域品牌 is a brand's name.
WRONG_CHINESE = {"区域", "区域:", "区域：", "区域设置", "Wagtail 区域设置"}
WRONG_IN_MENUS = {"分页"}

JSON_SCRIPT = re.compile(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', re.S)
LABEL_KEYS = {"label", "title", "placeholder", "heading", "help_text", "helpText", "menu_label"}


def script_labels(html: str) -> list[str]:
    """The labels the admin's scripts draw from JSON in the page: the sidebar menu (its items,
    the account menu, the search box) and the block editor's definitions."""
    labels: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in LABEL_KEYS and isinstance(value, str):
                    labels.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for block in JSON_SCRIPT.findall(html):
        try:
            walk(json.loads(block))
        except ValueError:
            continue
    return labels


def page_html(response) -> str | None:
    """The HTML a response shows: a page, or the HTML inside a chooser's JSON answer."""
    content_type = response.get("Content-Type", "")
    if "text/html" in content_type:
        return response.content.decode()
    if "json" in content_type:
        try:
            data = json.loads(response.content)
        except ValueError:
            return None
        parts = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "html" and isinstance(value, str):
                        parts.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(data)
        return "\n".join(parts) or None
    return None


def english_in(html: str, user_data: re.Pattern) -> list[str]:
    """Each English fragment on the page, with the text around it."""
    found = [f'"{k}"' for k in KNOWN_ENGLISH if k in html]
    parser = VisibleText()
    parser.feed(html)
    menus = script_labels(html)
    found += [f'wrong Chinese "{label}" in a menu' for label in menus if label in WRONG_IN_MENUS]
    for text in [*parser.texts, *menus]:
        text = " ".join(text.split())
        if text in WRONG_CHINESE:
            found.append(f'wrong Chinese "{text}"')
        found += [f'UTC time "{m.group(0)}" in "{text[:120]}"' for m in UTC_TIME.finditer(text)]
        if not UI_PATTERN.search(text):
            continue
        cleaned = NAMES.sub(" ", user_data.sub(" ", text))
        for match in UI_PATTERN.finditer(cleaned):
            found.append(f'"{match.group(1)}" in "{text[:120]}"')
    return list(dict.fromkeys(found))


REGISTRY_NAME = "梁平地理标志与农产品品牌登记"
REGISTRY_LOGO = "/static/img/registry-logo.svg"
SIDEBAR_LOGO = re.compile(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", re.S)


def branding_faults(html: str) -> list[str]:
    """A whole admin page wears the registry's name and mark (title, sidebar), not Wagtail's bird,
    and its help menu and banners link to no wagtail.org page (issue 11's branding)."""
    if "<html" not in html or "data-wagtail-sidebar" not in html:
        return []  # a chooser's or a listing's partial drawn inside a page, or a public page's draft
    faults = []
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    if title is None or REGISTRY_NAME not in title.group(1):
        faults.append(f"title without the registry's name: {title.group(1).strip() if title else None!r}")
    sidebar = SIDEBAR_LOGO.search(html)
    if sidebar is None or REGISTRY_LOGO not in sidebar.group(1):
        faults.append("sidebar without the registry's mark")
    faults += [
        f'link to Wagtail\'s site "{m}"' for m in ("wagtail.org", "editor-guide", "whats-new-in-wagtail") if m in html
    ]
    return faults


# --- the URLs --------------------------------------------------------------------------------------

PAGE_PARAMS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id"}
SKIP_NAMES = {"wagtailadmin_logout", "logout", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite"}
# Views that answer files, JSON or redirects rather than pages (checked elsewhere or not pages).
SKIP_ROUTE = re.compile(
    r"/(preview|generate_url/output|label_job_file|password_reset/confirm|release|tag-autocomplete|"
    r"jsi18n|sprite|pdf|labels?\.pdf|zip|svg|png|csv|xlsx)\b|\^\.\*|<fmt>|<filter_spec>|<token>|<uidb64>"
)


def view_model(route: str):
    """The model the view of ``route`` works on (Wagtail's generic views carry it), or None."""
    url = re.sub(r"<(\w+)>", "1", route)
    try:
        match = resolve(url)
    except Resolver404:
        return None
    func = match.func
    model = getattr(func, "view_initkwargs", {}).get("model") or getattr(
        getattr(func, "view_class", None), "model", None
    )
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


# Views of ours that carry no model (the batch flow, certificates, usage reports, a case's pages): the
# model whose record fills their ``pk``.
ROUTE_MODELS = [
    (re.compile(r"^/admin/trace/(batch|flow)/<pk>/"), "trace.Batch"),
    (re.compile(r"^/admin/trace/certificate/<pk>/"), "trace.ComplianceCertificate"),
    (re.compile(r"^/admin/trace/usage/<pk>/<year>/"), "gi_registry.Authorisation"),
    (re.compile(r"^/admin/trace/usage/review/<pk>/"), "trace.UsageReport"),
    (re.compile(r"^/admin/protection/cases/<pk>/"), "protection.Case"),
]


def route_model(route: str):
    """The model of ``route``: its view's, or the one ``ROUTE_MODELS`` names."""
    for pattern, label in ROUTE_MODELS:
        if pattern.search(route):
            return apps.get_model(label)
    return view_model(route)


def usage_report_url(route: str, user) -> str | None:
    """A usage report's page (``<pk>/<year>/``): the user's own producer's report first."""
    from gi_registry.trace.models import UsageReport

    report = next(iter(records_of(UsageReport, user)), None)
    if report is None:
        return None
    return route.replace("<pk>", str(report.authorisation_id)).replace("<year>", str(report.year))


def sample_pages() -> list[Page]:
    """One page of each page type (the Chinese one where there are two)."""
    pages = {}
    for page in Page.objects.exclude(depth=1).specific().order_by("-locale__language_code", "path"):
        pages.setdefault(type(page), page)
    return list(pages.values())


def records_of(model, user) -> list:
    """Records to fill a view's ``pk``: the user's own producer's first (a producer account sees
    only those), then the first of all."""
    from gi_registry.models import Producer

    queryset = model._default_manager.all().order_by("pk")
    own = Producer.objects.filter(accounts=user).first()
    candidates = []
    if own is not None:
        lookups = ("producer", "authorisation__producer", "batch__authorisation__producer", "batch__producer", "pk")
        for lookup in lookups:
            try:
                value = own.pk if lookup == "pk" and model is Producer else own
                if lookup == "pk" and model is not Producer:
                    continue
                candidates += list(queryset.filter(**{lookup: value})[:1])
                break
            except Exception:  # noqa: S112  (the model has no such relation: try the next)
                continue
    candidates += list(queryset[:1])
    return list(dict.fromkeys(candidates))


def admin_urls(user) -> list[str]:
    """Every admin page to render as ``user``: each GET route once per record it needs."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Task, Workflow

    pages = sample_pages()
    home = next(p for p in pages if p.depth == 2)
    fixed = {
        "image_id": get_image_model().objects.order_by("pk").first(),
        "document_id": get_document_model().objects.order_by("pk").first(),
        "doc_id": get_document_model().objects.order_by("pk").first(),
        "collection_id": Collection.objects.order_by("pk").first(),
        "task_id": Task.objects.order_by("pk").first(),
        "workflow_pk": Workflow.objects.order_by("pk").first(),
    }
    urls: list[str] = []
    for route, name in admin_routes():
        if name in SKIP_NAMES or SKIP_ROUTE.search(route):
            continue
        params = re.findall(r"<(\w+)>", route)
        if not params:
            urls.append(route)
            continue
        if "action" in params or "action_name" in params:
            continue  # bulk actions: confirmation pages of selected records, covered by their views
        if {"content_type_app_name", "content_type_model_name"} <= set(params) or "app_name" in params:
            urls += typed_urls(route, params, pages, home)
            continue
        if PAGE_PARAMS & set(params):
            for page in pages if "edit" in route or route.endswith("/<page_id>/") else [home]:
                urls.append(re.sub(r"<(\w+)>", str(page.pk), route))
            continue
        if "<year>" in route:
            url = usage_report_url(route, user)
            urls += [url] if url else []
            continue
        model = route_model(route)
        values = {}
        for param in params:
            record = fixed.get(param)
            if record is None and model is not None:
                record = next(iter(records_of(model, user)), None)
            if record is None:
                break
            values[param] = str(record.pk)
        else:
            urls.append(re.sub(r"<(\w+)>", lambda m, values=values: values[m.group(1)], route))
    return list(dict.fromkeys(urls))


def typed_urls(route, params, pages, home) -> list[str]:
    """Routes that name a content type: every page type (add forms under an allowed parent), every
    settings model."""
    from wagtail.contrib.settings.registry import registry as settings_registry

    if "app_name" in params and "settings" in route:
        return [
            route.replace("<app_name>", m._meta.app_label).replace("<model_name>", m._meta.model_name)
            for m in settings_registry
        ]
    if "app_name" in params:
        return []
    urls = []
    for page_model in {type(p) for p in pages}:
        parent = next((p for p in pages if page_model.can_create_at(p)), None)
        if parent is None and "parent_page_id" in params:
            continue
        url = route.replace("<content_type_app_name>", page_model._meta.app_label)
        url = url.replace("<content_type_model_name>", page_model._meta.model_name)
        url = url.replace("<parent_page_id>", str((parent or home).pk))
        urls.append(url)
    return urls


# --- the test --------------------------------------------------------------------------------------


def render_all(client, user, user_data) -> tuple[list[str], list[str]]:
    leaks, rendered = [], []
    client.force_login(user)
    for url in admin_urls(user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        html = page_html(response) if response.status_code == 200 else None
        if html is None:
            continue
        rendered.append(url)
        leaks += [f"{user.username} GET {url}: {fragment}" for fragment in english_in(html, user_data)]
        leaks += [f"{user.username} GET {url}: {fault}" for fault in branding_faults(html)]
        if re.search(r"/(add|create|new)/$", url):
            response = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
            html = page_html(response) if response.status_code in (200, 400) else None
            if html is not None:
                leaks += [f"{user.username} POST {url}: {fragment}" for fragment in english_in(html, user_data)]
    return leaks, rendered


def demo_accounts(monkeypatch) -> list:
    """The demo data (every record type, pages of every type, English translations) and its
    accounts: one per group (officer, editor, producer linked to a demo producer, enforcement staff)
    and the superuser."""
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("DEMO_USERS", "1")
    call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO())
    return [
        get_user_model().objects.get(username=name) for name in ("officer", "editor", "producer", "enforcer", "admin")
    ]


def test_every_admin_page_is_in_chinese_and_branded_for_every_group(client, monkeypatch):
    client.raise_request_exception = False
    users = demo_accounts(monkeypatch)
    user_data = user_text()
    leaks, counts, rendered = [], {}, {}
    for user in users:
        found, rendered[user.username] = render_all(client, user, user_data)
        counts[user.username] = len(rendered[user.username])
        leaks += found
    # the protection pages (issue 13) are among them, for the groups that see them
    protection = [
        "/admin/protection/cases/",
        "/admin/protection/cases/inspect/",
        "/admin/protection/cases/history/",
        "/admin/protection/holidays/",
        "/admin/protection/holidays/new/",
        "/admin/protection/copies/",
        "/admin/protection/dashboard/",
        "/admin/protection/copy-thresholds/",
        "/admin/protection/copy-thresholds/new/",
    ]
    for name in ("enforcer", "officer", "admin"):
        for prefix in protection:
            assert any(url.startswith(prefix) for url in rendered[name]), (name, prefix)
    assert any(url.startswith("/admin/protection/cases/edit/") for url in rendered["enforcer"])
    assert any(url.startswith("/admin/protection/our-reports/") for url in rendered["producer"])
    assert not any("/admin/protection/" in url for url in rendered["editor"])
    # The walk reaches the admin: many pages for staff, fewer (but some) for a producer.
    assert (
        counts["admin"] > 150
        and counts["officer"] > 80
        and counts["editor"] > 40
        and counts["producer"] > 15
        and counts["enforcer"] > 10
    ), counts
    assert leaks == [], f"{len(leaks)} English fragments in the zh-hans admin:\n" + "\n".join(leaks)


def wagtail_js_msgids() -> list[str]:
    """Every msgid of Wagtail's admin JavaScript (its English catalogue, the source of the strings)."""
    from pathlib import Path

    import wagtail

    po = Path(wagtail.__file__).parent / "admin/locale/en/LC_MESSAGES/djangojs.po"
    text = po.read_text(encoding="utf-8")
    ids = []
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1))).replace('\\"', '"')
            if msgid:
                ids.append(msgid)
    return ids


def test_the_admin_javascript_catalogue_is_all_chinese(client, officer):
    """The admin's scripts (autosave, the block editor, error counts on tabs, the minimap) take
    their text from /admin/jsi18n/: every one of Wagtail's JavaScript strings has a translation
    there, ours (locale/wagtail/…/djangojs.po) where Wagtail's zh_Hans has none."""
    import json

    client.force_login(officer)
    script = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    msgids = wagtail_js_msgids()
    assert len(msgids) > 50
    missing = [msgid for msgid in msgids if not catalog.get(msgid)]
    assert missing == [], "Wagtail JavaScript strings without a zh-hans translation:\n" + "\n".join(missing)
    assert catalog["Autosave in progress…"] == "正在自动保存…"
    assert catalog["Changes have been autosaved."] == "更改已自动保存。"
