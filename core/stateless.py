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
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import LocalePrefixPattern, Resolver404, ResolverMatch, URLResolver, get_resolver
from django.urls.base import get_urlconf
from django.urls.resolvers import RoutePattern
from django.utils import translation
from django.utils.cache import patch_vary_headers

#: Only reads take the short cut: anything else goes through the whole stack (CSRF included).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: ``translation.get_language_from_path`` by a path's first segment (it reads nothing else). The
#: paths here start with one of the prefixes, so few segments ever come; emptied when the
#: languages change (tests).
_PATH_LANGUAGES: dict[str, str | None] = {}


def _language_from_path(path: str) -> str | None:
    segment = path.split("/", 2)[1]  # the paths here start with "/"
    try:
        return _PATH_LANGUAGES[segment]
    except KeyError:
        language = translation.get_language_from_path(path)
        if len(_PATH_LANGUAGES) < 64:
            _PATH_LANGUAGES[segment] = language
        return language


@receiver(setting_changed)
def _languages_changed(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE"}:
        _PATH_LANGUAGES.clear()


# -- resolving a stateless path ----------------------------------------------------------------

_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_QUANTIFIERS = frozenset("*+?{")


def _literal_head(pattern) -> str | None:
    """The text every path this pattern matches starts with ('' if it may start with anything;
    None for a language prefix, which depends on the active language)."""
    if isinstance(pattern, LocalePrefixPattern):
        return None
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        return route.split("<", 1)[0]
    regex = str(pattern._regex).removeprefix("^")
    head = []
    for char in regex:
        if char in _REGEX_SPECIAL:
            if char in _QUANTIFIERS and head:
                head.pop()  # the character before a quantifier may be absent or repeated
            break
        head.append(char)
    return "".join(head) if regex != str(pattern._regex) else ""


def _chains(resolver, chain=(), head=""):
    """Every route of ``resolver`` as (the resolvers down to it, the pattern, its literal head),
    in the order Django tries them."""
    for entry in resolver.url_patterns:
        entry_head = _literal_head(entry.pattern)
        full = None if entry_head is None or head is None else head + entry_head
        if isinstance(entry, URLResolver):
            yield from _chains(entry, (*chain, entry), full)
        else:
            yield (*chain, entry), full


class StatelessRoutes:
    """The routes a path under one prefix can take, in Django's order: the others (whose literal
    beginning rules the prefix out) are left out, so a scan's path is matched against a handful of
    routes without the nested resolvers' intermediate matches. ``resolve`` gives what
    ``get_resolver(urlconf).resolve(path)`` gives (the same view, arguments, names and route;
    ``tried`` is not kept), or raises ``Resolver404``; ``tests/test_stateless_paths.py`` holds the two
    equal."""

    def __init__(self, resolver, prefix: str):
        self.root = resolver
        relative = prefix.removeprefix("/")
        self.chains = [
            chain
            for chain, head in _chains(resolver)
            if head is None or head.startswith(relative) or relative.startswith(head)
        ]

    def resolve(self, path: str):
        root_match = self.root.pattern.match(path)
        if root_match:
            for chain in self.chains:
                match = self._match(chain, root_match)
                if match is not None:
                    return match
        raise Resolver404({"path": path})

    def _match(self, chain, root_match):
        levels = [(self.root, root_match)]
        rest = root_match[0]
        for node in chain:
            found = node.pattern.match(rest)
            if not found:
                return None
            levels.append((node, found))
            rest = found[0]
        leaf, (_rest, args, captured) = levels.pop()
        # URLPattern.resolve, then each URLResolver.resolve on the way up, merged at once.
        kwargs = {**captured, **leaf.default_args}
        extra = leaf.default_args
        route = str(leaf.pattern)
        app_names: list = []
        namespaces: list = []
        child = leaf
        for node, (_rest, node_args, node_kwargs) in reversed(levels):
            merged = {**node_kwargs, **node.default_kwargs, **kwargs}
            if not merged:
                args = node_args + args
            kwargs = merged
            extra = {**node.default_kwargs, **extra}
            app_names.insert(0, node.app_name)
            namespaces.insert(0, node.namespace)
            route = node._join_route("" if child is leaf else str(child.pattern), route)
            child = node
        return ResolverMatch(
            leaf.callback,
            args,
            kwargs,
            leaf.pattern.name,
            app_names,
            namespaces,
            route,
            captured_kwargs=captured,
            extra_kwargs=extra,
        )


#: {(urlconf, prefix): StatelessRoutes}; bounded by the URLconfs and prefixes in use.
_ROUTES: dict = {}


def stateless_routes(urlconf, prefix: str) -> StatelessRoutes:
    """The ``StatelessRoutes`` of ``prefix`` in ``urlconf``'s resolver, made again when the resolver
    is a new one (``clear_url_caches``)."""
    resolver = get_resolver(urlconf)
    routes = _ROUTES.get((urlconf, prefix))
    if routes is None or routes.root is not resolver:
        routes = _ROUTES[(urlconf, prefix)] = StatelessRoutes(resolver, prefix)
    return routes


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
        prefix = next(prefix for prefix in self.prefixes if path.startswith(prefix))
        try:
            match = stateless_routes(urlconf, prefix).resolve(path)
        except Resolver404:
            return self.get_response(request)
        request.resolver_match = match
        request.user = AnonymousUser()
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        language_from_path = _language_from_path(path) if i18n_patterns_used else None
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
