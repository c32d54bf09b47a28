"""Site-wide views that are not pages: robots.txt, the health check and the error pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.origin import absolute_url

from . import csp


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def healthz(request):
    """Liveness check, and the bare Django view the benchmarks compare the real pages against."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The error page, self-contained (static files may be what failed): its one inline
    ``<style>`` is allowed by its hash in this response's policy (website/csp.py)."""
    response = render(request, "500.html", status=500)
    response[csp.HEADER] = csp.policy_allowing_inline_styles(response.content.decode())
    return response
