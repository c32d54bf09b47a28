"""Machine interfaces, outside the language prefixes: EPCIS (``/epcis/…``), change feeds
(``/feeds/…``)."""

from django.urls import path, re_path

from .epcis import capture_views

app_name = "interfaces"

urlpatterns: list = []

# --- epcis-capture: POST /epcis/capture, GET /epcis/capture[/<id>] (POST /epcis/events: below) ---
urlpatterns += [
    path("epcis/capture", capture_views.capture_collection, name="epcis-capture"),
    path("epcis/capture/<uuid:capture_id>", capture_views.capture_job, name="epcis-capture-job"),
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
# --- epcis-query: GET /epcis/events (POST there is handed to the capture view), /epcis/events/{eventID}
from .epcis import query_views  # noqa: E402

urlpatterns += [
    path("epcis/events", query_views.events, name="epcis_events"),
    path("epcis/events/<path:event_id>", query_views.event, name="epcis_event"),
]
# --- end epcis-query
