"""Machine interfaces, outside the language prefixes: EPCIS (``/epcis/…``), change feeds
(``/feeds/…``)."""

app_name = "interfaces"

urlpatterns: list = []
