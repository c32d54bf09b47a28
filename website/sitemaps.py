"""sitemap.xml: Wagtail's pages plus every public registry record."""

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from gi_registry import services


class _RegistrySitemap(Sitemap):
    changefreq = "weekly"

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
