"""A full rebuild of the embedded index writes what indexing one document at a time writes.

On PostgreSQL a rebuild copies its rows in (``COPY``); a first build (an empty index) drops the GIN indexes and builds them
again at the end (``PostgresDialect.rebuilding``); updates afterwards go row by row (``write``).
"""

import dataclasses

import pytest
from django.db import connection

from search.engines.embedded import EmbeddedEngine, PostgresDialect

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded(engine):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip("the embedded engine's own tables")
    return engine


def stored(vendor_table: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, doc_type, object_id, title, subtitle, url, body, boost FROM search_searchdocument")
        documents = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute("SELECT document_id, name, value FROM search_searchfacet ORDER BY 1, 2, 3")
        facets = cursor.fetchall()
        if vendor_table == "search_pgindex":
            cursor.execute("SELECT document_id, tsv::text, title_tsv::text, exact, boost FROM search_pgindex")
        else:
            cursor.execute("SELECT rowid, * FROM search_fts")
        fulltext = {row[0]: row[1:] for row in cursor.fetchall()}
    return {"documents": documents, "facets": facets, "fulltext": fulltext}


def test_rebuild_writes_what_indexing_each_document_writes(embedded, indexed_engines):
    _, docs = indexed_engines
    table = embedded.dialect.table
    rebuilt = stored(table)
    assert len(rebuilt["documents"]) == len(docs) == len(rebuilt["fulltext"])
    embedded.index(docs)  # every document written again, as an update (signals do the same)
    assert stored(table) == rebuilt
    assert [h.url for h in embedded.search("梁平柚").hits][0] == "/gi/liangping-you/"


def test_a_document_given_twice_to_a_rebuild_is_stored_once_in_its_last_version(embedded, indexed_engines):
    _, docs = indexed_engines
    gi = next(d for d in docs if d.url == "/gi/liangping-you/")
    renamed = dataclasses.replace(gi, title="梁平蜜柚新名", aliases=[])
    # the second version comes in a later batch of the rebuild (batches of 2,000 on PostgreSQL)
    written = embedded.rebuild([*docs, *docs[:1] * 2500, renamed])
    assert embedded.count() == len(docs)
    assert written >= len(docs)
    assert [h.url for h in embedded.search("梁平蜜柚新名").hits][0] == "/gi/liangping-you/"
    assert embedded.search("梁平柚").hits[0].title != "梁平柚"
    embedded.rebuild(docs)


def test_postgres_rebuild_builds_the_gin_indexes_again(embedded):
    if not isinstance(embedded.dialect, PostgresDialect):
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_pgindex' AND indexdef LIKE '%gin%'")
        before = sorted(name for (name,) in cursor.fetchall())
        embedded.rebuild([])
        embedded.rebuild([])
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_pgindex' AND indexdef LIKE '%gin%'")
        assert sorted(name for (name,) in cursor.fetchall()) == before
    assert {"search_pgindex_tsv", "search_pgindex_title_tsv"} <= set(before)


def test_postgres_rebuild_of_a_live_index_keeps_its_indexes_so_searches_never_wait(embedded, indexed_engines):
    """Dropping an index locks its table until the rebuild commits: only a first build (an empty
    index) does it; rebuilding an index that holds documents keeps the indexes, and the searches
    of other connections go on reading the old rows meanwhile."""
    if not isinstance(embedded.dialect, PostgresDialect):
        pytest.skip("PostgreSQL only")
    _, docs = indexed_engines
    seen = []

    def gin_indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'search_pgindex' AND indexdef LIKE '% USING gin %'"
            )
            return cursor.fetchone()[0]

    def watched(documents):
        for doc in documents:
            seen.append(gin_indexes())  # inside the rebuild's transaction
            yield doc

    full = gin_indexes()
    embedded.rebuild(watched(docs))  # the index holds the documents already
    assert set(seen) == {full}
    embedded.clear()
    seen.clear()
    embedded.rebuild(watched(docs))  # a first build: the fast way
    assert set(seen) == {0}
    assert gin_indexes() == full
    assert [h.url for h in embedded.search("梁平柚").hits][0] == "/gi/liangping-you/"
