"""The change feeds (interfaces/feeds.py): Atom and JSON Feed 1.1, per GI and per family, kinds,
paging, conditional GET, and never a draft."""

import datetime
import json
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from gi_registry.factories import GeographicalIndicationFactory, family
from gi_registry.interfaces.changes import record
from gi_registry.interfaces.feeds import FEED_LENGTH
from gi_registry.interfaces.models import RegistryChange
from gi_registry.models import GeographicalIndication
from gi_registry.trace.factories import BatchFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
Kind = RegistryChange.Kind
ORIGIN = "http://testserver"


def atom(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return response, ET.fromstring(response.content)  # noqa: S314 (our own feed, parsed in a test)


def json_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/feed+json")
    return response, json.loads(response.content)


def add_change(gi, kind=Kind.GI_CHANGED, minutes_ago=0, title="变更"):
    return record(
        kind,
        gi,
        dedupe_key=f"test:{uuid.uuid4()}",
        title=title,
        title_en="Change",
        url=gi.get_absolute_url(),
        payload={"name": gi.name},
        geographical_indication=gi,
        occurred_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def publish(obj):
    obj.save_revision().publish()
    obj.refresh_from_db()
    return obj


@pytest.fixture
def withdrawn_batch():
    batch = BatchFactory(lot_number="CX2610-03")
    batch.withdraw(reason="抽检不合格")
    return batch


def test_the_atom_feed_is_well_formed_with_stable_absolute_entries(client, withdrawn_batch):
    response, feed = atom(client, "/feeds/changes.atom")
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text == f"{ORIGIN}/feeds/changes.atom"
    assert feed.find(f"{ATOM}updated") is not None
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    (entry,) = feed.findall(f"{ATOM}entry")
    change = RegistryChange.objects.get()
    assert entry.find(f"{ATOM}id").text == f"urn:uuid:{change.pk}"
    assert "CX2610-03" in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        f"{ORIGIN}{withdrawn_batch.producer.get_absolute_url()}"
    )
    assert entry.find(f"{ATOM}category").get("term") == "batch.withdrawn"
    assert entry.find(f"{ATOM}summary").text.endswith("原因：抽检不合格")
    assert datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text) == change.occurred_at
    # a second request, and the JSON feed, give the same id
    _response, again = atom(client, "/feeds/changes.atom")
    assert again.find(f"{ATOM}entry/{ATOM}id").text == f"urn:uuid:{change.pk}"
    _response, body = json_feed(client, "/feeds/changes.json")
    assert body["items"][0]["id"] == f"urn:uuid:{change.pk}"


def test_the_json_feed_has_the_members_json_feed_1_1_requires(client, withdrawn_batch):
    _response, body = json_feed(client, "/feeds/changes.json")
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert body["title"] == "梁平地理标志登记：变更"
    assert body["feed_url"] == f"{ORIGIN}/feeds/changes.json"
    assert body["home_page_url"] == f"{ORIGIN}/"
    (item,) = body["items"]
    assert isinstance(item["id"], str) and item["content_text"]  # id, and content_text or content_html
    assert item["url"].startswith(ORIGIN + "/")
    assert item["tags"] == ["batch.withdrawn"]
    datetime.datetime.fromisoformat(item["date_published"])
    assert item["_registry"]["kind"] == "batch.withdrawn"
    assert item["_registry"]["data"]["lot_number"] == "CX2610-03"
    assert item["_registry"]["product_family"] == "pomelo"
    assert "next_url" not in body


def test_a_draft_never_reaches_a_feed(client):
    gi = GeographicalIndicationFactory(status=GeographicalIndication.Status.APPLIED, live=False)
    publish(gi)
    gi.status = GeographicalIndication.Status.REGISTERED
    publish(gi)
    gi.holder = "草稿持有人"
    gi.status = GeographicalIndication.Status.SUSPENDED
    gi.save_revision()  # a draft: the feed must not tell
    for url in ("/feeds/changes.json", f"/feeds/gi/{gi.slug}.json", "/feeds/changes.atom"):
        content = client.get(url).content.decode()
        assert "草稿持有人" not in content and "suspended" not in content
        assert "gi.registered" in content


def test_per_gi_and_per_family_feeds_show_only_their_changes(client):
    pomelo = GeographicalIndicationFactory(name="梁平柚")
    rice = GeographicalIndicationFactory(name="梁平大米", product_family=family("rice"))
    add_change(pomelo, title="柚子的变更")
    add_change(rice, title="大米的变更")
    _r, body = json_feed(client, f"/feeds/gi/{pomelo.slug}.json")
    assert [i["title"] for i in body["items"]] == ["柚子的变更"]
    assert body["title"] == "梁平柚：登记变更"
    assert body["home_page_url"] == f"{ORIGIN}/gi/{pomelo.slug}/"
    _r, by_pk = json_feed(client, f"/feeds/gi/{pomelo.pk}.json")  # the GI's id works too
    assert by_pk["items"] == body["items"]
    _r, feed = atom(client, "/feeds/family/rice.atom")
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["大米的变更"]
    _r, everything = json_feed(client, "/feeds/changes.json")
    assert len(everything["items"]) == 2


def test_feeds_of_an_unknown_or_unpublished_gi_or_family_are_404(client):
    hidden = GeographicalIndicationFactory(live=False)
    add_change(hidden)
    assert client.get(f"/feeds/gi/{hidden.slug}.atom").status_code == 404
    assert client.get("/feeds/gi/no-such-gi.json").status_code == 404
    assert client.get("/feeds/family/no-such-family.json").status_code == 404
    assert client.get("/feeds/changes.xml").status_code == 404


def test_kind_filter_is_repeatable_and_takes_families_of_kinds(client, withdrawn_batch):
    gi = withdrawn_batch.authorisation.geographical_indication
    add_change(gi, Kind.GI_SUSPENDED)
    add_change(gi, Kind.STANDARD_ISSUED)
    _r, body = json_feed(client, "/feeds/changes.json?kind=gi.suspended&kind=batch.withdrawn")
    assert sorted(i["tags"][0] for i in body["items"]) == ["batch.withdrawn", "gi.suspended"]
    assert body["feed_url"] == f"{ORIGIN}/feeds/changes.json?kind=batch.withdrawn&kind=gi.suspended"
    _r, body = json_feed(client, "/feeds/changes.json?kind=batch")
    assert [i["tags"][0] for i in body["items"]] == ["batch.withdrawn"]


def test_bad_queries_get_a_clear_chinese_problem(client):
    response = client.get("/feeds/changes.json?kind=gi.deleted")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "未知的变更类型“gi.deleted”" in response.json()["detail"]
    response = client.get("/feeds/changes.atom?before=not-an-id")
    assert response.status_code == 400 and "before" in response.json()["detail"]


def test_newest_first_in_pages_with_next_links_until_the_oldest(client):
    gi = GeographicalIndicationFactory()
    made = [add_change(gi, minutes_ago=n, title=f"变更{n}") for n in range(FEED_LENGTH + 5)]
    # two changes at the same moment are paged without loss or repeat
    tie = made[FEED_LENGTH - 1].occurred_at
    RegistryChange.objects.filter(pk=made[FEED_LENGTH].pk).update(occurred_at=tie)

    _r, feed = atom(client, "/feeds/changes.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_LENGTH
    assert entries[0].find(f"{ATOM}title").text == "变更0"  # newest first
    next_url = feed.find(f"{ATOM}link[@rel='next']").get("href")
    assert next_url.startswith(f"{ORIGIN}/feeds/changes.atom?before=")
    assert feed.find(f"{ATOM}link[@rel='first']").get("href") == f"{ORIGIN}/feeds/changes.atom"
    _r, older = atom(client, next_url.removeprefix(ORIGIN))
    older_entries = older.findall(f"{ATOM}entry")
    assert older.find(f"{ATOM}link[@rel='next']") is None
    seen = [e.find(f"{ATOM}id").text for e in entries + older_entries]
    assert len(seen) == len(set(seen)) == FEED_LENGTH + 5

    _r, body = json_feed(client, "/feeds/changes.json")
    assert len(body["items"]) == FEED_LENGTH
    _r, rest = json_feed(client, body["next_url"].removeprefix(ORIGIN))
    assert len(rest["items"]) == 5 and "next_url" not in rest


def test_conditional_get_answers_304_until_something_changes(client, withdrawn_batch):
    first = client.get("/feeds/changes.atom")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    assert client.get("/feeds/changes.atom", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/feeds/changes.atom", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get("/feeds/changes.json", HTTP_IF_NONE_MATCH=etag).status_code == 200  # another feed

    second = BatchFactory(authorisation=withdrawn_batch.authorisation, lot_number="CX2610-04")
    second.withdraw(second.Status.RECALLED, "召回")
    response = client.get("/feeds/changes.atom", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert b"CX2610-04" in response.content


def test_the_feeds_are_not_whole_page_cached_and_stay_current(client, settings, withdrawn_batch):
    settings.PAGE_CACHE_SECONDS = 600
    client.get("/feeds/changes.json")
    other = BatchFactory(authorisation=withdrawn_batch.authorisation, lot_number="CX2610-05")
    other.withdraw()  # records a change without publishing anything
    assert "CX2610-05" in client.get("/feeds/changes.json").content.decode()


def test_the_gi_page_advertises_its_feeds(client):
    gi = GeographicalIndicationFactory()
    html = client.get(gi.get_absolute_url()).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="本地理标志的变更（Atom 订阅）" href="{ORIGIN}/feeds/gi/{gi.slug}.atom">'
        in html
    )
    assert (
        f'<link rel="alternate" type="application/feed+json" title="本地理标志的变更（JSON 订阅）" href="{ORIGIN}/feeds/gi/{gi.slug}.json">'
        in html
    )


def test_the_family_page_advertises_its_feeds_and_is_the_feeds_home(client):
    from website.models import HomePage, ProductFamilyPage

    page = ProductFamilyPage(title="柚子", slug="pomelo", family=family("pomelo"))
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert f'href="{ORIGIN}/feeds/family/pomelo.atom"' in html
    assert f'href="{ORIGIN}/feeds/family/pomelo.json"' in html
    _r, body = json_feed(client, "/feeds/family/pomelo.json")
    assert body["home_page_url"] == f"{ORIGIN}{page.url}"


def test_a_published_edit_says_what_changed_in_chinese(client):
    gi = GeographicalIndicationFactory(status=GeographicalIndication.Status.APPLIED, live=False)
    gi.status = GeographicalIndication.Status.REGISTERED
    publish(gi)
    gi.holder = "梁平区柚子协会"
    publish(gi)
    _r, body = json_feed(client, f"/feeds/gi/{gi.slug}.json?kind=gi.changed")
    (item,) = body["items"]
    assert item["content_text"] == f"地理标志变更：{gi.name} 变更项目：持有人"
    assert item["_registry"]["data"]["changed"] == ["holder"]


def test_text_that_looks_like_markup_stays_text(client):
    batch = BatchFactory(lot_number="CX2610-07")
    batch.withdraw(reason="农残 <b>超标</b> & 召回")
    _r, feed = atom(client, "/feeds/changes.atom")
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    # the reader un-escapes the HTML and shows the text as typed, not bold markup
    assert summary.text.endswith("原因：农残 &lt;b&gt;超标&lt;/b&gt; &amp; 召回")
    _r, body = json_feed(client, "/feeds/changes.json")
    assert body["items"][0]["content_text"].endswith("原因：农残 <b>超标</b> & 召回")
