"""The bare view with the trace page's one read (``devtools.bare_read``) as a WSGI app of its own,
served by the HTTP benchmarks with the same gunicorn settings as the site and the bare app."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.bare_read_settings"
application = get_wsgi_application()
