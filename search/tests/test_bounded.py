"""The embedded engine's bounded ranking (SQLite and PostgreSQL), for queries with very many matches.

Past ``RANK_ALL_LIMIT`` matches it ranks at most ``CANDIDATES`` records, whole-word title matches
first, instead of every match. The demo corpus is small, so the limits are lowered here to send
every query down that path: the relevance set, pagination and facets must hold there too. On
PostgreSQL, every statement must also read a bounded number of rows (no timing involved).
"""

import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.engines import embedded
from search.relevance import score
from search.text import parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounded(engine, monkeypatch):
    if not getattr(getattr(engine, "dialect", None), "bounded", False):
        pytest.skip("only the embedded engine ranks a bounded set of candidates")
    monkeypatch.setattr(embedded, "RANK_ALL_LIMIT", 3)
    return engine


@pytest.fixture
def postgres(bounded):
    if not isinstance(bounded.dialect, embedded.PostgresDialect):
        pytest.skip("PostgreSQL only")
    return bounded


def urls(engine, query, **kwargs):
    return [h.url for h in engine.search(query, **kwargs).hits]


def test_relevance_set_holds_when_every_query_is_bounded(bounded):
    result = score(lambda q: urls(bounded, q))
    weak = [(c.query, rr, top[:3]) for c, rr, _, top in result.per_case if rr < 1]
    assert result.mrr >= 0.9, weak
    assert result.recall5 >= 0.9, weak


def test_bounded_pages_cover_every_result_once(bounded):
    total = bounded.search("梁平").total
    assert total > 50
    seen = []
    for page in range(1, total // 10 + 2):
        seen += urls(bounded, "梁平", page=page, size=10)
    assert len(seen) == total == len(set(seen))


def test_few_candidates_still_give_distinct_first_pages(bounded, monkeypatch):
    monkeypatch.setattr(embedded, "CANDIDATES", 10)
    pages = [urls(bounded, "梁平", page=page, size=10) for page in (1, 2, 3)]
    assert all(len(p) == 10 for p in pages)
    assert len({u for p in pages for u in p}) == 30
    assert urls(bounded, "梁平柚")[0] == "/gi/liangping-you/"  # the whole title still comes first


def test_title_matches_are_candidates_before_body_matches(bounded):
    answer = bounded._search(parse_query("柚子"), {}, 0, 50)
    in_title = ["柚子" in h.title for h in answer.hits]
    # the engine's order, before re-scoring: the title matches, then the body matches
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True), [h.title for h in answer.hits]


def test_facets_and_filters_on_the_bounded_path(bounded):
    everything = bounded.search("梁平")
    types = {v.value: v.count for v in everything.facets["type"]}
    assert sum(types.values()) == everything.total
    only_gis = bounded.search("梁平", filters={"type": ["gi"]})
    assert only_gis.total == types["gi"] and {h.type for h in only_gis.hits} == {"gi"}


def test_counting_stops_at_the_count_limit(bounded, monkeypatch):
    full = bounded.search("梁平")
    assert full.total_exact and full.as_api()["total_exact"] is True
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 20)
    capped = bounded.search("梁平")
    assert capped.total == 20 and not capped.total_exact and capped.as_api()["total_exact"] is False
    assert [h.url for h in capped.hits] == [h.url for h in full.hits]
    assert len(urls(bounded, "梁平", page=2)) == 10


def statements(engine, query, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        answer = engine.search(query, **kwargs)
    return answer, [re.sub(r"\s+", " ", q["sql"]) for q in captured.captured_queries]


@pytest.mark.parametrize("query", ["梁平", "柚", "合作社", "liangping", "lpy"])
def test_postgres_never_checks_every_match(postgres, monkeypatch, query):
    """Each statement that checks rows against the full vector stops at a LIMIT or reads given ids.

    An unbounded ranking, count or facet scan over ``tsv @@ …`` (what took 800 ms at 100,000
    documents) fails here, whatever the corpus size.
    """
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 20)
    monkeypatch.setattr(embedded, "FACET_SCAN_LIMIT", 20)
    answer, sql = statements(postgres, query, filters={"type": ["gi", "producer", "standard", "page"]})
    assert answer.hits
    reading = [s for s in sql if "tsv @@" in s and not s.startswith("EXPLAIN")]
    assert reading
    for statement in reading:
        assert re.search(r"LIMIT \d+\b", statement) or "document_id = ANY(" in statement, statement
        assert "ORDER BY score" not in statement, statement  # ranking every match, then LIMIT
        assert not re.search(r"ORDER BY doc_id (ASC|DESC)", statement) or "title_tsv @@" in statement, statement
    assert not [s for s in sql if "count(*)" in s and "LIMIT" not in s and "document_id = ANY(" not in s]


def test_postgres_counts_stop_at_the_count_limit(postgres, monkeypatch):
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 20)
    answer = postgres.search("梁平")
    assert answer.total == 20 and answer.total_exact is False
    assert answer.as_api()["total_exact"] is False


def test_postgres_search_does_not_scan_the_table(postgres):
    """Inside a search, the planner may not pick a sequential scan, which checks every row it passes."""
    sql, params = postgres.dialect.match_ids(parse_query("梁平"))
    with postgres.dialect.reading(connection, "default") as cursor:
        cursor.execute(f"EXPLAIN {sql} LIMIT 5", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"  # put back for what follows in the same transaction


def test_postgres_title_vector_backfill_matches_what_is_written(postgres):
    """Migration 0004 fills ``title_tsv`` from ``tsv`` in SQL; the engine writes it from the tokens."""
    backfill = importlib.import_module("search.migrations.0004_pg_title_tsv").BACKFILL
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_id, title_tsv::text FROM search_pgindex ORDER BY document_id")
        written = cursor.fetchall()
        cursor.execute(backfill)
        cursor.execute("SELECT document_id, title_tsv::text FROM search_pgindex ORDER BY document_id")
        assert cursor.fetchall() == written
    assert any("~" in vector for _, vector in written)  # chains of initials are there


def test_postgres_phrase_of_initials_is_narrowed_by_its_chains(postgres):
    sql, _ = postgres.dialect.match_ids(parse_query("lpy"))
    assert "title_tsv @@" in sql
    assert [h.url for h in postgres.search("lpy").hits][0] == "/gi/liangping-you/"


def test_postgres_phrase_of_syllables_is_narrowed_by_the_chains_of_its_initials(postgres):
    """``liangpingyou`` as a phrase of syllable pairs is checked only on titles chaining ``~lpy``.

    Without it every row holding both pairs (all ``梁平区…`` producers next to a ``大坪柚子`` or a
    ``太平柚子``: 14,585 of 1,000,000) had its vector read for 25 matches. The narrowing only
    states what a match needs, so the matches are exactly those of the bare expression.
    """
    sql, params = postgres.dialect.match_ids(parse_query("liangpingyou"))
    assert "title_tsv @@" in sql and "'~lpy'" in params[-1], (sql, params)
    for query in ("liangpingyou", "zhangyazi", "hezuoshe", "lpy", "liang ping you", "liangping", "pomelo"):
        parsed = parse_query(query)
        narrowed = postgres.dialect.match_ids(parsed)
        bare = postgres.dialect.ids(postgres.dialect.expression(parsed, ranked=False))
        found = []
        for ids_sql, ids_params in (narrowed, bare):
            with connection.cursor() as cursor:
                cursor.execute(ids_sql, ids_params)
                found.append(sorted(doc_id for (doc_id,) in cursor.fetchall()))
        assert found[0] == found[1], query
        assert found[0] or query == "pomelo", query
    assert [h.url for h in postgres.search("liangpingyou").hits][0] == "/gi/liangping-you/"


def test_postgres_share_read_in_id_order_falls_with_the_size_of_the_index(postgres):
    """Through the GIN index a common lexeme costs a bitmap of all its matches, which grows with
    the index; in id order, ``limit / share`` rows whatever its size (柚 at 1,000,000: 110 → 30 ms)."""
    dense = postgres.dialect.dense_share_for
    assert dense(1001, 300) == dense(1001, 100_000) == postgres.dialect.dense_share  # as before
    assert dense(1001, 1_000_000) == pytest.approx(0.1, abs=0.001)
    assert dense(1001, 10**9) == postgres.dialect.probe_share


def test_postgres_common_lexeme_is_read_in_id_order_when_the_index_is_large(postgres, monkeypatch):
    """As the demo corpus would be at a million documents (a row read costs as much, relative to
    a match in the bitmap, as the index is larger): a common character (米, in 18 % of the demo documents) is read in id order, and
    the page is the same as through the index."""
    _, before = statements(postgres, "米")
    monkeypatch.setattr(embedded.PostgresDialect, "row_to_match_cost", 0.001)
    assert postgres.dialect.dense_share_for(1001, 68) < 0.15
    answer, after = statements(postgres, "米")
    assert not [s for s in before if "ORDER BY document_id OFFSET" in s]
    assert [s for s in after if "ORDER BY document_id OFFSET" in s] and answer.hits
    assert [h.url for h in answer.hits] == [h.url for h in postgres.search("米").hits]
    monkeypatch.undo()
    assert [h.url for h in answer.hits] == [h.url for h in postgres.search("米").hits]


def test_autocomplete_past_the_limit_ranks_a_bounded_set_and_still_finds_the_gis(bounded, monkeypatch):
    """A short, common prefix ("梁", "l") must not rank every match on each keystroke."""
    monkeypatch.setattr(embedded, "SUGGEST_RANK_ALL", 10)
    monkeypatch.setattr(embedded, "SUGGEST_BOUND", 4)
    assert len(bounded._first_suggestions_for("梁平")) > 10  # the bounded path is taken
    with CaptureQueriesContext(connection) as queries:
        titles = [s.title for s in bounded.suggest("梁平")]
    assert titles and all(t.startswith("梁平") for t in titles[:3]), titles
    scored = [q["sql"] for q in queries.captured_queries if "bm25(" in q["sql"] or "ts_rank" in q["sql"]]
    assert scored, "no ranking statement"
    for sql in scored:  # every statement that scores matches is held to the candidates
        held = re.search(r" IN \(([^)]*)\)", sql)
        if held:
            assert len(held.group(1).split(",")) <= 4, sql
        else:
            assert " BETWEEN " in sql, sql
    ranges = [re.findall(r"BETWEEN (\d+) AND (\d+)", sql) for sql in scored]
    ids = bounded._first_suggestions_for("梁平")
    for found in ranges:
        for low, high in found:  # a range holds at most SUGGEST_BOUND // 2 + 1 matches
            assert sum(int(low) <= i <= int(high) for i in ids) <= 3
    assert [s.title for s in bounded.suggest("lpy")][0] == "梁平柚"


def test_autocomplete_table_follows_deletes_and_rebuilds(bounded):
    """Autocomplete's own table (SQLite) holds exactly the indexed documents: a deleted record is
    no longer suggested, and a rebuild suggests what it suggested before."""
    from search.documents import iter_documents

    before = [s.title for s in bounded.suggest("lp")]
    assert "梁平柚" in before
    gi = next(doc for doc in iter_documents(["gi"]) if doc.title == "梁平柚")
    bounded.delete("gi", gi.id)
    assert "梁平柚" not in [s.title for s in bounded.suggest("lp")]
    assert "梁平柚" not in [s.title for s in bounded.suggest("l")]
    bounded.rebuild(iter_documents())
    assert [s.title for s in bounded.suggest("lp")] == before
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_suggest")
            suggest_rows = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM search_fts")
            assert suggest_rows == cursor.fetchone()[0] > 0


@pytest.fixture
def sqlite_bounded(bounded):
    if not isinstance(bounded.dialect, embedded.SqliteDialect):
        pytest.skip("SQLite only")
    return bounded


@pytest.mark.parametrize("limit", [3, 20, 1_000])
def test_sqlite_counts_the_matches_once(sqlite_bounded, monkeypatch, limit):
    """One count, up to the larger limit, tells both whether to rank a bounded set and the total:
    the same total as counting each time, exact or a lower bound, on every page."""
    matches = sqlite_bounded.search("梁平").total  # every match counted (the default limit is far above)
    assert matches > 20
    monkeypatch.setattr(embedded, "COUNT_LIMIT", limit)
    for page in (1, 2):
        answer, sql = statements(sqlite_bounded, "梁平", page=page)
        counts = [s for s in sql if s.startswith("SELECT count(*)")]
        assert len(counts) == 1, counts
        assert answer.total == min(matches, limit)
        assert answer.total_exact is (matches <= limit)


def test_a_search_matches_each_text_once(engine, span_matching):
    """The re-scoring reads the hits' title spans, the highlights read them again: within one
    search each text is matched once (search/highlight.py, ``spans_memo``)."""
    calls = span_matching
    answer = engine.search("梁平柚")
    assert answer.hits and any("<mark>" in h.title_highlight for h in answer.hits)
    assert calls and len(calls) == len(set(calls))
