"""Engines under test and the demo corpus they are filled with.

The embedded engine always runs (on the database the suite uses: SQLite or PostgreSQL). A real
OpenSearch node joins when ``SEARCH_TEST_OPENSEARCH_URL`` is set (``search/node/run.sh`` prints
it), Elasticsearch when ``SEARCH_TEST_ELASTICSEARCH_URL`` is. With ``REQUIRE_OPENSEARCH=1`` (or
``REQUIRE_ELASTICSEARCH=1``) a missing or unreachable node fails the tests instead of skipping.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction

from search.engines.base import SearchEngine

CLUSTERS = {
    "opensearch": ("SEARCH_TEST_OPENSEARCH_URL", "REQUIRE_OPENSEARCH", "opensearch+"),
    "elasticsearch": ("SEARCH_TEST_ELASTICSEARCH_URL", "REQUIRE_ELASTICSEARCH", "elasticsearch+"),
}
RUN_ID = uuid.uuid4().hex[:8]


def cluster_url(flavour: str) -> str:
    """``opensearch+http://…`` for the flavour's test node, or '' when none is configured."""
    variable, _, scheme = CLUSTERS[flavour]
    url = os.environ.get(variable, "").strip()
    if url and "+" not in url.split("://", 1)[0]:
        url = scheme + url
    return url


def require(flavour: str) -> bool:
    return os.environ.get(CLUSTERS[flavour][1]) == "1"


def cluster_engine_or_skip(flavour: str, prefix: str) -> SearchEngine:
    from search.engines.cluster import ClusterEngine

    url = cluster_url(flavour)
    variable = CLUSTERS[flavour][0]
    if not url:
        if require(flavour):
            pytest.fail(f"{CLUSTERS[flavour][1]}=1 but {variable} is not set")
        pytest.skip(f"no {flavour} node: set {variable} (search/node/README.md)")
    engine = ClusterEngine(url, prefix=prefix, timeout=10)
    if not engine.available():
        message = f"{flavour} at {url} does not answer"
        if require(flavour):
            pytest.fail(message)
        pytest.skip(message)
    return engine


# Engines without a configured node are left out of the parameters (one skip in test_engines.py
# says so) rather than skipping every contract test twice.
ENGINE_NAMES = ["embedded", *(name for name in CLUSTERS if cluster_url(name) or require(name))]


def make_engine(name: str, prefix: str) -> SearchEngine:
    if name == "embedded":
        from search.engines.embedded import EmbeddedEngine

        return EmbeddedEngine()
    return cluster_engine_or_skip(name, prefix)


@pytest.fixture(scope="module")
def demo_corpus(django_db_setup, django_db_blocker):
    """The demo registry plus unpublished records, in one transaction rolled back after the module."""
    from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, StandardFactory

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo_data", verbosity=0)
            # never public: drafts that were never published
            GeographicalIndicationFactory(
                name="梁平秘藏柚", slug="draft-secret", live=False, registration_number="DRAFT0001"
            )
            ProducerFactory(name="梁平区秘藏柚子专业合作社", live=False)
            StandardFactory(code="DB50/T 9999-2024", title="秘藏柚子保鲜规程", live=False)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def indexed_engines(demo_corpus, django_db_blocker):
    """name → engine filled with the demo corpus; cluster indices are dropped afterwards."""
    from search.documents import iter_documents
    from search.engines.embedded import EmbeddedEngine

    with django_db_blocker.unblock():
        docs = list(iter_documents())
        embedded = EmbeddedEngine()
        embedded.rebuild(docs)  # inside the module's transaction, rolled back with the corpus
    built: dict[str, SearchEngine] = {"embedded": embedded}
    yield built, docs
    for engine in built.values():
        if hasattr(engine, "drop_all"):
            engine.drop_all()


@pytest.fixture(params=ENGINE_NAMES)
def engine(request, indexed_engines, db) -> SearchEngine:
    """Each available engine, filled with the demo corpus (once per module)."""
    built, docs = indexed_engines
    name = request.param
    if name not in built:
        engine = make_engine(name, prefix=f"lp-test-{RUN_ID}-{request.module.__name__.rsplit('.', 1)[-1]}")
        engine.rebuild(docs)
        built[name] = engine
    return built[name]


@pytest.fixture
def span_matching(monkeypatch) -> list:
    """Every (text, query) that search/highlight.py matches from now on, in order."""
    from search import highlight

    calls = []
    real = highlight._match_spans

    def counting(text, query):
        calls.append((text, query))
        return real(text, query)

    monkeypatch.setattr(highlight, "_match_spans", counting)
    return calls
