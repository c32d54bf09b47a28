"""The bare view (``devtools.bare``) as a WSGI app of its own: one view, no middleware, no
database, a 200-byte body. The HTTP benchmarks serve it with the same gunicorn settings as the site,
in the same run (``devtools.bench.gunicorn(app=BARE_APP)``), so "x % of the bare view" compares
the site with Django itself rather than with the project's ``/healthz``, which pays the whole
middleware stack. Run with ``DJANGO_SETTINGS_MODULE=devtools.bare_settings``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.bare_settings"
application = get_wsgi_application()
