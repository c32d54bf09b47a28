"""The registry's change feeds: Atom (RFC 4287) and JSON Feed 1.1, of every change, of one GI and of
one product family.

- ``/feeds/changes.atom|.json``, ``/feeds/gi/<slug or id>.atom|.json``,
  ``/feeds/family/<slug>.atom|.json``; ``?kind=`` (repeatable) keeps the given kinds
  (``gi.registered``) or families of kinds (``batch``).
- Newest first, ``FEED_LENGTH`` entries a page; older ones by ``?before=<change id>``, linked as
  ``rel="next"`` (RFC 5005 paging) and JSON Feed's ``next_url``.
- Entry ids are ``urn:uuid:<change id>``: the same change has the same id in every feed, on every
  request, for ever (the id is stored, never derived).
- Conditional GET: the ETag is a digest of the page's change ids (and the feed's own title), and
  Last-Modified the newest ``recorded_at``; an unchanged feed answers 304 after one indexed query,
  without rendering. Feeds are not in the whole-page cache (``PAGE_CACHE_EXCLUDE``): a batch
  withdrawn or an authorisation expired changes a feed without publishing anything, so no content
  version would be bumped, and a cached page would not answer 304.
- Every address is absolute on the site origin (``core.origin.absolute_url``).
- Only recorded changes are shown, and a change is recorded only from a publish or a public action
  (``changes.py``): no draft value can reach a feed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_safe

from core.origin import absolute_url
from gi_registry.models import GeographicalIndication, ProductFamily

from . import problems
from .models import RegistryChange

FEED_LENGTH = 50
MAX_AGE = 60  # seconds a reader or proxy may keep a feed before asking again (ETag makes that cheap)
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
AUTHOR = "梁平区地理标志登记"
KINDS = [value for value, _label in RegistryChange.Kind.choices]


class BadFeedQuery(Exception):
    pass


class PagedAtomFeed(Atom1Feed):
    """Atom with RFC 5005 paging links (``first``, ``next``)."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for rel in ("first", "next"):
            if self.feed.get(f"{rel}_url"):
                handler.addQuickElement("link", "", {"rel": rel, "href": self.feed[f"{rel}_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("title_en"):
            # the English title, for readers that want it (Atom allows one title per entry)
            handler.addQuickElement(
                "link", "", {"rel": "alternate", "hreflang": "en", "title": item["title_en"], "href": item["link_en"]}
            )


def parse_kinds(request) -> list[str]:
    """The ``kind`` parameters: exact kinds (``gi.registered``) or their family (``gi``)."""
    wanted = [k.strip() for value in request.GET.getlist("kind") for k in value.split(",") if k.strip()]
    families = {k.split(".")[0] for k in KINDS}
    kinds: set[str] = set()
    for value in wanted:
        if value in KINDS:
            kinds.add(value)
        elif value in families:
            kinds.update(k for k in KINDS if k.startswith(value + "."))
        else:
            raise BadFeedQuery(
                _("Unknown kind of change “%(kind)s”. Known kinds: %(kinds)s.")
                % {"kind": value, "kinds": ", ".join(KINDS)}
            )
    return sorted(kinds)


def page_of_changes(queryset, before: str | None):
    """``FEED_LENGTH`` changes older than the change ``before`` (newest first), and whether more follow."""
    queryset = queryset.order_by("-occurred_at", "-id")
    if before:
        try:
            cursor = RegistryChange.objects.filter(pk=uuid.UUID(before)).values("occurred_at", "id").first()
        except ValueError:
            cursor = None
        if cursor is None:
            raise BadFeedQuery(_("“before” must be the id of a change in this feed."))
        queryset = queryset.filter(occurred_at__lte=cursor["occurred_at"]).exclude(
            occurred_at=cursor["occurred_at"], id__gte=cursor["id"]
        )
    rows = list(queryset.select_related("geographical_indication", "product_family")[: FEED_LENGTH + 1])
    return rows[:FEED_LENGTH], len(rows) > FEED_LENGTH


def _query_url(path: str, kinds: list[str], before: str | None = None) -> str:
    params = [("kind", k) for k in kinds]
    if before:
        params.append(("before", before))
    return absolute_url(path + (f"?{urlencode(params)}" if params else ""))


def _english_path(path: str) -> str:
    return "/en" + path if path.startswith("/") and not path.startswith("/en/") else path


class FeedScope:
    """Which changes a feed shows, and what it is called."""

    def __init__(self, title: str, home: str, queryset, base_path: str):
        self.title, self.home, self.queryset, self.base_path = title, home, queryset, base_path


def all_changes_scope() -> FeedScope:
    return FeedScope(_("Liangping GI registry: changes"), "/", RegistryChange.objects.all(), "/feeds/changes")


def gi_scope(key: str) -> FeedScope:
    gis = GeographicalIndication.objects.filter(live=True).select_related("product_family")
    gi = gis.filter(slug=key).first() or (get_object_or_404(gis, pk=int(key)) if key.isdigit() else None)
    if gi is None:
        raise Http404
    return FeedScope(
        _("%(name)s: registry changes") % {"name": gi.name},
        gi.get_absolute_url(),
        RegistryChange.objects.filter(geographical_indication=gi),
        f"/feeds/gi/{gi.slug}",
    )


def family_scope(slug: str) -> FeedScope:
    family = get_object_or_404(ProductFamily, slug=slug)
    # its page on the site (website.ProductFamilyPage, reached by its reverse relation, not imported)
    page = family.pages.live().order_by("pk").first()
    return FeedScope(
        _("%(name)s: registry changes") % {"name": family.name},
        page.url if page is not None and page.url else "/",
        RegistryChange.objects.filter(product_family=family),
        f"/feeds/family/{family.slug}",
    )


def entry(change: RegistryChange) -> dict:
    """One change as the feeds tell it."""
    link = absolute_url(change.url or "/")
    return {
        "id": f"urn:uuid:{change.pk}",
        "title": change.title,
        "title_en": change.title_en,
        "link": link,
        "link_en": absolute_url(_english_path(change.url or "/")),
        "summary": summary(change),
        "kind": change.kind,
        "occurred_at": change.occurred_at,
        "recorded_at": change.recorded_at,
    }


def _field_label(name: str) -> str:
    try:
        return str(GeographicalIndication._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed
        return name


def summary(change: RegistryChange) -> str:
    """A line of plain text in Chinese: the change, its reason or what changed, and a demo mark."""
    with override("zh-hans"):
        parts = [change.title]
        if change.payload.get("reason"):
            parts.append(_("Reason: %(reason)s") % {"reason": change.payload["reason"]})
        if change.payload.get("changed"):
            names = [_field_label(name) for name in change.payload["changed"]]
            parts.append(_("Changed: %(fields)s") % {"fields": "、".join(names)})
        if change.payload.get("published") is False:
            parts.append(_("No longer published."))
        text = " ".join(parts)
        if change.payload.get("demo"):
            text += _(" (demo data)")
        return text


def atom(scope: FeedScope, changes, kinds, has_more: bool, before: str | None) -> bytes:
    feed = PagedAtomFeed(
        title=scope.title,
        link=absolute_url(scope.home),
        description="",
        feed_url=_query_url(scope.base_path + ".atom", kinds, before),
        feed_guid=absolute_url(scope.base_path + ".atom"),
        language="zh-hans",
        author_name=AUTHOR,
        first_url=_query_url(scope.base_path + ".atom", kinds),
        next_url=_query_url(scope.base_path + ".atom", kinds, str(changes[-1].pk)) if has_more else None,
    )
    for change in changes:
        item = entry(change)
        feed.add_item(
            title=item["title"],
            link=item["link"],
            description=escape(item["summary"]),  # Atom's summary is type="html": plain text escaped
            unique_id=item["id"],
            unique_id_is_permalink=False,
            pubdate=change.occurred_at,
            updateddate=change.occurred_at,
            categories=[change.kind],
            title_en=item["title_en"],
            link_en=item["link_en"],
        )
    return feed.writeString("utf-8").encode()


def json_feed(scope: FeedScope, changes, kinds, has_more: bool, before: str | None) -> bytes:
    body = {
        "version": JSON_FEED_VERSION,
        "title": scope.title,
        "home_page_url": absolute_url(scope.home),
        "feed_url": _query_url(scope.base_path + ".json", kinds, before),
        "language": "zh-CN",
        "authors": [{"name": AUTHOR}],
        "items": [
            {
                "id": f"urn:uuid:{change.pk}",
                "url": absolute_url(change.url or "/"),
                "title": change.title,
                "content_text": summary(change),
                "summary": summary(change),
                "date_published": change.occurred_at.isoformat(),
                "date_modified": change.recorded_at.isoformat(),
                "tags": [change.kind],
                "_registry": {
                    "kind": change.kind,
                    "title_en": change.title_en,
                    "subject": {"type": change.subject_type, "id": change.subject_id},
                    "geographical_indication": change.geographical_indication.slug
                    if change.geographical_indication
                    else None,
                    "product_family": change.product_family.slug if change.product_family else None,
                    "data": change.payload,
                },
            }
            for change in changes
        ],
    }
    if has_more:
        body["next_url"] = _query_url(scope.base_path + ".json", kinds, str(changes[-1].pk))
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


@require_safe
def feed_view(request, fmt: str, scope: str = "all", key: str = ""):
    """One page of one feed, in Atom (``fmt="atom"``) or JSON Feed (``"json"``)."""
    try:
        with override("zh-hans"):
            feed_scope = {"all": all_changes_scope, "gi": gi_scope, "family": family_scope}[scope](
                *([key] if key else [])
            )
        kinds = parse_kinds(request)
        before = request.GET.get("before") or None
        queryset = feed_scope.queryset.filter(kind__in=kinds) if kinds else feed_scope.queryset
        changes, has_more = page_of_changes(queryset, before)
    except BadFeedQuery as exc:
        with override("zh-hans"):
            return problems.problem(400, "about:blank", _("Bad feed query"), str(exc))
    digest = hashlib.sha256(
        "\n".join([fmt, feed_scope.title, feed_scope.home, str(has_more), *(str(c.pk) for c in changes)]).encode()
    ).hexdigest()[:32]
    etag = f'"{digest}"'
    last_modified = max((c.recorded_at for c in changes), default=None)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if not_modified is None:
        with override("zh-hans"):
            render = atom if fmt == "atom" else json_feed
            response = HttpResponse(
                render(feed_scope, changes, kinds, has_more, before),
                content_type=ATOM_TYPE if fmt == "atom" else JSON_FEED_TYPE,
            )
    else:
        response = not_modified
    response["ETag"] = etag
    if last_modified_ts:
        response["Last-Modified"] = http_date(last_modified_ts)
    response["Access-Control-Allow-Origin"] = "*"  # public data, readable from any web page
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
