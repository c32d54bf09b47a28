"""A Content-Security-Policy on every response (website/csp.py): strict on the public site, cached
pages included, looser in the admin; and no public template relies on an inline script or style."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from gi_registry.factories import ProducerFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from website import csp, views

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"
ADMIN_TEMPLATES = (
    "gi_registry/admin/",
    "gi_registry/trace/admin/",
    "protection/admin/",
    "interfaces/admin/",
    "wagtailadmin/",
)


def directives(response) -> dict[str, list[str]]:
    value = response[csp.HEADER]
    return {part.split()[0]: part.split()[1:] for part in value.split(";") if part.strip()}


def assert_public_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response[csp.HEADER]


def test_public_pages_trace_page_and_apis_carry_the_strict_policy(client, phone):
    batch = BatchFactory()
    code = issue_codes(batch, 1)[0].printed_code
    ProducerFactory()
    for path in (
        "/",
        "/en/",
        "/producers/",
        batch.authorisation.geographical_indication.get_absolute_url(),
        f"/t/{code}",
        f"/api/v1/trace/{code}",
        "/api/v1/registry/producers",
        "/robots.txt",
        "/sitemap.xml",
    ):
        response = client.get(path, **phone)
        assert response.status_code == 200, path
        assert_public_policy(response)
    response = client.get("/no-such-page/", **phone)
    assert response.status_code == 404
    assert_public_policy(response)


def test_a_page_served_from_the_cache_carries_the_policy(client, cached_pages):
    client.get("/producers/")
    hit = client.get("/producers/")
    assert hit["X-Page-Cache"] == "hit"
    assert_public_policy(hit)


def test_the_admin_has_its_own_looser_policy(client, officer):
    assert directives(client.get("/admin/login/"))["script-src"] == ["'self'", "'unsafe-inline'"]
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]  # the page preview is an iframe of the admin
    assert policy["object-src"] == ["'none'"]


def test_the_error_page_allows_only_its_own_inline_style():
    response = views.server_error(RequestFactory().get("/"))
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = directives(response)
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert policy["script-src"] == ["'self'"]


def _public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(ADMIN_TEMPLATES):
            yield name, path.read_text()


def test_no_public_template_has_an_inline_script_style_or_handler():
    """The strict policy would block them; a script must be a static file (``src=``), JSON-LD is
    data. The error page's one ``<style>`` is allowed by its hash (the test above)."""
    found = []
    for name, text in _public_templates():
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" not in tag and 'type="application/ld+json"' not in tag:
                found.append((name, tag))
        if name != "500.html" and re.search(r"<style\b", text, re.I):
            found.append((name, "<style>"))
        found.extend((name, m) for m in re.findall(r"\s(?:style|on[a-z]+)\s*=", text, re.I))
        found.extend((name, m) for m in re.findall(r"javascript:", text, re.I))
    assert found == []
    assert len(list(_public_templates())) > 20  # the walk found the templates
