"""Settings of the bare view with the trace page's one read (``devtools.bare_read_wsgi``): the bare
app's settings and the site's database, given as JSON in ``BARE_READ_DATABASE`` by the benchmark."""

import json
import os

from .bare_settings import *  # noqa: F403

ROOT_URLCONF = "devtools.bare_read"
DATABASES = {
    "default": json.loads(os.environ.get("BARE_READ_DATABASE", "{}")) or {"ENGINE": "django.db.backends.dummy"}
}
USE_TZ = True
