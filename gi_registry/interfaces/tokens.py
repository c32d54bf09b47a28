"""Who is calling: ``Authorization: Bearer lp_<key>_<secret>`` names an API token.

``authenticate(request, scope)`` returns the token, ``None`` for an anonymous caller (no
Authorization header: public queries), or raises ``TokenRefused`` (401 unknown, revoked or expired;
403 outside the token's scopes, 429 past the token's rate limit) which views answer as problem
JSON (``TokenRefused.response()``).

Rate limits are fixed windows kept in the cache (``core.ratelimit``): ``EPCIS_TOKEN_RATE_LIMIT``
requests per ``EPCIS_TOKEN_RATE_WINDOW`` seconds per token (counted by its public key), and for
anonymous public queries ``EPCIS_PUBLIC_RATE_LIMIT`` per ``EPCIS_PUBLIC_RATE_WINDOW`` per client
address (``check_public_rate_limit``, called by the query views when ``authenticate`` gave None).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit

from . import problems
from .models import ApiToken
from .models.tokens import digest


class TokenRefused(Exception):
    def __init__(self, status: int, detail: str, retry_after: int = 0):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after

    def response(self):
        title = {401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests"}.get(self.status, "Forbidden")
        response = problems.problem(self.status, problems.SECURITY, title, self.detail)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="epcis"'
        if self.retry_after:
            response["Retry-After"] = str(self.retry_after)
        return response


def bearer_secret(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    kind, _sep, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise TokenRefused(401, _("Use “Authorization: Bearer <token>”."))
    return secret.strip()


def authenticate(request, scope: str) -> ApiToken | None:
    secret = bearer_secret(request)
    if secret is None:
        return None
    token = ApiToken.objects.select_related("organisation", "producer").filter(secret_digest=digest(secret)).first()
    if token is None or not token.is_usable:
        raise TokenRefused(401, _("This API token is unknown, revoked or expired."))
    if token.organisation_id and not token.organisation.is_active:
        raise TokenRefused(401, _("This API token's organisation is inactive."))
    decision = ratelimit.hit_key(
        "epcis-token", token.key, settings.EPCIS_TOKEN_RATE_LIMIT, settings.EPCIS_TOKEN_RATE_WINDOW
    )
    if not decision.allowed:
        raise TokenRefused(
            429,
            _("This API token has made too many requests; try again in %(seconds)s seconds.")
            % {"seconds": decision.retry_after},
            retry_after=decision.retry_after,
        )
    if not token.has_scope(scope):
        raise TokenRefused(403, _("This API token may not %(scope)s.") % {"scope": ApiToken.Scope(scope).label})
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def check_public_rate_limit(request) -> None:
    """Count an anonymous (tokenless) query against its client address's window; raise
    ``TokenRefused(429)`` with Retry-After past ``EPCIS_PUBLIC_RATE_LIMIT`` (0 = no limit)."""
    decision = ratelimit.hit(
        request, "epcis-public", settings.EPCIS_PUBLIC_RATE_LIMIT, settings.EPCIS_PUBLIC_RATE_WINDOW
    )
    if not decision.allowed:
        raise TokenRefused(
            429,
            _("Too many queries from your address; try again in %(seconds)s seconds, or use an API token.")
            % {"seconds": decision.retry_after},
            retry_after=decision.retry_after,
        )
