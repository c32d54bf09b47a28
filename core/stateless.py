"""The stateless paths' short cut through the middleware stack.

A printed label's trace page (``/t/``, ``/T/``, ``/en/t/``), its JSON (``/api/v1/trace/``) and the
GS1 Digital Link (``/01/``) answer every scan of every box. They keep no state: no session, no
signed-in user, no messages, no form to protect with a CSRF token. ``StatelessPathMiddleware``,
placed right after the security headers and the CSP (which still apply), resolves such a path and
calls its view itself, so the session, locale, common, CSRF, authentication, messages and
redirect middleware below it never run for them. What of those the pages did use is done here, the
same way:

* the language: ``LocaleMiddleware``'s choice, activated for the view (``/en/…`` by its path;
  with ``i18n_patterns(prefix_default_language=False)`` an unprefixed path is ``LANGUAGE_CODE``,
  whatever the browser asks), with its ``Content-Language`` and ``Vary: Accept-Language`` headers;
* ``X-Frame-Options`` (``XFrameOptionsMiddleware``), and ``Content-Length`` (``CommonMiddleware``).

``request.user`` is the anonymous user (a member of staff scanning a box sees what a consumer
sees); ``request.session`` does not exist. ``STATELESS_PATH_PREFIXES`` lists the prefixes (empty:
no short cut). A path under a prefix that resolves to no view goes through the whole stack.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, get_resolver
from django.urls.base import get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers

#: Only reads take the short cut: anything else goes through the whole stack (CSRF included).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class StatelessPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.STATELESS_PATH_PREFIXES)
        self.frame_options = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()

    def __call__(self, request):
        path = request.path_info
        if request.method not in SAFE_METHODS or not self.prefixes or not path.startswith(self.prefixes):
            return self.get_response(request)
        urlconf = getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
        try:
            match = get_resolver(urlconf).resolve(path)
        except Resolver404:
            return self.get_response(request)
        request.resolver_match = match
        request.user = AnonymousUser()
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        language_from_path = translation.get_language_from_path(path) if i18n_patterns_used else None
        if language_from_path:
            language = language_from_path
        elif i18n_patterns_used and not prefixed_default_language:
            language = settings.LANGUAGE_CODE  # an unprefixed path is the default language
        else:
            language = translation.get_language_from_request(request)
        # activated for the rest of this request, as LocaleMiddleware leaves it
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not (i18n_patterns_used and language_from_path):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        if not response.get("X-Frame-Options") and not getattr(response, "xframe_options_exempt", False):
            response.headers["X-Frame-Options"] = self.frame_options
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response
