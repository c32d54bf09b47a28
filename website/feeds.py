"""RSS and Atom feeds of the announcements (served by ``AnnouncementIndexPage``'s routes)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from core.i18n import localize
from core.origin import absolute_url

from .models import AnnouncementIndexPage, AnnouncementPage

FEED_LENGTH = 20


class AnnouncementFeed(Feed):
    def __init__(self, index: AnnouncementIndexPage):
        super().__init__()
        self.index = index

    def title(self) -> str:
        return self.index.title

    # Absolute on the site origin: Django's Feed would otherwise prefix the request's Host.
    def get_feed(self, obj, request):
        self.request_path = request.path
        return super().get_feed(obj, request)

    def feed_url(self) -> str:
        return absolute_url(self.request_path)

    def link(self) -> str:
        return absolute_url(self.index.url)

    def description(self) -> str:
        return self.index.search_description or self.index.title

    def items(self):
        return localize(self.index.announcements()[:FEED_LENGTH])

    def item_title(self, item: AnnouncementPage) -> str:
        return item.title

    def item_description(self, item: AnnouncementPage) -> str:
        return item.intro

    def item_link(self, item: AnnouncementPage) -> str:
        return absolute_url(item.url)

    def item_pubdate(self, item: AnnouncementPage) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9)))


class AnnouncementAtomFeed(AnnouncementFeed):
    feed_type = Atom1Feed
    subtitle = AnnouncementFeed.description
