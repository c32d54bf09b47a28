"""Settings of the truly bare WSGI app the HTTP benchmarks serve beside the site
(``devtools.bare_wsgi``): Django with one view, no app, no middleware, no database."""

SECRET_KEY = "bare-benchmark-only"  # noqa: S105 (serves a constant body on loopback)
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "devtools.bare"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
