"""Keeping the index true: publish, unpublish, save, delete, relations; a cluster that goes away.

Changes reach the index when the transaction commits, so each change runs inside
``django_capture_on_commit_callbacks(execute=True)``. The outage test really stops the OpenSearch
node with ``search/node/run.sh stop`` and starts it again; it runs when the node under test is one
that script manages.
"""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, StandardFactory, family
from search import service
from search.models import ClusterRebuild, PendingIndexUpdate, SearchDocument

from .conftest import CLUSTERS, cluster_engine_or_skip, cluster_url, require

pytestmark = pytest.mark.django_db
RUN_SH = Path(django_settings.BASE_DIR) / "search" / "node" / "run.sh"


def found(query, **kwargs):
    return [(h.type, h.title) for h in service.search(query, **kwargs).hits]


@pytest.fixture
def embedded_only(settings):
    settings.SEARCH_URL = ""


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block, then what it left for the commit (as a real commit would)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_publish_draft_edit_unpublish_delete(embedded_only, commit):
    with commit():
        gi = GeographicalIndicationFactory(name="梁平测试脆柚", slug="test-crisp", live=False)
    assert found("脆柚") == []
    with commit():
        gi.save_revision().publish()
    assert found("脆柚") == [("gi", "梁平测试脆柚")]
    gi.refresh_from_db()  # publish() worked on its own copy
    with commit():  # a draft on a live record: the public index keeps the published name
        gi.name = "梁平改名柚"
        gi.save_revision()
    assert found("改名") == [] and found("脆柚") == [("gi", "梁平测试脆柚")]
    with commit():
        gi.unpublish()
    assert found("脆柚") == [] and found("改名") == []
    with commit():
        gi.name = "梁平测试脆柚"
        gi.save_revision().publish()
    assert found("脆柚") == [("gi", "梁平测试脆柚")]
    with commit():
        gi.refresh_from_db()
        gi.delete()
    assert found("脆柚") == []


def test_plain_saves_and_relations_update_text_and_facets(embedded_only, commit):
    with commit():
        producer = ProducerFactory(name="梁平区测试稻香合作社", product_families=[family("rice")])
    facets = service.search("稻香").facets
    assert [v.value for v in facets["product_family"]] == ["rice"]
    with commit():
        producer.product_families.set([family("duck")])
        producer.save()
    assert [v.value for v in service.search("稻香").facets["product_family"]] == ["duck"]
    with commit():
        standard = StandardFactory(code="DB50/T 8888-2024", title="梁平测试青柚贮藏规程")
    assert found("DB50/T 8888") == [("standard", "梁平测试青柚贮藏规程")]
    with commit():
        standard.title = "梁平测试红柚贮藏规程"
        standard.save()
    assert found("青柚") == [] and found("红柚") == [("standard", "梁平测试红柚贮藏规程")]


def test_pages_follow_publishing(embedded_only, commit):
    from wagtail.models import Page

    from website.models import ContentPage

    parent = Page.objects.filter(depth=2).first() or Page.objects.get(depth=1)
    with commit():
        page = parent.add_child(instance=ContentPage(title="申请测试专用标志", slug="apply-test", live=False))
    assert found("测试专用标志") == []
    with commit():
        page.save_revision().publish()
    assert found("测试专用标志") == [("page", "申请测试专用标志")]
    page.refresh_from_db()
    with commit():
        page.unpublish()
    assert found("测试专用标志") == []


# --- a cluster ---------------------------------------------------------------------------------


@pytest.fixture
def cluster(request, settings):
    """Point the service at the flavour's test node under a fresh alias; drop it afterwards."""
    flavour = request.param
    prefix = f"lp-test-sync-{uuid.uuid4().hex[:8]}"
    engine = cluster_engine_or_skip(flavour, prefix)
    settings.SEARCH_URL = cluster_url(flavour)
    settings.SEARCH_INDEX_PREFIX = prefix
    settings.SEARCH_RETRY_SECONDS = 0
    service.reset_cluster_state()
    yield service.cluster_engine()
    service.reset_cluster_state()
    engine.drop_all()


@pytest.mark.parametrize("cluster", list(CLUSTERS), indirect=True)
def test_cluster_follows_publish_and_unpublish(cluster, commit):
    with commit():
        gi = GeographicalIndicationFactory(name="梁平测试蜜柚", slug="test-honey", live=False)
        gi.save_revision().publish()
    assert [h.title for h in cluster.search("蜜柚").hits] == ["梁平测试蜜柚"]
    assert found("lpcsmy") == [("gi", "梁平测试蜜柚")]  # pinyin initials through the service
    gi.refresh_from_db()
    with commit():
        gi.unpublish()
    assert cluster.search("蜜柚").total == 0
    assert not PendingIndexUpdate.objects.exists()


def test_unreachable_cluster_falls_back_and_queues(settings, commit):
    """A cluster address where nothing listens (connection refused): a real failure, no mock."""
    settings.SEARCH_URL = "opensearch+http://127.0.0.1:9"
    settings.SEARCH_RETRY_SECONDS = 0
    service.reset_cluster_state()
    with commit():
        GeographicalIndicationFactory(name="梁平测试沙田柚", slug="test-shatian")
    results = service.search("沙田柚")
    assert [h.title for h in results.hits] == ["梁平测试沙田柚"]
    assert results.notice and results.engine.startswith("embedded")
    assert [s.title for s in service.suggest("梁平测试沙")] == ["梁平测试沙田柚"]
    assert PendingIndexUpdate.objects.filter(doc_type="gi").count() == 1
    assert service.replay_pending() == (0, 1)
    service.reset_cluster_state()


def _managed_node(url: str) -> dict | None:
    """Environment for run.sh when the node at ``url`` is the one run.sh runs, else None."""
    port = str(urlsplit(url.split("+", 1)[-1]).port or "")
    env = {**os.environ, "OPENSEARCH_PORT": port}
    status = subprocess.run([str(RUN_SH), "status"], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    return env if status.returncode == 0 else None


@pytest.mark.parametrize("cluster", ["opensearch"], indirect=True)
def test_cluster_really_stopped_then_back(cluster, commit):
    env = _managed_node(django_settings.SEARCH_URL)
    if env is None:
        message = "the OpenSearch node under test is not managed by search/node/run.sh; cannot stop it"
        if require("opensearch"):
            pytest.fail(message)
        pytest.skip(message)
    with commit():
        GeographicalIndicationFactory(name="梁平测试琯溪柚", slug="test-guanxi")
    assert cluster.search("琯溪柚").total == 1
    subprocess.run([str(RUN_SH), "stop"], env=env, check=True, capture_output=True)  # noqa: S603
    try:
        assert not cluster.available()
        results = service.search("琯溪柚")
        assert [h.title for h in results.hits] == ["梁平测试琯溪柚"] and results.notice
        with commit():
            GeographicalIndicationFactory(name="梁平测试文旦柚", slug="test-wendan")
        assert [h.title for h in service.search("文旦柚").hits] == ["梁平测试文旦柚"]
        assert PendingIndexUpdate.objects.count() == 1
    finally:
        subprocess.run([str(RUN_SH), "start"], env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    service.reset_cluster_state()
    # back (an empty node: run.sh starts each node on fresh data); the next answer replays the queue
    answer = service.search("文旦柚")
    assert not answer.notice
    assert PendingIndexUpdate.objects.count() == 0
    assert [h.title for h in cluster.search("文旦柚").hits] == ["梁平测试文旦柚"]


# --- transactional tests: changes commit for real, and Django's flush empties the tables after ---


def _index_rows() -> int:
    from django.db import connection

    table = "search_fts" if connection.vendor == "sqlite" else "search_pgindex"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — a fixed table name
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committed_changes_are_indexed_without_help(settings):
    settings.SEARCH_URL = ""
    GeographicalIndicationFactory(name="梁平测试提交柚", slug="test-committed")
    assert found("提交柚") == [("gi", "梁平测试提交柚")]
    assert _index_rows() == SearchDocument.objects.count() > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_leaves_no_index_rows_behind(settings):
    settings.SEARCH_URL = ""
    assert found("提交柚") == []
    assert _index_rows() == SearchDocument.objects.count()


@pytest.mark.parametrize("cluster", list(CLUSTERS), indirect=True)
def test_changes_made_during_a_rebuild_reach_the_new_index(cluster, commit, monkeypatch):
    """A record edited, and another unpublished, after the rebuild has read them: the alias swap
    must not bring back their old versions (they are queued while the rebuild runs, then replayed)."""
    with commit():
        edited = GeographicalIndicationFactory(name="梁平测试早柚", slug="test-early")
        removed = GeographicalIndicationFactory(name="梁平测试旧柚", slug="test-old")
    read_both = {str(edited.pk), str(removed.pk)}
    real_documents = service.iter_documents

    def documents_changing_midway(types=None):
        seen = set()
        for doc in real_documents(types):
            yield doc
            seen.add(doc.id if doc.type == "gi" else "")
            if read_both <= seen:
                read_both.clear()  # once
                with commit():
                    edited.name = "梁平测试晚柚"
                    edited.save_revision().publish()
                    removed.unpublish()

    monkeypatch.setattr(service, "iter_documents", documents_changing_midway)
    service.rebuild(["cluster"])
    assert not read_both, "the change was never made"
    assert [h.title for h in cluster.search("晚柚").hits] == ["梁平测试晚柚"]
    assert cluster.search("早柚").total == 0 and cluster.search("旧柚").total == 0
    assert not PendingIndexUpdate.objects.exists() and not ClusterRebuild.objects.exists()
