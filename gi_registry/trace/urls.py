"""Trace routes, outside the language prefixes so printed URLs never change.

``/T/`` as well as ``/t/``: a QR symbol in alphanumeric mode carries only upper-case letters, so
labels print ``HTTPS://HOST/T/CODE``. ``/en/t/<code>`` is the English page. ``/c/<token>`` (printed
``/C/<TOKEN>``) is a compliance certificate's public page, ``/en/c/<token>`` in English.

GS1 Digital Link (``digital_link``): ``/01/…`` and the resolver description
``/.well-known/gs1resolver``; the other GS1 primary keys (``/00/…``, ``/414/…`` …) are refused
clearly. A compressed Digital Link is one root segment of at least 10 URI-safe base64 characters
and no slash (``/ARFKk4XB0CDKWcnpq``): no other root path of the site has that shape (the site's
pages end with a slash, its files have a dot), and a segment that does not decompress to a valid
GTIN link is the ordinary 404, so ``/announcements`` still gains its slash.
"""

from django.urls import path, re_path

from . import digital_link, resolver_description, views

app_name = "trace"

urlpatterns = [
    path("t/", views.trace_lookup, name="lookup"),
    path("t/<path:code>", views.trace_page, name="page"),
    path("T/<path:code>", views.trace_page, name="page_upper"),
    path("en/t/<path:code>", views.trace_page, name="page_en"),
    path("api/v1/trace/<path:code>", views.trace_api, name="api"),
    path("c/<str:token>", views.certificate_page, name="certificate"),
    path("C/<str:token>", views.certificate_page, name="certificate_upper"),
    path("en/c/<str:token>", views.certificate_page, name="certificate_en"),
    re_path(r"^01/(?P<rest>.*)$", digital_link.resolve_digital_link, name="digital_link"),
    path(".well-known/gs1resolver", resolver_description.gs1resolver, name="gs1resolver"),
    re_path(
        r"^(?P<key>00|253|255|401|402|414|417|8003|8004|8006|8010|8013|8017|8018)/(?P<rest>.*)$",
        digital_link.other_primary_key,
        name="other_primary_key",
    ),
    re_path(r"^(?P<segment>[A-Za-z0-9_-]{10,})$", digital_link.resolve_compressed, name="compressed_link"),
]
