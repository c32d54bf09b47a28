from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from gi_registry.trace.admin import registry_bulk_action
from gi_registry.urls import api_urlpatterns as registry_api_urlpatterns
from search.urls import api_urlpatterns as search_api_urlpatterns

from . import views
from .sitemaps import SITEMAPS

handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"

urlpatterns = [
    re_path(
        r"^admin/bulk/gi_registry/(?P<model_name>batch|traceevent)/(?P<action>[\w-]+)/$",
        registry_bulk_action,
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Trace pages, the trace API and GS1 Digital Link: printed on labels, so never language-prefixed.
    path("", include("gi_registry.trace.urls")),
    # The consumer's report about a box and the follow page of its case, reached from trace pages.
    path("", include("gi_registry.protection.urls")),
    # Machine interfaces: EPCIS 2.0 capture and query, change feeds (gi_registry/interfaces/).
    path("", include("gi_registry.interfaces.urls")),
    # Open data (DRF), the OpenAPI schema /api/v1/schema and its docs page /api/v1/docs.
    *registry_api_urlpatterns,
    *search_api_urlpatterns,
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include("search.urls")),
    path("", include("gi_registry.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
