"""Trace routes, outside the language prefixes so printed URLs never change.

``/T/`` as well as ``/t/``: a QR symbol in alphanumeric mode carries only upper-case letters, so
labels print ``HTTPS://HOST/T/CODE``. ``/en/t/<code>`` is the English page. ``/c/<token>`` (printed
``/C/<TOKEN>``) is a compliance certificate's public page, ``/en/c/<token>`` in English.
"""

from django.urls import path, re_path

from . import digital_link, views

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
]
