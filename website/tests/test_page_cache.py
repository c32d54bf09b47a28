"""The anonymous whole-page cache: hits, and invalidation on every public change."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from gi_registry.factories import ProducerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


@pytest.fixture
def clear_cache():
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=60):
        yield
    cache.clear()


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
