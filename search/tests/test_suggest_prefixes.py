"""Autocomplete's prefix table on PostgreSQL (``search_pgsuggest``, migration 0007).

A typed word of up to 8 characters is looked up there as one lexeme instead of as a prefix of
every lexeme of ``search_pgindex``; the suggestions must be the ones the prefix match gives, and
the table must follow every write. The behaviour tests run on SQLite too (``search_suggest``).
"""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.documents import SearchDoc
from search.engines.embedded import EmbeddedEngine, PostgresDialect
from search.text import parse_query

pytestmark = pytest.mark.django_db

PREFIXES = ("l", "lp", "z", "zh", "y", "liang", "lpy", "db50", "9150", "pomelo", "liangpin")


@pytest.fixture
def embedded(engine):
    if not isinstance(engine, EmbeddedEngine):
        pytest.skip("the embedded engine's own tables")
    return engine


@pytest.fixture
def postgres(embedded):
    if not isinstance(embedded.dialect, PostgresDialect):
        pytest.skip("PostgreSQL only")
    return embedded


def through_tsv(engine, prefix: str) -> set[int]:
    """The ids the prefix match on ``search_pgindex.tsv`` finds (what autocomplete read before)."""
    dialect = engine.dialect
    with dialect.reading(connection, "default") as cursor:
        cursor.execute(*dialect.ids(dialect.suggest_expression(parse_query(prefix))))
        return {doc_id for (doc_id,) in cursor.fetchall()}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_postgres_prefix_table_finds_what_the_prefix_match_finds(postgres, prefix):
    sql, _ = postgres.dialect.suggest_ids("x", parse_query(prefix))
    assert "search_pgsuggest" in sql
    expected = through_tsv(postgres, prefix)
    assert set(postgres._first_suggestions_for(prefix)) == expected
    if prefix in ("l", "lp", "liang"):
        assert len(expected) > 10  # the short prefixes match most titles of the demo registry


def test_postgres_longer_words_and_chinese_are_matched_in_the_full_index(postgres):
    for typed in ("liangping", "梁", "梁平", "lp 梁"):
        sql, _ = postgres.dialect.suggest_ids(
            postgres.dialect.suggest_expression(parse_query(typed)), parse_query(typed)
        )
        assert "search_pgsuggest" not in sql, typed
    assert [s.title for s in postgres.suggest("梁")][:1] == ["梁平柚"]


def test_postgres_one_letter_suggestions_read_the_prefix_table_and_rank_by_id(postgres):
    with CaptureQueriesContext(connection) as queries:
        titles = [s.title for s in postgres.suggest("l")]
    assert "梁平柚" in titles
    statements = [q["sql"] for q in queries.captured_queries]
    assert any("FROM search_pgsuggest" in sql for sql in statements)
    # the prefix is never matched against the whole full-text index again
    assert not any(":*" in sql and "document_id IN" not in sql for sql in statements), statements


def test_postgres_prefix_backfill_matches_what_is_written(postgres):
    """Migration 0007 fills the table from ``tsv`` in SQL; the engine writes it from the tokens."""
    backfill = importlib.import_module("search.migrations.0007_pg_suggest_prefixes").BACKFILL
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_id, prefixes::text FROM search_pgsuggest ORDER BY document_id")
        written = cursor.fetchall()
        cursor.execute("DELETE FROM search_pgsuggest")
        cursor.execute(backfill)
        cursor.execute("SELECT document_id, prefixes::text FROM search_pgsuggest ORDER BY document_id")
        assert cursor.fetchall() == written
        cursor.execute("SELECT count(*) FROM search_pgindex")
        assert len(written) == cursor.fetchone()[0] > 0


def test_suggestions_follow_create_update_and_delete(embedded):
    doc = SearchDoc(type="page", id="zz-suggest", title="Zyxwvut orchard", url="/zz-suggest/")
    assert embedded.suggest("zyx") == []
    embedded.index([doc])
    assert [s.url for s in embedded.suggest("zyx")] == ["/zz-suggest/"]
    assert [s.url for s in embedded.suggest("z")][:10]  # one letter still answers
    embedded.index([SearchDoc(type="page", id="zz-suggest", title="Qwertyu orchard", url="/zz-suggest/")])
    assert embedded.suggest("zyx") == []
    assert [s.url for s in embedded.suggest("qwe")] == ["/zz-suggest/"]
    embedded.delete("page", "zz-suggest")
    assert embedded.suggest("qwe") == []
    if isinstance(embedded.dialect, PostgresDialect):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_pgsuggest WHERE prefixes @@ 'qwe'::tsquery")
            assert cursor.fetchone()[0] == 0
