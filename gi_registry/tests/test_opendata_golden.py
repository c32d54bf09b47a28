"""Open data, golden: every open-data request answers exactly as recorded.

``golden/opendata.json`` was recorded from the hand-written views (``gi_registry/opendata.py``
before it moved onto Django REST framework) on the fixed dataset below: for each request, the
status, every response header and the body, byte for byte (JSON and CSV, raw and neutralised,
pagination, the ``page``/``page_size`` errors, other methods, unknown resources). The DRF views
must give the same. Re-record (only when a change of output is intended) with
``UPDATE_GOLDEN=1 .venv/bin/pytest gi_registry/tests/test_opendata_golden.py``.
"""

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from gi_registry.factories import (
    AuthorisationFactory,
    GeographicalIndicationFactory,
    ProducerFactory,
    StandardFactory,
    family,
    make_credit_code,
)
from gi_registry.models import GeographicalIndication, Producer, Standard, Township

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "opendata.json"
FORMULA = '=HYPERLINK("http://evil.example","x")'
RESOURCES = ["gis", "producers", "authorisations", "standards"]


def make_dataset() -> None:
    """Fixed values everywhere (ids included): the recorded bodies hold them."""
    townships = list(Township.objects.order_by("sort_order")[:2])
    pomelo = family("pomelo")
    others = [f for f in type(pomelo).objects.order_by("sort_order") if f.pk != pomelo.pk][:1]
    gi_fields = {
        "authority": "农业农村部",
        "holder": "梁平区农业技术推广协会",
        "registration_date": datetime.date(2008, 7, 1),
    }
    gi1 = GeographicalIndicationFactory(
        pk=9101, name="梁平柚", name_en="Liangping Pomelo", slug="liangping-pomelo", registration_number="AGI00101",
        product_family=pomelo, **gi_fields,
    )  # fmt: skip
    gi1.townships.set(townships)
    gi1.save()
    gi2 = GeographicalIndicationFactory(
        pk=9102, name="梁平竹帘", slug="liangping-bamboo-curtain", registration_number="第1234567号",
        kind=GeographicalIndication.Kind.CERTIFICATION_MARK, nice_class=20,
        valid_from=datetime.date(2015, 3, 7), valid_until=datetime.date(2035, 3, 6),
        product_family=others[0] if others else pomelo, is_demo=True, **gi_fields,
    )  # fmt: skip
    GeographicalIndicationFactory(pk=9103, name="草稿产品", slug="draft-gi", registration_number="AGI00103", live=False)
    p1 = ProducerFactory(
        pk=9201, name="梁平区礼让柚子专业合作社", credit_code=make_credit_code(101), township=townships[0],
        address="梁平区礼让镇川西村", latitude=Decimal("30.654321"), longitude=Decimal("107.765432"),
        contact_person="张三", contact_phone="13800000001", contact_public=True, website="https://pomelo.example.cn/",
        product_families=[pomelo],
    )  # fmt: skip
    p2 = ProducerFactory(
        pk=9202, name=FORMULA, credit_code=make_credit_code(102, "91"), township=townships[-1],
        address="@SUM(1+1)*cmd|' /C calc'!A0", contact_person="李四", contact_phone="13800000002",
        contact_public=False, kind=Producer.Kind.ENTERPRISE,
        product_families=[pomelo, *others],
    )  # fmt: skip
    p3 = ProducerFactory(pk=9203, name="未发布合作社", credit_code=make_credit_code(103), live=False)
    dates = {"valid_from": datetime.date(2025, 1, 1), "valid_until": datetime.date(2025, 12, 31)}
    AuthorisationFactory(
        pk=9301, number="LPGI-2025-00001", producer=p1, geographical_indication=gi1, scope="鲜果、礼盒",
        yearly_quota=5000, **dates,
    )  # fmt: skip
    AuthorisationFactory(pk=9302, number="-LPGI-2025-00002", producer=p2, geographical_indication=gi2, **dates)
    AuthorisationFactory(pk=9303, number="LPGI-2025-00003", producer=p3, geographical_indication=gi1, **dates)
    AuthorisationFactory(
        pk=9304, number="LPGI-2025-00004", producer=p1, geographical_indication=gi1, live=False, **dates
    )
    s_new = StandardFactory(pk=9401, code="DB50/T 1500-2022", title="梁平柚栽培技术规程")
    s_new.product_families.set([pomelo])
    s_new.geographical_indications.set([gi1, GeographicalIndication.objects.get(pk=9103)])
    s_new.save()
    StandardFactory(
        pk=9402, code="DB50/T 1001-2010", title="梁平柚（旧）", status=Standard.Status.SUPERSEDED, replaced_by=s_new, issued_on=None,
        implemented_on=None, is_demo=True,
    )  # fmt: skip
    s_draft = StandardFactory(pk=9403, code="DB50/T 1600-2024", title="草稿标准", live=False)
    StandardFactory(pk=9404, code="DB50/T 1002-2011", title="被草稿替代", replaced_by=s_draft)
    for n in range(5, 8):
        StandardFactory(pk=9400 + n, code=f"DB50/T {1700 + n}-2023", title=f"梁平豆筋第{n}部分")


def requests() -> list[dict]:
    """Every request the golden file holds: ``[method, path, query, client options]``."""
    out = []
    for name in RESOURCES:
        base = f"/api/v1/registry/{name}"
        out += [
            {"path": base},
            {"path": base, "query": {"format": "json"}},
            {"path": base, "query": {"format": "csv"}},
            {"path": base, "query": {"format": "csv", "raw": "1"}},
        ]
    base = "/api/v1/registry/standards"
    out += [
        {"path": base, "query": {"page_size": "2"}},
        {"path": base, "query": {"page_size": "2", "page": "2"}},
        {"path": base, "query": {"page_size": "2", "page": "4"}},
        {"path": base, "query": {"page_size": "2", "page": "99"}},
        {"path": base, "query": {"page_size": "1000"}},
        {"path": base, "query": {"page_size": "3", "extra": "ignored", "q": "x"}},
        {"path": base, "query": {"page": " 2 ", "page_size": "+3"}},
        {"path": base, "query": {"format": "csv", "raw": "true"}},
        {"path": base, "query": {"format": "csv", "page": "x", "page_size": "0"}},
        {"path": base, "query": {"format": "CSV"}},
        {"path": base, "query": {"format": "xml"}},
        {"path": base, "query": {"format": "api"}},
        {"path": base, "headers": {"HTTP_ACCEPT": "text/csv"}},
        {"path": base, "headers": {"HTTP_ACCEPT": "text/html"}},
        {"path": base, "headers": {"HTTP_ACCEPT": "application/json; indent=4"}},
        {"path": base, "headers": {"HTTP_ACCEPT": "application/xml"}},
        {"path": base, "headers": {"HTTP_ACCEPT_LANGUAGE": "en"}},
        {"path": "/en/api/v1/registry/gis"},
        {"path": "/api/v1/registry/gis/"},
        {"path": "/api/v1/registry/users"},
        {"path": "/api/v1/registry/"},
    ]
    for query in ({"page": "x"}, {"page_size": "0"}, {"page": "-1"}, {"page": "1.5"}, {"page_size": ""}, {"page": ""}):
        out.append({"path": "/api/v1/registry/gis", "query": query})
    out.append({"path": "/api/v1/registry/gis", "query": {"page": "x"}, "headers": {"HTTP_ACCEPT_LANGUAGE": "en"}})
    out.append({"path": "/api/v1/registry/gis", "query": {"page": "0"}, "headers": {"HTTP_ACCEPT": "application/json"}})
    for method in ("post", "put", "patch", "delete", "head", "options"):
        out.append({"method": method, "path": "/api/v1/registry/gis"})
    out.append({"method": "post", "path": "/api/v1/registry/gis", "csrf": True})
    return out


def record(req: dict) -> dict:
    client = Client(enforce_csrf_checks=req.get("csrf", False))
    method = req.get("method", "get")
    response = getattr(client, method)(req["path"], req.get("query", {}), **req.get("headers", {}))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    entry = {
        "request": req,
        "status": response.status_code,
        "streaming": response.streaming,
        "headers": dict(sorted((k.lower(), v) for k, v in response.items())),
    }
    if response.status_code == 404 or (response.status_code == 403 and req.get("csrf")):
        # Django's and the site's error pages: their HTML is not the API's; the status and type are.
        entry["headers"] = {k: v for k, v in entry["headers"].items() if k in ("content-type",)}
        return entry
    entry["body"] = body.decode("utf-8")
    return entry


def record_all() -> list[dict]:
    make_dataset()
    return [record(req) for req in requests()]


def test_open_data_answers_as_recorded():
    got = record_all()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [e["request"] for e in got] == [e["request"] for e in expected]
    for new, old in zip(got, expected, strict=True):
        where = f"{new['request']}"
        assert new["status"] == old["status"], where
        assert new["streaming"] == old["streaming"], where
        assert new["headers"] == old["headers"], where
        if old["headers"].get("content-type") == "application/json":
            assert json.loads(new["body"]) == json.loads(old["body"]), where  # same keys, values, order of rows
        assert new.get("body") == old.get("body"), where  # and the same bytes


def test_recorded_csv_columns_are_the_json_keys():
    """A sanity check on the recording itself: the CSV header lists the JSON row's keys, in order."""
    expected = {json.dumps(e["request"]): e for e in json.loads(GOLDEN.read_text(encoding="utf-8"))}
    for name in RESOURCES:
        rows = json.loads(expected[json.dumps({"path": f"/api/v1/registry/{name}"})]["body"])["results"]
        csv_body = expected[json.dumps({"path": f"/api/v1/registry/{name}", "query": {"format": "csv"}})]["body"]
        assert csv_body.lstrip("\ufeff").split("\r\n")[0].split(",") == list(rows[0])


def test_the_page_cache_keeps_json_and_never_csv(settings):
    """The JSON pages are whole-page cached for anonymous visitors (core/cache.py) like any public
    page; the CSV streams, so it never is."""
    settings.PAGE_CACHE_SECONDS = 600
    make_dataset()
    client = Client()
    first = client.get("/api/v1/registry/gis", {"page_size": "1"})
    again = client.get("/api/v1/registry/gis", {"page_size": "1"})
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert again.content == first.content and again["Content-Type"] == "application/json"
    csv_response = client.get("/api/v1/registry/gis", {"format": "csv"})
    assert csv_response.streaming and "X-Page-Cache" not in client.get("/api/v1/registry/gis", {"format": "csv"})
