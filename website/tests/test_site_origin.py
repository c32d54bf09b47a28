"""Absolute addresses come from SITE_ORIGIN, never from the request's Host.

A forged ``Host: 127.0.0.1:6666`` (or an allowed host on a foreign port, which ``ALLOWED_HOSTS``
lets through because it ignores ports) must not reach og:url, canonical and hreflang links,
JSON-LD, the open-data API's ``next``/``previous`` links, robots.txt, the sitemap, the feeds, the
trace page or the GS1 linkset, cached or not.
"""

import pytest

from gi_registry.factories import ProducerFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from website.models import AnnouncementIndexPage, AnnouncementPage, HomePage

pytestmark = pytest.mark.django_db
ORIGIN = "https://gi.liangping.example"
GTIN = "06901234567892"
FORGED_HOSTS = ["127.0.0.1:6666", "testserver:6666", "evil.example"]


@pytest.fixture
def records():
    batch = BatchFactory(gtin="6901234567892", lot_number="LP2025-09")
    ProducerFactory()  # a second producer, so the API has a next page at page_size=1
    code = issue_codes(batch, 1)[0].printed_code
    index = AnnouncementIndexPage(title="公告与新闻", slug="announcements")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    notice = AnnouncementPage(title="测试公告", slug="notice", date="2026-01-02", intro="摘要")
    index.add_child(instance=notice)
    notice.save_revision().publish()
    gi = batch.authorisation.geographical_indication
    return {
        "home": "/",
        "english home": "/en/",
        "gi page (JSON-LD)": gi.get_absolute_url(),
        "producer page (JSON-LD)": batch.producer.get_absolute_url(),
        "standard page (JSON-LD)": batch.standard.get_absolute_url(),
        "announcement": "/announcements/notice/",
        "rss": "/announcements/feed/rss/",
        "atom": "/announcements/feed/atom/",
        "api next": "/api/v1/registry/producers?page_size=1",
        "api previous": "/api/v1/registry/producers?page_size=1&page=2",
        "robots": "/robots.txt",
        "sitemap": "/sitemap.xml",
        "trace page": f"/t/{code}",
        "english trace page": f"/en/t/{code}",
        "trace api": f"/api/v1/trace/{code}",
        "digital link": f"/01/{GTIN}/10/LP2025-09/21/{code}",
        "linkset": (f"/01/{GTIN}/10/LP2025-09/21/{code}", {"HTTP_ACCEPT": "application/linkset+json"}),
        "lot page": f"/01/{GTIN}/10/LP2025-09",
    }


@pytest.fixture
def origin(settings):
    settings.SITE_ORIGIN = ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "evil.example", "127.0.0.1"]


@pytest.mark.parametrize("page_cache", [0, 60], ids=["uncached", "cached"])
def test_no_forged_host_reaches_any_output(client, records, origin, settings, page_cache, empty_cache, phone):
    settings.PAGE_CACHE_SECONDS = page_cache
    for name, target in records.items():
        path, extra = target if isinstance(target, tuple) else (target, {})
        for host in FORGED_HOSTS:
            response = client.get(path, HTTP_HOST=host, **phone, **extra)
            assert response.status_code == 200, (name, host, response.status_code)
            body = response.content.decode()
            assert "6666" not in body and "evil.example" not in body and "127.0.0.1" not in body, (name, host)
        # …and the visitor after them (from the cache, where the page is cached) sees the origin.
        body = client.get(path, **phone, **extra).content.decode()
        assert "6666" not in body and "evil.example" not in body, name


def test_absolute_addresses_are_on_the_site_origin(client, records, origin, phone):
    home = client.get("/", HTTP_HOST="127.0.0.1:6666").content.decode()
    assert f'<meta property="og:url" content="{ORIGIN}/">' in home
    assert f'<link rel="canonical" href="{ORIGIN}/">' in home
    assert f'hreflang="en" href="{ORIGIN}/en/"' in home
    assert (
        f'"url": "{ORIGIN}/gi/' in client.get(records["gi page (JSON-LD)"], HTTP_HOST="evil.example").content.decode()
    )
    api = client.get("/api/v1/registry/producers", {"page_size": 1}, HTTP_HOST="evil.example").json()
    assert api["next"] == f"{ORIGIN}/api/v1/registry/producers?page=2&page_size=1"
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in client.get("/robots.txt", HTTP_HOST="evil.example").content.decode()
    sitemap = client.get("/sitemap.xml", HTTP_HOST="evil.example").content.decode()
    assert f"<loc>{ORIGIN}{records['producer page (JSON-LD)']}</loc>" in sitemap
    rss = client.get("/announcements/feed/rss/", HTTP_HOST="evil.example").content.decode()
    assert f"<link>{ORIGIN}/announcements/notice/</link>" in rss
    trace = client.get(records["trace page"], HTTP_HOST="evil.example", **phone).content.decode()
    assert f'content="{ORIGIN}{records["trace page"]}"' in trace
