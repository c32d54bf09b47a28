"""Public registry pages: they render, filter, stay public-only and do not grow queries with rows."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gi_registry.factories import (
    AuthorisationFactory,
    GeographicalIndicationFactory,
    ProducerFactory,
    StandardFactory,
    family,
)
from gi_registry.models import Producer, Standard, Township

pytestmark = pytest.mark.django_db

POLYGON = {"type": "Polygon", "coordinates": [[[107.6, 30.6], [107.9, 30.6], [107.9, 30.8], [107.6, 30.6]]]}


def jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_gi_page_shows_registry_facts_producers_standards_and_map(client):
    gi = GeographicalIndicationFactory(name="梁平柚", slug="liangping-pomelo", protected_area_geojson=POLYGON)
    gi.townships.set(Township.objects.filter(name__in=["礼让镇", "金带街道"]))
    gi.save()
    valid = AuthorisationFactory(geographical_indication=gi, producer=ProducerFactory(name="川西柚子合作社"))
    AuthorisationFactory(geographical_indication=gi, producer=ProducerFactory(name="已吊销合作社"), status="revoked")
    standard = StandardFactory(code="DB50/T 1001-2020", title="梁平柚栽培技术规程")
    standard.geographical_indications.add(gi)
    standard.save()
    html = client.get(gi.get_absolute_url()).content.decode()
    for text in ("梁平柚", gi.registration_number, "农业农村部", "礼让镇", "金带街道", "DB50/T 1001-2020"):
        assert text in html
    assert valid.producer.name in html and "已吊销合作社" not in html
    assert "<svg" in html and "<path" in html
    data = jsonld(html)
    assert data["@type"] == "Product" and data["name"] == "梁平柚"


def test_demo_records_are_labelled(client):
    gi = GeographicalIndicationFactory(is_demo=True)
    html = client.get(gi.get_absolute_url()).content.decode()
    assert "badge-demo" in html


def test_producer_directory_filters(client):
    pomelo, duck = family("pomelo"), family("duck")
    lirang, jindai = Township.objects.get(name="礼让镇"), Township.objects.get(name="金带街道")
    ProducerFactory(name="礼让柚子合作社", township=lirang, product_families=[pomelo], kind="cooperative")
    ProducerFactory(name="金带鸭子食品公司", township=jindai, product_families=[duck], kind="enterprise")
    directory = reverse("gi_registry:producer_directory")

    def names(**params):
        html = client.get(directory, params).content.decode()
        return {n for n in ("礼让柚子合作社", "金带鸭子食品公司") if n in html}

    assert names() == {"礼让柚子合作社", "金带鸭子食品公司"}
    assert names(township=lirang.pk) == {"礼让柚子合作社"}
    assert names(family="duck") == {"金带鸭子食品公司"}
    assert names(kind="cooperative") == {"礼让柚子合作社"}
    assert names(q="鸭子") == {"金带鸭子食品公司"}
    assert names(township="not-a-number", kind="<script>", family="nope") in (
        {"礼让柚子合作社", "金带鸭子食品公司"},
        set(),
    )


def test_producer_page_hides_contact_unless_public(client):
    hidden = ProducerFactory(contact_person="张三", contact_phone="13800000000", contact_public=False)
    shown = ProducerFactory(contact_person="李四", contact_phone="13900000000", contact_public=True)
    assert "13800000000" not in client.get(hidden.get_absolute_url()).content.decode()
    html = client.get(shown.get_absolute_url()).content.decode()
    assert "13900000000" in html
    assert jsonld(html)["taxID"] == shown.credit_code


def test_producer_page_accepts_lower_case_credit_code(client):
    producer = ProducerFactory()
    assert client.get(f"/producers/{producer.credit_code.lower()}/").status_code == 200


def test_standard_library_filters_and_chain(client):
    new = StandardFactory(code="DB50/T 2000-2024", title="梁平柚栽培技术规程")
    old = StandardFactory(
        code="DB50/T 2000-2015", title="梁平柚种植规范", status=Standard.Status.SUPERSEDED, replaced_by=new
    )
    StandardFactory(code="GB/T 9999-2010", title="国家标准样例", level=Standard.Level.NATIONAL)
    library = reverse("gi_registry:standard_library")
    html = client.get(library, {"level": "local"}).content.decode()
    assert "DB50/T 2000-2024" in html and "GB/T 9999-2010" not in html
    html = client.get(library, {"status": "superseded"}).content.decode()
    assert "梁平柚种植规范" in html and "梁平柚栽培技术规程" not in html
    old_page = client.get(old.get_absolute_url()).content.decode()
    assert "DB50/T 2000-2024" in old_page  # "replaced by" is shown
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert "DB50/T 2000-2015" in new_page  # and the version it replaced
    assert jsonld(new_page)["identifier"] == "DB50/T 2000-2024"


def test_home_page_renders_with_five_families(client):
    html = client.get("/").content.decode()
    for name in ("稻子", "柚子", "鸭子", "豆子", "笋子"):
        assert name in html


def test_english_version_of_the_pages(client):
    response = client.get("/en/producers/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_sitemap_and_robots(client):
    gi = GeographicalIndicationFactory()
    producer = ProducerFactory()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert gi.get_absolute_url() in sitemap and producer.get_absolute_url() in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_unknown_records_give_404(client):
    assert client.get("/gi/no-such-gi/").status_code == 404
    assert client.get("/producers/91350100M000100Y43/").status_code == 404
    assert client.get("/standards/no-such-standard/").status_code == 404


@pytest.mark.parametrize(
    ("url_name", "make_rows"),
    [
        (
            "gi_registry:producer_directory",
            lambda n: [ProducerFactory(product_families=[family("pomelo")]) for _ in range(n)],
        ),
        ("gi_registry:standard_library", lambda n: [StandardFactory(replaced_by=None) for _ in range(n)]),
        ("gi_registry:gi_index", lambda n: [GeographicalIndicationFactory() for _ in range(n)]),
    ],
)
def test_list_pages_have_no_n_plus_one(client, url_name, make_rows):
    url = reverse(url_name)
    make_rows(3)
    client.get(url)  # warm caches (site root, etc.)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make_rows(15)
    client.get(url)  # the first view after a change reads the navigation etc. afresh (core/memo.py)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_gi_page_has_no_n_plus_one(client):
    gi = GeographicalIndicationFactory()
    for _ in range(2):
        AuthorisationFactory(geographical_indication=gi)
    client.get(gi.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(gi.get_absolute_url())
    for _ in range(12):
        AuthorisationFactory(geographical_indication=gi)
        s = StandardFactory()
        s.geographical_indications.add(gi)
        s.save()
    client.get(gi.get_absolute_url())  # the first view after a change reads the navigation etc. afresh
    with CaptureQueriesContext(connection) as many:
        client.get(gi.get_absolute_url())
    assert len(many) == len(few)
    assert Producer.objects.count() == 14


def test_gi_page_lists_fifty_producers_and_links_to_all(client):
    from gi_registry.views import GI_PAGE_PRODUCERS

    gi = GeographicalIndicationFactory(slug="many-producers")
    for _ in range(GI_PAGE_PRODUCERS + 3):
        AuthorisationFactory(geographical_indication=gi)
    other = AuthorisationFactory()  # a producer authorised for another GI only
    html = client.get(gi.get_absolute_url()).content.decode()
    assert html.count("LPGI-2025-") == GI_PAGE_PRODUCERS
    assert "?gi=many-producers" in html
    directory = client.get("/producers/", {"gi": "many-producers"})
    assert directory.context["page"].paginator.count == GI_PAGE_PRODUCERS + 3
    assert other.producer.name not in directory.content.decode()
