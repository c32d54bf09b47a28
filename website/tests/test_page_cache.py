"""The anonymous whole-page cache: hits, and invalidation on every public change."""

import pytest

from gi_registry.factories import ProducerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached_pages")]


def test_second_anonymous_request_is_a_hit(client):
    first = client.get("/producers/")
    second = client.get("/producers/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content


def test_publishing_a_change_shows_at_once(client):
    producer = ProducerFactory(name="旧名合作社")
    assert "旧名合作社" in client.get("/producers/").content.decode()
    producer.name = "新名合作社"
    producer.save_revision().publish()
    response = client.get("/producers/")
    assert response["X-Page-Cache"] == "miss"
    assert "新名合作社" in response.content.decode()


def test_unpublish_and_delete_invalidate(client):
    producer = ProducerFactory(name="将下线合作社")
    assert "将下线合作社" in client.get("/producers/").content.decode()
    producer.unpublish()
    assert "将下线合作社" not in client.get("/producers/").content.decode()
    other = ProducerFactory(name="将删除合作社")
    assert "将删除合作社" in client.get("/producers/").content.decode()
    other.delete()
    assert "将删除合作社" not in client.get("/producers/").content.decode()


def test_logged_in_users_and_admin_are_never_cached(client, officer):
    client.force_login(officer)
    assert "X-Page-Cache" not in client.get("/producers/")
    assert "X-Page-Cache" not in client.get("/admin/")


def test_query_strings_are_separate_pages(client):
    ProducerFactory(name="甲合作社")
    a = client.get("/producers/", {"q": "甲"})
    b = client.get("/producers/", {"q": "乙"})
    assert "甲合作社" in a.content.decode() and "甲合作社" not in b.content.decode()


def test_search_and_trace_pages_are_never_cached(client):
    for path in ("/search/?q=柚", "/en/search/?q=you", "/api/v1/search?q=柚", "/t/NOTACODE", "/en/t/NOTACODE"):
        client.get(path)
        assert "X-Page-Cache" not in client.get(path), path


FORGED = "127.0.0.1:6666"


def test_a_forged_host_cannot_poison_the_cached_page(client, settings):
    settings.SITE_ORIGIN = "https://gi.liangping.example"
    poisoned = client.get("/producers/", HTTP_HOST=FORGED)
    assert poisoned.status_code == 200 and "6666" not in poisoned.content.decode()
    visitor = client.get("/producers/")
    assert visitor["X-Page-Cache"] == "miss"  # the forged host's copy is not this host's
    html = visitor.content.decode()
    assert "6666" not in html and "127.0.0.1" not in html
    assert '<meta property="og:url" content="https://gi.liangping.example/producers/">' in html
    assert client.get("/producers/")["X-Page-Cache"] == "hit"


def test_an_allowed_host_on_a_foreign_port_is_neither_cached_nor_served_from_cache(client):
    client.get("/producers/")  # cached for testserver
    for _ in range(2):
        response = client.get("/producers/", HTTP_HOST="testserver:6666")
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "6666" not in response.content.decode()
    assert client.get("/producers/")["X-Page-Cache"] == "hit"


def test_the_cache_is_keyed_by_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.testserver"]
    client.get("/producers/")
    assert client.get("/producers/", HTTP_HOST="www.testserver")["X-Page-Cache"] == "miss"
    assert client.get("/producers/", HTTP_HOST="www.testserver")["X-Page-Cache"] == "hit"


def test_a_disallowed_host_gets_400_even_when_the_path_is_cached(client, settings):
    assert client.get("/producers/").status_code == 200
    assert client.get("/producers/")["X-Page-Cache"] == "hit"
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/producers/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "X-Page-Cache" not in response
    assert client.get("/producers/")["X-Page-Cache"] == "hit"
