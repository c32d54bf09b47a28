"""Admin search (``gi_registry.admin_search``): every chooser and listing finds a record by any
substring of its name, township or codes, by pinyin and by initials; and a producer account's
searches, however they are worded, show only its own producer's records."""

import json
import re

import pytest
from django.urls import reverse

from gi_registry.admin_search import admin_search
from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory, StandardFactory
from gi_registry.models import Authorisation, GeographicalIndication, Producer, Standard, Township
from gi_registry.models.search_text import build_search_text
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.models import Batch, TraceEvent

pytestmark = pytest.mark.django_db

OWN_CODE = "93500155MA9000011Q"
OTHER_CODE = "91500155MA90000702"
OTHER_FRAGMENT = "MA9000070"  # in the other producer's credit code only


@pytest.fixture
def records(producer_user):
    """Two producers, each with an authorisation, a batch and a trace event; the producer
    account is linked to the first."""
    lirang, renxian = Township.objects.get(name="礼让镇"), Township.objects.get(name="仁贤街道")
    jinyou = GeographicalIndicationFactory(name="梁平金柚", registration_number="AGI2020-01-9901")
    rice = GeographicalIndicationFactory(name="梁平大米", registration_number="AGI2019-02-8802")
    own = ProducerFactory(
        name="梁平区礼让镇川西金柚专业合作社", credit_code=OWN_CODE, township=lirang, address="川西村3组"
    )
    own.accounts.add(producer_user)
    own.save()  # a ParentalManyToManyField is written on save
    other = ProducerFactory(
        name="重庆梁平都梁米业有限公司", credit_code=OTHER_CODE, township=renxian, address="工业园区A区6号"
    )
    own_auth = AuthorisationFactory(producer=own, geographical_indication=jinyou, number="LPGI-2025-0101")
    other_auth = AuthorisationFactory(producer=other, geographical_indication=rice, number="LPGI-2025-0202")
    own_batch = BatchFactory(authorisation=own_auth, lot_number="JY2025-A1", product_name="梁平金柚 礼盒装")
    other_batch = BatchFactory(authorisation=other_auth, lot_number="MY2025-B2", product_name="都梁香米 5kg")
    own_event = TraceEventFactory(batch=own_batch, read_point="礼让镇川西村")
    other_event = TraceEventFactory(batch=other_batch, read_point="仁贤街道仓库")
    return {
        "own": own,
        "other": other,
        "own_auth": own_auth,
        "other_auth": other_auth,
        "own_batch": own_batch,
        "other_batch": other_batch,
        "own_event": own_event,
        "other_event": other_event,
        "jinyou": jinyou,
    }


def found(model, query):
    return set(admin_search(model.objects.all(), query).values_list("pk", flat=True))


# -- the search text ----------------------------------------------------------------------------


def test_search_text_holds_names_pinyin_initials_and_code_forms():
    text = build_search_text(names=["梁平金柚"], codes=["DB50/T 123-2020"], plain=["礼让镇 川西村"])
    lines = text.split("\n")
    assert "梁平金柚" in lines
    assert "liangpingjinyou" in lines
    assert "lpjy" in lines
    assert "db50/t 123-2020" in lines and "db50t1232020" in lines and "db50t123" in lines
    assert "礼让镇 川西村" in lines


def test_search_text_is_kept_on_save(records):
    producer = records["own"]
    producer.name = "梁平区礼让镇新名字家庭农场"
    producer.save()
    assert found(Producer, "新名字") == {producer.pk}
    assert found(Producer, "xinmingzi") == {producer.pk}
    assert found(Producer, "川西金柚") == set()


# -- what a query finds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "金柚",
        "礼让镇",  # the producer's township (a related record)
        "合作社",
        "川西金柚专业",
        "金柚合作社",  # not a substring, but both of its words are
        "川西村",  # the address
        OWN_CODE,
        OWN_CODE.lower(),
        "MA9000011",  # a fragment of the credit code
        "chuanxi",  # full pinyin of a part of the name
        "liangping jinyou",
        "LiRangZhen",  # the township's pinyin
        "lrzcxjy",  # initials of 礼让镇川西金柚
        "cxjyzyhzs",
    ],
)
def test_producer_found_by_substring_code_pinyin_and_initials(records, query):
    assert found(Producer, query) == {records["own"].pk}


@pytest.mark.parametrize("query", ["都梁米业", "仁贤", OTHER_FRAGMENT, "00070", "miye", "dlmy", "renxian"])
def test_the_other_producer_by_the_same_rules(records, query):
    assert found(Producer, query) == {records["other"].pk}


@pytest.mark.parametrize("query", ["梁平", "liangping", "lp", "ma900"])
def test_a_common_term_finds_both(records, query):
    assert found(Producer, query) == {records["own"].pk, records["other"].pk}


@pytest.mark.parametrize("query", ["金柚 米业", "zzzz", "不存在的名字", "MA9000011Q9"])
def test_every_term_must_match(records, query):
    assert found(Producer, query) == set()


def test_authorisation_batch_and_event_found_through_their_producer_and_own_numbers(records):
    assert found(Authorisation, "LPGI-2025-0101") == {records["own_auth"].pk}
    assert found(Authorisation, "lpgi20250101") == {records["own_auth"].pk}
    assert found(Authorisation, "0101") == {records["own_auth"].pk}
    assert found(Authorisation, "金柚") == {records["own_auth"].pk}  # its producer and its GI
    assert found(Authorisation, "礼让镇") == {records["own_auth"].pk}
    assert found(Authorisation, OTHER_CODE) == {records["other_auth"].pk}
    assert found(Authorisation, "dami") == {records["other_auth"].pk}  # the GI 梁平大米
    assert found(Batch, "JY2025") == {records["own_batch"].pk}
    assert found(Batch, "jy2025a1") == {records["own_batch"].pk}
    assert found(Batch, "lpjy") == {records["own_batch"].pk}
    assert found(Batch, "LPGI-2025-0202") == {records["other_batch"].pk}  # its authorisation
    assert found(Batch, "都梁") == {records["other_batch"].pk}
    assert found(TraceEvent, "仓库") == {records["other_event"].pk}
    assert found(TraceEvent, "JY2025-A1") == {records["own_event"].pk}  # its batch
    assert found(TraceEvent, "chuanxi") == {records["own_event"].pk}


def test_gis_and_standards(records):
    assert found(GeographicalIndication, "金柚") == {records["jinyou"].pk}
    assert found(GeographicalIndication, "lpjy") == {records["jinyou"].pk}
    assert found(GeographicalIndication, "liangping jinyou") == {records["jinyou"].pk}
    assert found(GeographicalIndication, "2020-01-99") == {records["jinyou"].pk}
    standard = StandardFactory(code="DB50/T 9101-2021", title="梁平柚贮藏保鲜技术规程")
    assert found(Standard, "db50t9101") == {standard.pk}
    assert found(Standard, "DB50/T 9101") == {standard.pk}
    assert found(Standard, "贮藏保鲜") == {standard.pk}
    assert found(Standard, "zhucang") == {standard.pk}
    assert found(Standard, "lpyzcbx") == {standard.pk}


def test_townships_and_product_families():
    from gi_registry.models import ProductFamily

    assert "礼让镇" in {t.name for t in admin_search(Township.objects.all(), "lirang")}
    assert "礼让镇" in {t.name for t in admin_search(Township.objects.all(), "lrz")}
    families = {f.name for f in admin_search(ProductFamily.objects.all(), "youzi")}
    assert families == {"柚子"} or "柚子" in families


# -- the admin's choosers and listings, as each group -------------------------------------------

CHOOSERS = {
    "producer": ("wagtailsnippetchoosers_gi_registry_producer", "own", "other"),
    "authorisation": ("wagtailsnippetchoosers_gi_registry_authorisation", "own_auth", "other_auth"),
    "batch": ("wagtailsnippetchoosers_gi_registry_batch", "own_batch", "other_batch"),
    "traceevent": ("wagtailsnippetchoosers_gi_registry_traceevent", "own_event", "other_event"),
}
# Queries that find the other producer's record of each model (and, some, the own one too).
OTHER_QUERIES = ["都梁", "仁贤街道", OTHER_CODE, OTHER_FRAGMENT.lower(), "miye", "有限公司", "liangping", "梁平"]


# Producer accounts hold no authorisation permission (their batches' form offers their own
# authorisations itself): the authorisation chooser and listing show them nothing at all.
PRODUCER_SEES_OWN = {"producer": True, "authorisation": False, "batch": True, "traceevent": True}


def page_text(response) -> str:
    """A chooser's HTML: the modal (JSON with ``html``) or the results fragment."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def chooser_ids(response) -> set[int]:
    """The record ids a chooser page or results fragment links to."""
    return {int(pk) for pk in re.findall(r"/chosen/(\d+)/", page_text(response))}


@pytest.mark.parametrize("model", sorted(CHOOSERS))
def test_officer_choosers_find_every_producers_records(client, officer, records, model):
    namespace, own_key, other_key = CHOOSERS[model]
    client.force_login(officer)
    own, other = records[own_key], records[other_key]
    response = client.get(reverse(f"{namespace}:choose"))
    assert response.status_code == 200
    assert chooser_ids(response) == {own.pk, other.pk}
    for query in ["都梁", OTHER_FRAGMENT, "miye"]:
        response = client.get(reverse(f"{namespace}:choose_results"), {"q": query})
        assert response.status_code == 200
        assert chooser_ids(response) == {other.pk}, (model, query)
    response = client.get(reverse(f"{namespace}:choose_results"), {"q": "chuanxi"})
    assert chooser_ids(response) == {own.pk}
    assert client.get(reverse(f"{namespace}:chosen", args=[other.pk])).status_code == 200


@pytest.mark.parametrize("model", sorted(CHOOSERS))
def test_producer_choosers_search_only_its_own_records(client, producer_user, records, model):
    namespace, own_key, other_key = CHOOSERS[model]
    client.force_login(producer_user)
    own, other = records[own_key], records[other_key]
    visible = {own.pk} if PRODUCER_SEES_OWN[model] else set()
    response = client.get(reverse(f"{namespace}:choose"))
    assert response.status_code == 200
    assert chooser_ids(response) == visible
    for query in OTHER_QUERIES:
        for view in ("choose", "choose_results"):
            response = client.get(reverse(f"{namespace}:{view}"), {"q": query})
            assert response.status_code == 200
            ids = chooser_ids(response)
            assert other.pk not in ids, (model, query)
            assert ids <= visible
            text = page_text(response)
            assert "都梁米业有限公司" not in text and "MY2025-B2" not in text and "仁贤街道仓库" not in text, (
                model,
                query,
            )
    response = client.get(reverse(f"{namespace}:choose_results"), {"q": "金柚"})
    assert chooser_ids(response) == visible
    assert client.get(reverse(f"{namespace}:chosen", args=[other.pk])).status_code == 404
    assert client.get(reverse(f"{namespace}:chosen", args=[own.pk])).status_code == (200 if visible else 404)


@pytest.mark.parametrize("model", sorted(CHOOSERS))
def test_brand_editor_choosers_find_nothing(client, brand_editor, records, model):
    namespace, own_key, other_key = CHOOSERS[model]
    client.force_login(brand_editor)
    for query in ["", "金柚", "都梁", OTHER_CODE, "liangping"]:
        for view in ("choose", "choose_results"):
            response = client.get(reverse(f"{namespace}:{view}"), {"q": query} if query else {})
            assert response.status_code in (200, 403)
            if response.status_code == 200:
                assert chooser_ids(response) == set()
                text = page_text(response)
                assert "川西金柚专业合作社" not in text and "都梁米业有限公司" not in text
    for key in (own_key, other_key):
        assert client.get(reverse(f"{namespace}:chosen", args=[records[key].pk])).status_code in (403, 404)


@pytest.mark.parametrize("name", ["producer", "authorisation", "batch", "gi"])
def test_inspect_views_do_not_show_the_search_column(client, officer, records, name):
    """The search text (pinyin, initials, compacted codes) is machinery: an inspect view lists the
    record's facts, not it."""
    record = records[
        {"producer": "own", "authorisation": "own_auth", "batch": "own_batch", "event": "own_event", "gi": "jinyou"}[
            name
        ]
    ]
    client.force_login(officer)
    response = client.get(reverse(type(record).snippet_viewset.get_url_name("inspect"), args=[record.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert record.search_text not in page
    assert "chuanxi" not in page and "ljsjy" not in page


def test_chooser_shows_25_to_a_page_the_count_and_identifying_columns(client, officer, records):
    for n in range(30):
        ProducerFactory(name=f"梁平区测试镇翻页专业合作社{n:02d}")
    client.force_login(officer)
    response = client.get(reverse("wagtailsnippetchoosers_gi_registry_producer:choose"))
    html = json.loads(response.content)["html"]
    assert len(chooser_ids(response)) == 25
    assert "32 条记录" in html
    first = Producer.objects.get(pk=min(chooser_ids(response), key=lambda pk: html.index(f"/chosen/{pk}/")))
    assert first.credit_code in html and first.township.name in html  # the columns that tell them apart
    response = client.get(reverse("wagtailsnippetchoosers_gi_registry_producer:choose_results"), {"q": "翻页"})
    assert len(chooser_ids(response)) == 25
    assert "30" in response.content.decode()
    response = client.get(reverse("wagtailsnippetchoosers_gi_registry_producer:choose_results"), {"q": "无此名"})
    assert "无此名" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "own_key", "other_key"),
    [
        ("wagtailsnippets_gi_registry_producer:list", "own", "other"),
        ("wagtailsnippets_gi_registry_authorisation:list", "own_auth", "other_auth"),
        ("wagtailsnippets_gi_registry_batch:list", "own_batch", "other_batch"),
        ("wagtailsnippets_gi_registry_traceevent:list", "own_event", "other_event"),
    ],
)
def test_listing_search_uses_pinyin_and_stays_scoped(
    client, officer, producer_user, records, url_name, own_key, other_key
):
    own, other = records[own_key], records[other_key]
    edit = url_name.replace(":list", ":edit")
    own_url, other_url = reverse(edit, args=[own.pk]), reverse(edit, args=[other.pk])
    client.force_login(officer)
    page = client.get(reverse(url_name), {"q": "chuanxi"}).content.decode()
    assert own_url in page and other_url not in page
    page = client.get(reverse(url_name), {"q": "miye"}).content.decode()
    assert other_url in page and own_url not in page
    client.force_login(producer_user)
    for query in ["miye", "都梁", OTHER_CODE, "liangping"]:
        page = client.get(reverse(url_name), {"q": query}).content.decode()
        assert other_url not in page and "都梁米业有限公司" not in page, query
    response = client.get(reverse(url_name), {"q": "lpq"})
    if own_key == "own_auth":  # no authorisation permission (see PRODUCER_SEES_OWN)
        assert response.status_code in (302, 403)
    else:
        assert own_url in response.content.decode()


# -- the sidebar search --------------------------------------------------------------------------


def sidebar_search_url(client) -> str:
    """Where the admin sidebar's search box sends its query, for the logged-in user."""
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    props = json.loads(
        re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    return json.dumps(props)


def found_part(page: str) -> str:
    """The records listed on the registry search page (not the form and heading, which repeat the query)."""
    return "".join(re.findall(r'<ul class="registry-search__list">(.*?)</ul>', page, re.S))


def test_officer_sidebar_search_finds_registry_records(client, officer, records):
    client.force_login(officer)
    assert reverse("registry_search") in sidebar_search_url(client)
    page = client.get(reverse("registry_search"), {"q": "金柚"}).content.decode()
    assert "梁平区礼让镇川西金柚专业合作社" in page  # producer
    assert "LPGI-2025-0101" in page  # authorisation (its GI and producer)
    assert "梁平金柚" in page  # the GI
    assert "JY2025-A1" in page  # the batch
    assert reverse("wagtailsnippets_gi_registry_producer:edit", args=[records["own"].pk]) in page
    page = client.get(reverse("registry_search"), {"q": OTHER_CODE}).content.decode()
    assert "重庆梁平都梁米业有限公司" in page and "LPGI-2025-0202" in page and "MY2025-B2" in page
    assert "川西金柚" not in page
    page = client.get(reverse("registry_search"), {"q": "chuanxi"}).content.decode()
    assert "梁平区礼让镇川西金柚专业合作社" in page and "都梁米业" not in page
    # "other searches" lead to each model's listing with the query
    assert reverse("wagtailsnippets_gi_registry_standard:list") + "?q=chuanxi" in page
    assert reverse("wagtailadmin_pages:search") + "?q=chuanxi" in page


def test_producer_sidebar_search_finds_only_its_own_records(client, producer_user, records):
    client.force_login(producer_user)
    assert reverse("registry_search") in sidebar_search_url(client)
    for query in ["都梁", OTHER_CODE, OTHER_FRAGMENT, "miye", "LPGI-2025-0202", "MY2025-B2", "梁平", "liangping"]:
        page = found_part(client.get(reverse("registry_search"), {"q": query}).content.decode())
        assert "都梁米业有限公司" not in page and "LPGI-2025-0202" not in page and "MY2025-B2" not in page, query
    page = client.get(reverse("registry_search"), {"q": "金柚"}).content.decode()
    assert "梁平区礼让镇川西金柚专业合作社" in page and "JY2025-A1" in page
    # no authorisation, GI or standard permission: those sections and areas are not shown
    assert reverse("wagtailsnippets_gi_registry_authorisation:list") not in page
    assert reverse("wagtailsnippets_gi_registry_standard:list") not in page


def test_brand_editor_sidebar_search_stays_on_pages(client, brand_editor, records):
    client.force_login(brand_editor)
    urls = sidebar_search_url(client)
    assert reverse("registry_search") not in urls and reverse("wagtailadmin_pages:search") in urls
    response = client.get(reverse("registry_search"), {"q": "金柚"})
    assert response.status_code in (302, 403) and "川西金柚" not in response.content.decode()
    page = client.get(reverse("wagtailadmin_pages:search"), {"q": "金柚"}).content.decode()
    assert "川西金柚" not in page and reverse("wagtailsnippets_gi_registry_producer:list") not in page


def test_the_migrations_fill_the_same_search_text_as_a_save(records):
    """Rows that existed before the column get, from the migrations' backfill, the text a save
    would write (the migrations name the same fields as the models)."""
    import importlib

    from django.apps import apps

    from gi_registry.models.search_text import fill_search_text

    StandardFactory(code="DB50/T 9101-2021", title="梁平柚贮藏保鲜技术规程")
    for app_label, module in (
        ("gi_registry", "gi_registry.migrations.0010_admin_search_text"),
        ("trace", "gi_registry.trace.migrations.0002_admin_search_text"),
    ):
        for model_name, fields in importlib.import_module(module).FIELDS.items():
            model = apps.get_model(app_label, model_name)
            expected = {row.pk: row.search_text for row in model.objects.all()}
            assert any(expected.values()), model_name
            model.objects.update(search_text="")
            fill_search_text(model, **fields)
            assert {row.pk: row.search_text for row in model.objects.all()} == expected, model_name


def test_the_demo_producers_are_found_by_what_a_clerk_types(client, db):
    """On the demo data (as ``make run`` loads it): the producer chooser finds the cooperatives of
    礼让镇 by township, by 合作社, by a whole or partial credit code and by pinyin."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    chuanxi = Producer.objects.get(credit_code="93500155MA9000011Q")  # 梁平区礼让镇川西柚子专业合作社
    soy = Producer.objects.get(credit_code="93500155MA90001777")  # 梁平区礼让镇大豆种植专业合作社
    cooperatives = set(Producer.objects.filter(kind=Producer.Kind.COOPERATIVE).values_list("pk", flat=True))
    assert found(Producer, "礼让镇") == {chuanxi.pk, soy.pk}
    assert found(Producer, "合作社") == cooperatives and len(cooperatives) > 5
    assert found(Producer, "礼让镇 合作社") == {chuanxi.pk, soy.pk}
    assert found(Producer, "93500155MA9000011Q") == {chuanxi.pk}
    assert found(Producer, "ma9000011") == {chuanxi.pk}
    assert found(Producer, "chuanxi") == {chuanxi.pk}
    assert found(Producer, "lirang dadou") == {soy.pk}
    assert found(Producer, "cxyz") == {chuanxi.pk}
    # the demo officer's chooser, and the demo producer account's
    client.force_login(get_user_model().objects.get(username="officer"))
    response = client.get(reverse("wagtailsnippetchoosers_gi_registry_producer:choose_results"), {"q": "礼让镇"})
    assert chooser_ids(response) == {chuanxi.pk, soy.pk}
    client.force_login(get_user_model().objects.get(username="producer"))
    response = client.get(reverse("wagtailsnippetchoosers_gi_registry_producer:choose_results"), {"q": "礼让镇"})
    assert chooser_ids(response) == {chuanxi.pk}  # the demo account is linked to 川西 only
