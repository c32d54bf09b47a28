"""The client's address behind reverse proxies: a spoofed header is ignored unless the request came
through the configured proxies (django-xff for X-Forwarded-For, ``ProxyHeaderMiddleware`` for a
header one proxy overwrites); ``client_address`` itself reads ``REMOTE_ADDR`` only."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from xff.middleware import XForwardedForMiddleware

from core.ratelimit import ProxyHeaderMiddleware, client_address

XFF = "xff.middleware.XForwardedForMiddleware"
FORGED = "/api/v1/trace/AAAAAAAAAAAAAAAAAAAA"  # a code that does not exist: 404, but rate-limited


def through(middleware_class, request) -> str:
    return middleware_class(client_address)(request)


def test_without_proxies_no_header_is_trusted():
    assert not settings.XFF_TRUSTED_PROXY_DEPTH and not settings.TRACE_TRUSTED_PROXY_HEADER
    assert XFF not in settings.MIDDLEWARE
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="5.6.7.8"
    )
    assert client_address(request) == "192.0.2.1"


@pytest.mark.parametrize(
    ("depth", "header", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote the first entry: ignored
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two proxies append
    ],
)
def test_x_forwarded_for_is_read_from_the_trusted_end(depth, header, expected):
    with override_settings(XFF_TRUSTED_PROXY_DEPTH=depth):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
        assert through(XForwardedForMiddleware, request) == expected


def test_a_request_without_the_header_keeps_its_address():
    with override_settings(XFF_TRUSTED_PROXY_DEPTH=1):
        assert through(XForwardedForMiddleware, RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_the_single_address_header_of_one_proxy():
    with override_settings(TRACE_TRUSTED_PROXY_HEADER="HTTP_X_REAL_IP"):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.9")
        assert through(ProxyHeaderMiddleware, request) == "203.0.113.9"
        assert through(ProxyHeaderMiddleware, RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@pytest.mark.django_db
def test_the_middleware_path_rate_limits_the_client_not_its_spoofed_header(client):
    cache.clear()
    with override_settings(
        XFF_TRUSTED_PROXY_DEPTH=1, MIDDLEWARE=[XFF, *settings.MIDDLEWARE], TRACE_RATE_LIMIT=2, TRACE_RATE_WINDOW=60
    ):
        for spoof in ("1.1.1.1", "2.2.2.2"):
            response = client.get(FORGED, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.9")
            assert response.status_code == 404
        spoofed = client.get(FORGED, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.9")
        assert spoofed.status_code == 429  # a new first entry is not a new client
        other = client.get(FORGED, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
        assert other.status_code == 404  # another client behind the same proxy is not limited
    cache.clear()


@pytest.mark.parametrize(
    ("environment", "depth", "first"),
    [
        ({}, 0, "django.middleware.security.SecurityMiddleware"),
        ({"TRUSTED_PROXY_DEPTH": "2"}, 2, XFF),
        ({"TRACE_TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR"}, 1, XFF),
        ({"TRACE_TRUSTED_PROXY_HEADER": "HTTP_X_REAL_IP"}, 0, "core.ratelimit.ProxyHeaderMiddleware"),
    ],
)
def test_the_environment_variables_choose_the_middleware(environment, depth, first):
    env = {k: v for k, v in os.environ.items() if k not in ("TRUSTED_PROXY_DEPTH", "TRACE_TRUSTED_PROXY_HEADER")}
    code = "from website.settings import base; print(base.XFF_TRUSTED_PROXY_DEPTH, base.MIDDLEWARE[0])"
    out = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", code], env={**env, **environment}, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [str(depth), first]
