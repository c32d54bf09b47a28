"""Machine interfaces, outside the language prefixes: EPCIS (``/epcis/…``), change feeds
(``/feeds/…``)."""

from django.urls import path, re_path

from .epcis import capture_views

app_name = "interfaces"

urlpatterns: list = []

# --- epcis-capture: POST /epcis/capture, GET /epcis/capture[/<id>], POST /epcis/events ---------
# /epcis/events is one path for two sides: POST is capture's, the other methods go to the query
# view given to capture_views.register_query_view().
urlpatterns += [
    path("epcis/capture", capture_views.capture_collection, name="epcis-capture"),
    path("epcis/capture/<uuid:capture_id>", capture_views.capture_job, name="epcis-capture-job"),
    path("epcis/events", capture_views.events_collection, name="epcis-events-capture"),
]
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
