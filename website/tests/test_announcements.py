"""Announcements (公告/新闻): where they go, the paginated index, the RSS and Atom feeds, the home page."""

import datetime
import io
import xml.etree.ElementTree as ET

from django.core.management import call_command
from wagtail.test.utils import WagtailPageTestCase

from brands.models import BrandIndexPage
from website import demo
from website.models import AnnouncementIndexPage, AnnouncementPage, ContentPage, HomePage

ATOM = "{http://www.w3.org/2005/Atom}"


def news_index() -> AnnouncementIndexPage:
    index = AnnouncementIndexPage(title="公告与新闻", slug="announcements")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    return index


def announce(index, n: int, *, live: bool = True, **fields) -> AnnouncementPage:
    values = {
        "title": f"测试公告{n:02d}",
        "slug": f"notice-{n}",
        "date": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
    }
    page = AnnouncementPage(live=live, **{**values, **fields})
    index.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


class WhereAnnouncementsGo(WagtailPageTestCase):
    def test_index_under_home_once_and_announcements_under_the_index_only(self):
        self.assertCanCreateAt(HomePage, AnnouncementIndexPage)
        self.assertAllowedParentPageTypes(AnnouncementIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AnnouncementIndexPage, {AnnouncementPage})
        self.assertAllowedParentPageTypes(AnnouncementPage, {AnnouncementIndexPage})
        for parent in (HomePage, ContentPage, BrandIndexPage):
            self.assertCanNotCreateAt(parent, AnnouncementPage)
        news_index()
        self.assertFalse(AnnouncementIndexPage.can_create_at(HomePage.objects.get()))


class AnnouncementIndexAndFeeds(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = news_index()
        for n in range(1, 13):
            announce(cls.index, n, intro=f"摘要{n:02d}")
        announce(cls.index, 99, live=False, title="未发布的公告")

    def test_renders_newest_first_ten_a_page(self):
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(AnnouncementPage.objects.get(slug="notice-12"))
        first = self.client.get("/announcements/").content.decode()
        self.assertLess(first.index("测试公告12"), first.index("测试公告03"))
        self.assertNotIn("测试公告02", first)
        self.assertNotIn("未发布的公告", first)
        self.assertIn('rel="next"', first)
        second = self.client.get("/announcements/", {"page": "2"}).content.decode()
        self.assertIn("测试公告02", second)
        self.assertIn("测试公告01", second)
        self.assertIn('rel="prev"', second)
        self.assertEqual(self.client.get("/announcements/", {"page": "x"}).status_code, 200)

    def test_rss_feed(self):
        response = self.client.get("/announcements/feed/rss/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("application/rss+xml", response["Content-Type"])
        items = ET.fromstring(response.content).findall("./channel/item")  # noqa: S314 (our own feed)
        self.assertEqual(len(items), 12)
        self.assertEqual(items[0].findtext("title"), "测试公告12")
        self.assertTrue(items[0].findtext("link").endswith("/announcements/notice-12/"))
        self.assertEqual(items[0].findtext("description"), "摘要12")

    def test_atom_feed_and_discovery_links(self):
        response = self.client.get("/announcements/feed/atom/")
        self.assertIn("application/atom+xml", response["Content-Type"])
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 (our own feed)
        self.assertEqual(entries[0].findtext(f"{ATOM}title"), "测试公告12")
        self.assertNotIn("未发布的公告", response.content.decode())
        html = self.client.get("/announcements/").content.decode()
        self.assertIn('type="application/rss+xml"', html)
        self.assertIn('type="application/atom+xml"', html)

    def test_home_shows_the_latest_three(self):
        html = self.client.get("/").content.decode()
        self.assertIn('id="news-h"', html)
        for n in (12, 11, 10):
            self.assertIn(f"测试公告{n}", html)
        self.assertNotIn("测试公告09", html)


class DemoAnnouncements(WagtailPageTestCase):
    def test_load_demo_data_adds_them_marked_as_demo(self):
        call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO())
        pages = AnnouncementPage.objects.live()
        self.assertEqual(pages.count(), len(demo.ANNOUNCEMENTS))
        self.assertFalse(pages.filter(is_demo=False).exists())
        self.assertIn("badge-demo", self.client.get("/announcements/").content.decode())
