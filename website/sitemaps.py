"""sitemap.xml: Wagtail's pages plus every public registry record.

Wagtail's pages take their addresses from the default Site record (its hostname and port: set it
to the public host, see the README's "Deployment"); the registry's records from ``SITE_ORIGIN``.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from core.origin import site_origin
from gi_registry import services


class _RegistrySitemap(Sitemap):
    changefreq = "weekly"

    def get_urls(self, page=1, site=None, protocol=None):
        # Django builds these from the request's Host (RequestSite, no sites framework here); the
        # configured site origin instead, so a forged Host never reaches the sitemap.
        parts = urlsplit(site_origin())
        return self._urls(page, parts.scheme, parts.netloc)

    def lastmod(self, obj):
        return obj.updated_at


class GISitemap(_RegistrySitemap):
    priority = 0.8

    def items(self):
        return services.public_gis().order_by("pk")


class ProducerSitemap(_RegistrySitemap):
    priority = 0.5
    limit = 5000

    def items(self):
        return services.public_producers().order_by("pk")


class StandardSitemap(_RegistrySitemap):
    priority = 0.6

    def items(self):
        return services.public_standards().order_by("pk")


SITEMAPS = {
    "pages": WagtailSitemap,
    "gis": GISitemap,
    "producers": ProducerSitemap,
    "standards": StandardSitemap,
}
