"""Machine interfaces, outside the language prefixes: EPCIS (``/epcis/…``), change feeds
(``/feeds/…``)."""

from django.urls import re_path

app_name = "interfaces"

urlpatterns: list = []

# ---- feeds: the registry's change feeds (feeds.py) --------------------------------------------
from . import feeds  # noqa: E402

urlpatterns += [
    re_path(r"^feeds/changes\.(?P<fmt>atom|json)$", feeds.feed_view, name="feed_changes"),
    re_path(r"^feeds/gi/(?P<key>[-\w]+)\.(?P<fmt>atom|json)$", feeds.feed_view, {"scope": "gi"}, name="feed_gi"),
    re_path(
        r"^feeds/family/(?P<key>[-\w]+)\.(?P<fmt>atom|json)$", feeds.feed_view, {"scope": "family"}, name="feed_family"
    ),
]
# ---- end of feeds -----------------------------------------------------------------------------
