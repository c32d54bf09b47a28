"""Settings shared by every environment.

Everything deployment-specific comes from environment variables (see the README's configuration
table); nothing secret lives in the repository.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "core",
    "website",
    "gi_registry",
    "gi_registry.trace",
    "gi_registry.protection",
    "gi_registry.interfaces",
    "brands",
    "search",
    "indicators",
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    # The open-data API's OpenAPI schema and its docs page, with Swagger UI served from here (no
    # CDN). Django REST framework itself comes with Wagtail; "rest_framework" stays out of this
    # list, so Wagtail's admin API does not gain the browsable API.
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "website.csp.ContentSecurityPolicyMiddleware",  # outside the page cache: cached pages get it too
    "core.stateless.StatelessPathMiddleware",  # STATELESS_PATH_PREFIXES skip everything below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.routing.PageRouteMiddleware",  # Wagtail's page routing once per content version
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "website.admin_errors.MalformedAdminPostMiddleware",  # a malformed admin post answers 400
]

ROOT_URLCONF = "website.urls"

# The trace page, its JSON and the GS1 Digital Link keep no state: these paths skip the session,
# locale, CSRF, authentication, messages and redirect middleware (core/stateless.py), keeping the
# security headers and the CSP. Empty: no short cut.
STATELESS_PATH_PREFIXES = tuple(
    prefix
    for prefix in env.list("STATELESS_PATH_PREFIXES", default=["/t/", "/T/", "/en/t/", "/api/v1/trace/", "/01/"])
    if prefix.startswith("/")
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "website.wsgi.application"

# SQLite file by default (the embedded, zero-service mode); PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while a writer commits; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Let psycopg keep a query prepared after this many runs on a connection (0 = never, e.g.
    # behind PgBouncer < 1.21 in transaction mode). Django's cursors bind parameters client-side
    # and are never prepared; the trace code lookup (gi_registry/trace/fastpath.py) binds
    # server-side so that PostgreSQL plans it once per connection instead of on every scan.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", env.int("DB_PREPARE_THRESHOLD", default=5) or None
    )

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English is the second language of the public pages.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's catalogue first (it wins), then locale/wagtail: Wagtail's own admin strings that its
# zh_Hans catalogue lacks or gets wrong (Django merges LOCALE_PATHS over the apps' catalogues, for
# the JavaScript catalogue too). website/tests/test_admin_chinese.py finds any string left English.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
TIME_ZONE = "Asia/Shanghai"
# The admin shows every time in Liangping's time zone: one zone offered, so Wagtail's account page
# has no time zone choice and nobody's admin switches to UTC (or anything else).
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
USE_TZ = True
# Page translations use Wagtail's built-in localisation: a page's English version is a copy of the
# Chinese page in the "en" locale ("Translate" in the page's menu, wagtail.contrib.simple_translation),
# edited, moderated and published like any page. Untranslated pages fall back to Chinese.
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads: documents are PDFs and spreadsheets only; images are size-limited by Wagtail.
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = "梁平地理标志与农产品品牌登记"
# No "What's new in Wagtail" banner on the dashboard: the admin is the registry's tool, not the CMS's showcase.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The public origin (scheme://host[:port]) every absolute address is built from (core/origin.py),
# never the request's Host header; empty means WAGTAILADMIN_BASE_URL. Required (https) in production.
SITE_ORIGIN = env("SITE_ORIGIN", default="")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# Keys that sign printed trace codes: "kid:secret,kid:secret", the first one signs, all verify.
TRACE_SIGNING_KEYS = env("TRACE_SIGNING_KEYS", default="")

# Contact form: submissions per client address per window (0 = no limit), and the least time in
# seconds between showing the form and sending it (faster is a bot).
CONTACT_RATE_LIMIT = env.int("CONTACT_RATE_LIMIT", default=5)
CONTACT_RATE_WINDOW = env.int("CONTACT_RATE_WINDOW", default=3600)
CONTACT_MIN_SECONDS = env.float("CONTACT_MIN_SECONDS", default=3.0)
# ... the most characters in any one field, the largest request it reads (larger ones are refused
# unread), and how many times the background task tries to mail staff the copy.
CONTACT_MAX_FIELD_CHARS = env.int("CONTACT_MAX_FIELD_CHARS", default=5000)
CONTACT_MAX_BODY_BYTES = env.int("CONTACT_MAX_BODY_BYTES", default=256 * 1024)
CONTACT_MAIL_ATTEMPTS = env.int("CONTACT_MAIL_ATTEMPTS", default=3)

# Registry import (gi_registry/services/importer/files.py): what one CSV/XLSX file may hold; a file
# past a limit is refused as soon as the limit is passed (a crafted file fails in well under a second).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=1_500_000)
IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", default=200_000)
IMPORT_MAX_SHARED_STRING_CHARS = env.int("IMPORT_MAX_SHARED_STRING_CHARS", default=2_000_000)
IMPORT_MAX_LINE_CHARS = env.int("IMPORT_MAX_LINE_CHARS", default=100_000)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=500)
IMPORT_MAX_ZIP_RATIO = env.int("IMPORT_MAX_ZIP_RATIO", default=200)
# Outgoing mail (contact-form copies), e.g. smtp+tls://user:password@smtp.example.cn:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# The trace endpoints (gi_registry/trace/scans.py): rate limit per client, and when a code's
# verdict turns "suspicious" (too many counted scans, or from too many distinct networks).
TRACE_RATE_LIMIT = env.int("TRACE_RATE_LIMIT", default=60)  # requests per window; 0 = off
TRACE_RATE_WINDOW = env.int("TRACE_RATE_WINDOW", default=60)  # seconds
TRACE_SUSPICIOUS_SCANS = env.int("TRACE_SUSPICIOUS_SCANS", default=20)
TRACE_SUSPICIOUS_ORIGINS = env.int("TRACE_SUSPICIOUS_ORIGINS", default=5)
# Behind reverse proxies the client's address (rate limits, scan origins) is set into REMOTE_ADDR by
# a middleware placed first, so core.ratelimit.client_address reads REMOTE_ADDR only; with neither
# setting no header is trusted and a spoofed one is ignored. TRUSTED_PROXY_DEPTH: how many proxies
# append to X-Forwarded-For (django-xff takes the address that many from the right; XFF_STRICT
# answers 400 to any other count or none). TRACE_TRUSTED_PROXY_HEADER: a header one proxy sets to the
# client's address alone (e.g. "HTTP_X_REAL_IP"); "HTTP_X_FORWARDED_FOR" there means depth 1.
TRACE_TRUSTED_PROXY_HEADER = env("TRACE_TRUSTED_PROXY_HEADER", default="")
XFF_TRUSTED_PROXY_DEPTH = env.int("TRUSTED_PROXY_DEPTH", default=0)
if TRACE_TRUSTED_PROXY_HEADER == "HTTP_X_FORWARDED_FOR":
    XFF_TRUSTED_PROXY_DEPTH, TRACE_TRUSTED_PROXY_HEADER = XFF_TRUSTED_PROXY_DEPTH or 1, ""
XFF_STRICT = env.bool("TRUSTED_PROXY_STRICT", default=False)
XFF_CLEAN = True  # X-Forwarded-For keeps only the trusted entries
# django-xff at depth 0 would trust the first, client-written address: only installed when configured.
MIDDLEWARE = [
    *(["xff.middleware.XForwardedForMiddleware"] if XFF_TRUSTED_PROXY_DEPTH else []),
    *(["core.ratelimit.ProxyHeaderMiddleware"] if TRACE_TRUSTED_PROXY_HEADER else []),
    *MIDDLEWARE,
]
TRACE_EXTRA_CRAWLER_PATTERNS: tuple[str, ...] = ()
# The scan log (gi_registry/trace/scans.py): buffered per process and written in one transaction
# every TRACE_SCAN_FLUSH_INTERVAL seconds by a background thread (and at exit, and at once when
# TRACE_SCAN_BUFFER_MAX scans wait), instead of a transaction on every scan's request path.
TRACE_SCAN_LOG_ASYNC = env.bool("TRACE_SCAN_LOG_ASYNC", default=True)
TRACE_SCAN_FLUSH_INTERVAL = env.float("TRACE_SCAN_FLUSH_INTERVAL", default=0.5)  # seconds; 0 = no thread
TRACE_SCAN_BUFFER_MAX = env.int("TRACE_SCAN_BUFFER_MAX", default=5000)
# Each buffered scan is also appended to a per-process journal file here before its page answers,
# so a killed worker's scans are written by the next one (scans.py, ScanJournal); "" turns it off.
TRACE_SCAN_JOURNAL_DIR = env("TRACE_SCAN_JOURNAL_DIR", default=str(BASE_DIR / "var" / "scan-journal"))
# Each scan records the city of the client's address from the offline ip2region database shipped in
# the XdbSearchIP package (gi_registry/trace/places.py; the address is never stored). False: no place.
TRACE_SCAN_PLACES = env.bool("TRACE_SCAN_PLACES", default=True)
# Label sheets (PDF) and print-shop ZIPs of more codes than this are built by a background task
# (gi_registry/trace/label_jobs.py) and downloaded from a job page; smaller ones in the request.
LABEL_SYNC_MAX_CODES = env.int("LABEL_SYNC_MAX_CODES", default=500)
# Yearly usage report of the GI mark (gi_registry/trace/usage.py): the day ("MM-DD") of the next year
# by which a year's report is due, and how many months without codes issued or a report make an
# authorisation dormant (the GI rules let a mark unused for two years be cancelled).
USAGE_REPORT_DUE = env("USAGE_REPORT_DUE", default="03-31")
USAGE_DORMANT_MONTHS = env.int("USAGE_DORMANT_MONTHS", default=24)
# Protection (gi_registry/protection/): report photos and case attachments are kept here, outside
# MEDIA_ROOT (no URL serves them; permission-checked views do); a closed case's phone numbers and
# photos are erased this many days after closing (``erase_case_personal_data``).
PROTECTION_PRIVATE_ROOT = env.path("PROTECTION_PRIVATE_ROOT", default=str(BASE_DIR / "var" / "protection"))
PROTECTION_RETENTION_DAYS = env.int("PROTECTION_RETENTION_DAYS", default=180)
# The consumer's report form (gi_registry/protection/forms.py, uploads.py): reports sent per client
# address per window (every attempt counts, refused ones too; 0 = no limit); the largest photo
# accepted, the most pixels it may decode to (a decompression bomb is refused before it is decoded)
# and the long edge it is stored at (re-encoded as JPEG without EXIF); the most characters of the
# description and web links in it.
PROTECTION_REPORT_RATE_LIMIT = env.int("PROTECTION_REPORT_RATE_LIMIT", default=10)
PROTECTION_REPORT_RATE_WINDOW = env.int("PROTECTION_REPORT_RATE_WINDOW", default=3600)
PROTECTION_PHOTO_MAX_BYTES = env.int("PROTECTION_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
PROTECTION_PHOTO_MAX_PIXELS = env.int("PROTECTION_PHOTO_MAX_PIXELS", default=50_000_000)
PROTECTION_PHOTO_STORED_EDGE = env.int("PROTECTION_PHOTO_STORED_EDGE", default=2048)
PROTECTION_REPORT_MAX_TEXT_CHARS = env.int("PROTECTION_REPORT_MAX_TEXT_CHARS", default=2000)
PROTECTION_REPORT_MAX_LINKS = env.int("PROTECTION_REPORT_MAX_LINKS", default=2)
# Suspected copies (gi_registry/protection/copies.py) look at the scans of this many last days.
PROTECTION_COPY_WINDOW_DAYS = env.int("PROTECTION_COPY_WINDOW_DAYS", default=90)
# The origin printed in QR codes (e.g. "https://gi.liangping.example"); empty means the site origin.
# Outside development (DEBUG off) issuance refuses an http or loopback origin (gi_registry/trace/labels.py).
TRACE_BASE_URL = env("TRACE_BASE_URL", default="")

# Where the cluster search engine lives; empty means the embedded engine.
SEARCH_URL = env("SEARCH_URL", default="")
# The public search (search/): "embedded" (SQLite FTS5 / PostgreSQL full-text, no service) unless
# SEARCH_URL names a cluster: opensearch+http://127.0.0.1:9201 or elasticsearch+http://….
SEARCH_ENGINE = "cluster" if SEARCH_URL else "embedded"
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="lp-registry")  # the alias; indices are <alias>-<time>
SEARCH_TIMEOUT = env.float("SEARCH_TIMEOUT", default=3.0)  # seconds per cluster request
SEARCH_RETRY_SECONDS = env.float("SEARCH_RETRY_SECONDS", default=10.0)  # after a failure, the embedded engine answers

LOGIN_URL = "wagtailadmin_login"

REGISTRY_PAGE_SIZE = 20

# Whole-page cache for anonymous visitors (core/cache.py); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# How long a worker thread trusts its last read of the content version (seconds).
PAGE_CACHE_VERSION_TTL = env.float("PAGE_CACHE_VERSION_TTL", default=1.0)
# Never cached: the admin, anything that logs scans (trace pages also send no-store), and search
# (its answer depends on the index and on whether a cluster is up, not only on the content version).
PAGE_CACHE_EXCLUDE = [
    "/admin",
    "/t/",
    "/T/",
    "/en/t/",
    "/c/",  # compliance certificates: a superseded one must say so at once
    "/C/",
    "/en/c/",
    "/api/v1/trace",
    "/01/",
    "/search",
    "/en/search",
    "/api/v1/search",
    "/documents",
    "/i18n",
    "/healthz",
    "/static",
    "/media",
]
# The one list of what public pages show: saving, deleting (or changing a many-to-many of) any of
# these, or publishing or unpublishing any page or snippet, makes every cached page stale
# (core/cache.py connects the signals; no app wires its own).
PAGE_CACHE_MODELS = [
    "gi_registry.GeographicalIndication",
    "gi_registry.Producer",
    "gi_registry.Authorisation",
    "gi_registry.Standard",
    "gi_registry.Township",
    "gi_registry.ProductFamily",
    "wagtailcore.Page",
    "wagtailcore.Site",
    "website.SiteSettings",
    "website.NavigationLink",
    "website.FooterLink",
    "wagtailcore.PageViewRestriction",  # a page made private leaves every list at once
    "indicators.PlanIndicator",
    "indicators.IndicatorValue",
    # images and documents: a fragment kept per content version ({% memo %}, core/templatetags/memo_tags.py)
    # links their renditions and files, which an edit of the image or document replaces
    "wagtailimages.Image",
    "wagtaildocs.Document",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its preview views SAMEORIGIN itself
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (website/csp.py; the shape of Django 6.0's SECURE_CSP). Public pages: no
# inline script or style, nothing from elsewhere, never framed. The admin (Wagtail's inline scripts
# and styles, its preview iframe, Gravatar avatars) gets its own, looser policy.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Admin avatars: Wagtail's default picture or an uploaded one, never gravatar.com (often blocked in
# mainland China, where the broken request left a broken image in every admin page's sidebar).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
SECURE_CSP_ADMIN = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
SECURE_CSP_ADMIN_PATHS = ["/admin/"]

# Background tasks (django-tasks, stored in the database by django-tasks-db): contact mail is sent
# after the response, large label sheets are built off the request. `manage.py db_worker` runs them
# (`make run` starts one beside the development server; production runs it as its own process).
# Our tasks go to the "background" backend. "default" stays immediate: Wagtail enqueues its own
# reference-index and admin-search updates there, and they keep happening within the save, as
# before, whether or not a worker runs.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# TASKS_URL (website/task_database.py): the task queue in a database of its own (a PostgreSQL URL,
# or a SQLite file); unset, it stays in the site's database (README "Task queue").
if env("TASKS_URL", default=""):
    from website.task_database import ALIAS as _TASKS_ALIAS
    from website.task_database import tasks_database

    DATABASES[_TASKS_ALIAS] = tasks_database(env("TASKS_URL"))
    DATABASE_ROUTERS = ["website.task_database.TaskQueueRouter"]

# ---- Webhooks (gi_registry/interfaces/webhooks.py; README "Open interfaces") -------------------
# Requests to this machine or private networks are refused unless this is on (or DEBUG).
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
WEBHOOK_TIMEOUT = 5  # seconds, to connect and to read
WEBHOOK_RETRY_DELAYS = [60, 300, 1800, 7200, 43200]  # after attempt 1, 2, …; ±10 % jitter
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=10)  # failed requests in a row
WEBHOOK_TIMESTAMP_TOLERANCE = 300  # what receivers should accept (documented; our test receiver uses it)

# ---- The open-data API (gi_registry/api.py) on Django REST framework --------------------------
# Anonymous and read-only: no authentication (so no session or CSRF token for a GET), JSON only
# (no browsable API), no throttling (the JSON pages are whole-page cached like any public page,
# the CSV streams). Views that need otherwise set their own: Wagtail's admin API keeps its
# SessionAuthentication and its permission checks.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The OpenAPI 3 schema, /api/v1/schema (drf-spectacular), and its docs page, /api/v1/docs.
SPECTACULAR_SETTINGS = {
    "TITLE": "Liangping GI registry API",
    "DESCRIPTION": (
        "The public registry of Liangping's geographical indications as open data (JSON pages or CSV), "
        "the trace of a printed code, and search. No key needed; public fields only."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["gi_registry.api.public_api_only"],
    "POSTPROCESSING_HOOKS": ["gi_registry.api.document_plain_views"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TAGS": [
        {"name": "open data", "description": "The registry's public records."},
        {"name": "trace", "description": "What a printed code says."},
        {"name": "search", "description": "Search and autocomplete."},
    ],
}
# The schema is YAML or JSON by the Accept header, which the page cache's key does not carry.
PAGE_CACHE_EXCLUDE = [*PAGE_CACHE_EXCLUDE, "/api/v1/schema"]
# ---- end of the open-data API settings --------------------------------------------------------

# ---- EPCIS capture (gi_registry/interfaces/epcis/) ---------------------------------------------
# Most events one POST /epcis/capture takes (GS1-EPCIS-Capture-Limit; more is 413), and the largest
# request body read (a 10,000-event document is about 5-10 MB).
EPCIS_CAPTURE_LIMIT = env.int("EPCIS_CAPTURE_LIMIT", default=10_000)
EPCIS_CAPTURE_MAX_BYTES = env.int("EPCIS_CAPTURE_MAX_BYTES", default=64 * 1024 * 1024)
# ---- feeds: the registry's change feeds (gi_registry/interfaces/feeds.py) ---------------------
# Not whole-page cached: a batch withdrawn or an authorisation expired changes a feed without
# bumping the content version; the feeds answer conditional requests (ETag, 304) themselves.
PAGE_CACHE_EXCLUDE = [*PAGE_CACHE_EXCLUDE, "/feeds/"]
# ---- end of feeds -----------------------------------------------------------------------------
# -- interfaces: API tokens (gi_registry/interfaces/tokens.py) --
# EPCIS requests per API token per window (a fixed window; 0 = no limit), and anonymous (public)
# EPCIS queries per client address per window; over the limit answers 429 with Retry-After.
EPCIS_TOKEN_RATE_LIMIT = env.int("EPCIS_TOKEN_RATE_LIMIT", default=600)
EPCIS_TOKEN_RATE_WINDOW = env.int("EPCIS_TOKEN_RATE_WINDOW", default=60)  # seconds
EPCIS_PUBLIC_RATE_LIMIT = env.int("EPCIS_PUBLIC_RATE_LIMIT", default=60)
EPCIS_PUBLIC_RATE_WINDOW = env.int("EPCIS_PUBLIC_RATE_WINDOW", default=60)  # seconds
