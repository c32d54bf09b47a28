"""A truly bare Django view for benchmarks to compare with: one view, no middleware, no database,
a 200-byte body. ``bare_client()`` gives a test client whose handler has no middleware and routes
every path to that view, so an in-process benchmark pays for the request machinery only.

``/healthz`` inside the project pays the whole middleware stack as well; benchmarks report both.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import override_settings
from django.urls import re_path

BODY = (b"bare view: one view, no middleware, no database. " * 5)[:200]


def bare_view(request):
    return HttpResponse(BODY, content_type="text/plain; charset=utf-8")


urlpatterns = [re_path(r"", bare_view)]


class BareHandler(ClientHandler):
    """Django's test handler with no middleware and ``urlconf`` (this module) as the URLconf."""

    def __init__(self, urlconf: str = __name__):
        super().__init__(enforce_csrf_checks=False)
        self.urlconf = urlconf
        with override_settings(MIDDLEWARE=[]):
            self.load_middleware()

    def get_response(self, request):
        request.urlconf = self.urlconf
        return super().get_response(request)


def bare_client(urlconf: str = __name__) -> Client:
    """A test client on the bare view (or on another bare URLconf, e.g. ``devtools.bare_read``)."""
    client = Client()
    client.handler = BareHandler(urlconf)
    return client
