"""Query budgets of the public pages with the page cache off (issue 15).

The page cache hides a slow page from most visitors, not from the first one after every publish,
nor from every filter combination or crawler. So every public page, rendered afresh, makes at
most ``BUDGET`` SQL queries on the demo data (five families, three brands and announcements,
producers, standards, a dashboard): a query per listed item (an N+1) would show here. The
navigation, footer, site settings, view restrictions and translations are read once per content
version (``core/memo.py``), as is Wagtail's routing (``core/routing.py``): the test counts a
page's second request, as every visitor after the first one of a content version sees it.
"""

import os
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core import memo

BUDGET = 10

PAGES = {
    "home": "/",
    "English home": "/en/",
    "GI": "/gi/liangping-you/",
    "English GI": "/en/gi/liangping-you/",
    "directory": "/producers/",
    "producer": "/producers/93500155MA9000011Q/",  # the demo producer with an approved profile
    "standards index": "/standards/",
    "standard": "/standards/gbt-17924-2008/",
    "brand index": "/brands/",
    "brand": "/brands/wuzi-dengke/",
    "English brand": "/en/brands/wuzi-dengke/",
    "family": "/pomelo/",
    "English family": "/en/pomelo/",
    "announcements": "/announcements/",
    "announcement": "/announcements/2026-gi-mark-applications/",
    "dashboard": "/indicators/",
    "English dashboard": "/en/indicators/",
    "search": "/search/?q=%E6%A2%81%E5%B9%B3%E6%9F%9A",  # 梁平柚
}


class PublicPageQueryBudget(TestCase):
    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, {"DEMO_USERS": "0"}):
            call_command("load_demo_data", verbosity=0)

    def queries(self, path: str) -> list[str]:
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return [query["sql"] for query in context.captured_queries]

    def test_every_public_page_within_the_budget(self):
        for name, path in PAGES.items():
            with self.subTest(page=name):
                self.queries(path)  # image renditions are made on a page's first view, once
                queries = self.queries(path)
                self.assertLessEqual(len(queries), BUDGET, f"{name} {path}:\n" + "\n".join(queries))

    def test_a_publish_shows_at_once_despite_the_memo(self):
        """The navigation is read once per content version, and an edit makes a new one."""
        from website.models import SiteSettings

        self.client.get("/")
        site_settings = SiteSettings.objects.get()
        site_settings.organisation = "梁平区农业农村委员会（测试）"
        site_settings.save()
        self.assertContains(self.client.get("/"), "梁平区农业农村委员会（测试）")
        link = site_settings.navigation_links.first()
        link.label = "地理标志一览"
        link.save()
        self.assertContains(self.client.get("/producers/"), "地理标志一览")

    def tearDown(self):
        memo.forget()
