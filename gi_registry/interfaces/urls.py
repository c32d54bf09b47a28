"""Machine interfaces, outside the language prefixes: EPCIS (``/epcis/…``), change feeds
(``/feeds/…``)."""

from django.urls import path

app_name = "interfaces"

urlpatterns: list = []

# --- epcis-query: GET /epcis/events (POST there is handed to the capture view), /epcis/events/{eventID}
from .epcis import query_views  # noqa: E402

urlpatterns += [
    path("epcis/events", query_views.events, name="epcis_events"),
    path("epcis/events/<path:event_id>", query_views.event, name="epcis_event"),
]
# --- end epcis-query
