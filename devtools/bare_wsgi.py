"""The truly bare Django app the benchmarks serve beside the project (``gunicorn devtools.bare_wsgi``):
Django's own WSGI handler with no middleware, one view (``devtools.bare.bare_view``, a 200-byte
body) on every path, no database. Served by the same gunicorn settings in the same run, it is what
"N % of a bare view" means: the project's ``/healthz`` pays the whole middleware stack too."""

import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.production")
django.setup(set_prefix=False)


class BareWSGIHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=[]):
            super().load_middleware(is_async)

    def get_response(self, request):
        request.urlconf = "devtools.bare"
        return super().get_response(request)


application = BareWSGIHandler()
