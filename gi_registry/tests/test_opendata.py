"""Open data: /api/v1/registry/… as JSON and CSV, public fields only."""

import csv
import io

import pytest

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory, StandardFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_gis_json_lists_live_records_only(client):
    live = GeographicalIndicationFactory(name="梁平柚")
    GeographicalIndicationFactory(name="草稿产品", live=False)
    data = client.get("/api/v1/registry/gis").json()
    assert data["count"] == 1
    assert data["results"][0]["name"] == "梁平柚"
    assert data["results"][0]["registration_number"] == live.registration_number
    assert data["results"][0]["url"] == live.get_absolute_url()


def test_producers_hide_contact_unless_public(client):
    ProducerFactory(name="公开", contact_person="张三", contact_phone="13800000001", contact_public=True)
    ProducerFactory(name="不公开", contact_person="李四", contact_phone="13800000002", contact_public=False)
    results = {r["name"]: r for r in client.get("/api/v1/registry/producers").json()["results"]}
    assert results["公开"]["contact_phone"] == "13800000001"
    assert results["不公开"]["contact_phone"] is None and results["不公开"]["contact_person"] is None
    assert "accounts" not in results["公开"]
    rows = {r["name"]: r for r in csv_rows(client.get("/api/v1/registry/producers", {"format": "csv"}))}
    assert rows["不公开"]["contact_phone"] == "" and rows["公开"]["contact_phone"] == "13800000001"
    assert "13800000002" not in str(rows)


def test_authorisations_and_standards_csv(client):
    auth = AuthorisationFactory()
    AuthorisationFactory(producer=ProducerFactory(live=False))  # its producer is not public
    rows = csv_rows(client.get("/api/v1/registry/authorisations", {"format": "csv"}))
    assert [r["number"] for r in rows] == [auth.number]
    assert rows[0]["producer_credit_code"] == auth.producer.credit_code
    StandardFactory(code="DB50/T 1500-2022", title="梁平豆筋加工技术规程")
    rows = csv_rows(client.get("/api/v1/registry/standards", {"format": "csv"}))
    assert rows[0]["code"] == "DB50/T 1500-2022" and rows[0]["title"] == "梁平豆筋加工技术规程"


def test_json_pagination(client):
    for _ in range(5):
        StandardFactory()
    first = client.get("/api/v1/registry/standards", {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = client.get("/api/v1/registry/standards", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    beyond = client.get("/api/v1/registry/standards", {"page_size": 2, "page": 99}).json()
    assert beyond["results"] == []


@pytest.mark.parametrize("params", [{"page": "x"}, {"page_size": "0"}, {"page": "-1"}])
def test_bad_paging_is_a_400(client, params):
    assert client.get("/api/v1/registry/gis", params).status_code == 400


def test_unknown_resource_and_write_methods(client):
    assert client.get("/api/v1/registry/users", follow=True).status_code == 404
    assert client.post("/api/v1/registry/gis").status_code == 405
