"""Content-Security-Policy on every response: a strict policy for the public site, a looser one
for the admin.

Django 5.2 has no CSP middleware (6.0 adds ``ContentSecurityPolicyMiddleware`` and the
``SECURE_CSP`` setting); this one reads settings of the same shape (``{directive: [sources]}``)
so moving to Django's own is a settings rename. ``django-csp`` 4.0 supports 5.2 too, but it would
still need a subclass for the admin's policy, and we use no nonces: the whole-page cache
(core/cache.py) serves one body to many visitors, so a per-request nonce would be stale.
Public templates therefore carry no inline script or style at all (``test_csp`` checks them);
JSON-LD ``<script type="application/ld+json">`` is data, which CSP does not block.

This middleware sits outside the page cache, so cached pages carry the header as well.
"""

from __future__ import annotations

import base64
import hashlib
import re

from django.conf import settings

HEADER = "Content-Security-Policy"


def build_policy(policy: dict[str, list[str] | tuple[str, ...] | bool]) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` → header value."""
    parts = []
    for directive, sources in policy.items():
        if sources is True:
            parts.append(directive)
        elif sources:
            parts.append(" ".join([directive, *sources]))
    return "; ".join(parts)


_STYLE_RE = re.compile(r"<style>(.*?)</style>", re.S)


def policy_allowing_inline_styles(html: str) -> str:
    """The public policy, with the ``<style>`` elements of ``html`` allowed by their hashes (for
    the self-contained error page)."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in _STYLE_RE.findall(html)
    ]
    policy = dict(settings.SECURE_CSP)
    policy["style-src"] = [*policy.get("style-src", ["'self'"]), *hashes]
    return build_policy(policy)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public = build_policy(settings.SECURE_CSP)
        self.admin = build_policy(settings.SECURE_CSP_ADMIN)
        self.admin_prefixes = tuple(settings.SECURE_CSP_ADMIN_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:  # a view that sets its own policy keeps it
            response[HEADER] = self.admin if request.path.startswith(self.admin_prefixes) else self.public
        return response
