"""Production: every secret and host from the environment; HTTPS everywhere.

`python manage.py check --deploy` passes with only the variables in the README's table set.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")
if not TRACE_SIGNING_KEYS:  # noqa: F405
    raise ImproperlyConfigured("TRACE_SIGNING_KEYS must be set (kid:secret[,kid:secret…]).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
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
