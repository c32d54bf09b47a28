"""Production: every secret and host from the environment; HTTPS everywhere.

`python manage.py check --deploy` passes with only the variables in the README's table set.
"""

from django.core.exceptions import ImproperlyConfigured

from core.origin import origin_fault

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")
if not TRACE_SIGNING_KEYS:  # noqa: F405
    raise ImproperlyConfigured("TRACE_SIGNING_KEYS must be set (kid:secret[,kid:secret…]).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Every absolute address (core/origin.py) and every printed QR code (gi_registry/trace/labels.py)
# comes from these; a printed code is forever, so no http or loopback origin, and no silent default.
SITE_ORIGIN = env("SITE_ORIGIN", default="").rstrip("/")
TRACE_BASE_URL = env("TRACE_BASE_URL", default=SITE_ORIGIN).rstrip("/")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_ORIGIN)
for _name, _origin in (("SITE_ORIGIN", SITE_ORIGIN), ("TRACE_BASE_URL", TRACE_BASE_URL)):
    if origin_fault(_origin):
        raise ImproperlyConfigured(
            f"{_name} must be the public https origin (e.g. https://gi.liangping.example), not a loopback "
            f"or http address: {_origin or '(not set)'!r}. Printed codes carry it for good."
        )
# Rate limits (core/ratelimit.py) and the page cache live in the cache: with the default
# per-process local memory every worker counts on its own. Set CACHE_URL to a shared cache
# (redis://… or dbcache://lp_cache after `manage.py createcachetable`); `check --deploy` warns and
# start-up logs a warning while it is local memory (website/checks.py).
REQUIRE_SHARED_CACHE = True
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))  # noqa: F405
# Contact-form copies go out by SMTP (a local relay unless EMAIL_URL says otherwise), never to the console.
vars().update(env.email_url("EMAIL_URL", default="smtp://127.0.0.1:25"))

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
