"""Local development: DEBUG on, a fixed throw-away key unless SECRET_KEY is set."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# The benchmark commands (devtools/): development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
TRACE_SIGNING_KEYS = env("TRACE_SIGNING_KEYS", default="dev1:dev-only-trace-signing-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
