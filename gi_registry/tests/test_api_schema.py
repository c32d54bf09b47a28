"""The OpenAPI 3 schema (/api/v1/schema) and its docs page (/api/v1/docs); the open-data views'
DRF settings (anonymous, read-only, no cookie); Wagtail's admin API unharmed by those settings."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import resolve
from drf_spectacular.validation import validate_schema

from gi_registry import api
from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory
from gi_registry.opendata import RESOURCES

pytestmark = pytest.mark.django_db

OPEN_DATA_PATHS = {f"/api/v1/registry/{name}" for name in RESOURCES}
PLAIN_PATHS = {
    "/api/v1/trace/{code}": "trace:api",
    "/api/v1/search": "search_api",
    "/api/v1/search/suggest": "search_suggest_api",
}


def schema_from(client, path="/api/v1/schema", **extra) -> dict:
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return yaml.safe_load(response.content)  # YAML, and JSON too


def test_the_schema_is_valid_openapi_3_without_a_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == OPEN_DATA_PATHS | set(PLAIN_PATHS)  # /api/v1/ only, not Wagtail's admin API


def test_every_open_data_path_has_its_parameters_and_columns(client):
    schema = schema_from(client)
    validate_schema(schema)
    components = schema["components"]["schemas"]
    for name, resource in RESOURCES.items():
        operation = schema["paths"][f"/api/v1/registry/{name}"]["get"]
        assert {p["name"] for p in operation["parameters"]} == {"page", "page_size", "format", "raw"}, name
        assert set(operation) >= {"summary", "description", "responses"}
        ok = operation["responses"]["200"]["content"]
        assert set(ok) == {"application/json", "text/csv"}
        page = components[ok["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
        assert list(page["properties"]) == ["count", "page", "page_size", "next", "previous", "results"]
        row = components[page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
        assert list(row["properties"]) == list(resource.fields), name  # the same columns, in order
        for column, field in resource.fields.items():
            assert row["properties"][column]["type"] == field.type
        assert "400" in operation["responses"]
    assert components["Producer"]["properties"]["contact_phone"]["nullable"] is True
    assert components["Standard"]["properties"]["issued_on"] == {
        "type": "string",
        "format": "date",
        "nullable": True,
        "readOnly": True,
    }


def test_the_plain_endpoints_are_described_and_still_where_the_schema_says():
    from gi_registry.trace import resolve as trace_resolve
    from search.documents import FACETS

    schema = api.document_plain_views({"paths": {}}, None, None, True)
    for path, url_name in PLAIN_PATHS.items():
        assert schema["paths"][path]["get"]["responses"]["200"]
        match = resolve(path.replace("{code}", "AAAAAAAAAAAAAAAAAAAA"))
        assert f"{match.namespace}:{match.url_name}".lstrip(":") == url_name
    assert list(FACETS) == api.FACETS
    assert set(api.VERDICTS) == {
        trace_resolve.GENUINE,
        trace_resolve.SUSPICIOUS,
        trace_resolve.WITHDRAWN,
        trace_resolve.UNKNOWN,
    }


@pytest.mark.parametrize("path", ["/api/v1/schema", "/api/v1/schema/"])
def test_the_schema_answers_on_both_url_shapes_as_yaml_or_json(client, path):
    as_yaml = client.get(path)
    assert as_yaml.status_code == 200
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    as_json = client.get(path, HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"].startswith("application/json")
    by_format = client.get(path, {"format": "json"})
    assert by_format["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert yaml.safe_load(as_yaml.content) == json.loads(as_json.content) == json.loads(by_format.content)
    assert not as_yaml.cookies and not as_json.cookies


def test_the_schema_is_not_page_cached_across_accept_headers(settings):
    """The page cache keys by URL; the schema's format comes from Accept, so it is never cached."""
    settings.PAGE_CACHE_SECONDS = 600
    client = Client()
    assert client.get("/api/v1/schema")["Content-Type"].startswith("application/vnd.oai.openapi")
    again = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert again["Content-Type"].startswith("application/json") and "X-Page-Cache" not in again


def asset_urls(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/docs/"])
def test_the_docs_page_and_its_local_assets_load(path):
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        client = Client()  # its handler (WhiteNoise included) is built with these settings
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'; style-src 'self'")
        # no inline script or style (the settings are JSON data), nothing from another host
        assert re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", html) == []
        assert "<style" not in html and " style=" not in html
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
        config = json.loads(
            re.search(r'<script id="swagger-config" type="application/json">(.*?)</script>', html).group(1)
        )
        assert config["url"] == "/api/v1/schema" and config["validatorUrl"] is None
        assets = asset_urls(html)
        assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in a for a in assets)
        assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in a for a in assets)
        for asset in assets:
            loaded = client.get(asset)
            assert loaded.status_code == 200, asset
            assert loaded["Content-Type"].split(";")[0] in {
                "text/javascript",
                "application/javascript",
                "text/css",
                "image/png",
            }
        assert not response.cookies


def test_open_data_needs_no_session_and_sets_no_cookie():
    GeographicalIndicationFactory()
    client = Client()
    for query in ({}, {"format": "csv"}):
        response = client.get("/api/v1/registry/gis", query)
        assert response.status_code == 200 and not response.cookies
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


def test_a_signed_in_user_sees_the_same_open_data(client, superuser):
    """No authentication class: a session changes nothing (and leaks nothing) in the answer."""
    ProducerFactory(contact_phone="13800000009", contact_public=False)
    anonymous = Client().get("/api/v1/registry/producers").content
    client.force_login(superuser)
    assert client.get("/api/v1/registry/producers").content == anonymous


def test_wagtail_admin_api_keeps_its_own_authentication(client, superuser):
    """REST_FRAMEWORK's defaults (no authentication, JSON only) must not reach Wagtail's admin API."""
    assert Client().get("/admin/api/main/pages/").status_code in (302, 403)
    client.force_login(superuser)
    response = client.get("/admin/api/main/pages/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json" and "items" in response.json()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_docs_page_runs_under_the_strict_csp(live_server, browser, screenshot_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" or "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "nodes => nodes.map(n => n.textContent.trim())")
    assert OPEN_DATA_PATHS | set(PLAIN_PATHS) <= set(paths)
    page.screenshot(path=screenshot_dir / "api-docs-desktop.png", full_page=False)
    assert problems == [], problems
    page.close()
