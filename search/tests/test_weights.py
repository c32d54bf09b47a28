"""Every engine takes its field weights from ``ranking.FIELD_WEIGHTS`` (and PostgreSQL its letter
weights from ``ranking.POSTGRES_WEIGHTS``): changing the table changes the SQL, the query body
and the order of the results.
"""

from __future__ import annotations

import re

import pytest

from search import ranking
from search.documents import SearchDoc
from search.engines import cluster
from search.engines.embedded import PostgresDialect, SqliteDialect
from search.ranking import FIELD_WEIGHTS, FieldWeight
from search.text import analyse, parse_query

from .conftest import ENGINE_NAMES, RUN_ID, make_engine

#: queries that between them reach every weighted field of the cluster's query
QUERIES = ("梁平柚 liangping", "lpy pomelo", "DB50/T 9101", "db50t9101 柚子")


@pytest.fixture
def distinct_weights(monkeypatch) -> dict[str, float]:
    """Every stream gets a weight no engine would write by hand (100, 101, …), letters unchanged."""
    weights = {stream: 100.0 + i for i, stream in enumerate(FIELD_WEIGHTS)}
    for stream, weight in weights.items():
        monkeypatch.setitem(FIELD_WEIGHTS, stream, FieldWeight(weight, FIELD_WEIGHTS[stream].letter))
    return weights


# --- SQLite --------------------------------------------------------------------------------------


def bm25_arguments(sql: str, table: str = "search_fts") -> list[float]:
    found = re.search(rf"bm25\({table}, ([^)]*)\)", sql)
    assert found, sql
    return [float(w) for w in found.group(1).split(", ")]


def test_sqlite_bm25_weights_are_the_table(distinct_weights):
    dialect = SqliteDialect()
    expected = [distinct_weights.get(column, 0.0) for column in dialect.columns] + [0.0]  # exact, boost: 0
    ranked_sql, _ = dialect.ranked(dialect.expression(parse_query("梁平柚")))
    suggest_sql, _ = dialect.with_exact(dialect.suggest_expression(parse_query("梁平")))
    rank_ids_sql, _ = dialect.rank_ids("x", [1, 2])
    assert bm25_arguments(ranked_sql) == bm25_arguments(rank_ids_sql) == expected
    # autocomplete's own table: its title streams, weighted by the same table (exact: 0)
    expected_suggest = [distinct_weights[column] for column in dialect.suggest_columns] + [0.0]
    assert bm25_arguments(suggest_sql, "search_suggest") == expected_suggest


# --- PostgreSQL (no database needed: the SQL and the vectors it writes) ----------------------------


def test_postgres_ts_rank_weights_are_the_table(monkeypatch):
    monkeypatch.setitem(ranking.POSTGRES_WEIGHTS, "A", (0.9, False))
    monkeypatch.setitem(ranking.POSTGRES_WEIGHTS, "C", (0.3, True))
    dialect = PostgresDialect()
    expected = "(ts_rank('{0, 0, 0.5, 0.9}', tsv, q, 0) + ts_rank('{0.2, 0.3, 0, 0}', tsv, q, 1))"
    assert dialect.rank == expected
    assert expected in dialect.ranked("'x'")[0]
    assert expected.replace("tsv", "v.tsv") in dialect.rank_ids("'x'", [1])[0]


def test_postgres_letters_are_the_table(monkeypatch):
    """A stream moved to another letter is written under it and looked for under it."""
    analysed = analyse("梁平柚", "", ["DB50/T 9101-2020"], [])
    dialect = PostgresDialect()
    assert re.search(r"'db50t9101':\d+A\b", dialect.tsvector(analysed))
    assert "'db50t9101':*A" in dialect.expression(parse_query("DB50/T 9101"))
    monkeypatch.setitem(FIELD_WEIGHTS, "codes", FieldWeight(FIELD_WEIGHTS["codes"].weight, "C"))
    assert re.search(r"'db50t9101':\d+C\b", dialect.tsvector(analysed))
    assert "'db50t9101':*C" in dialect.expression(parse_query("DB50/T 9101"))
    # the title's pinyin moved to the body's letter leaves title_tsv (the title's letters, A–C)
    assert "'lpy'" in dialect.title_lexemes(analysed)
    monkeypatch.setitem(FIELD_WEIGHTS, "pinyin", FieldWeight(FIELD_WEIGHTS["pinyin"].weight, "D"))
    assert "'lpy'" not in dialect.title_lexemes(analysed)
    assert dialect.expression(parse_query("lpy")).startswith("('lpy':AD")


# --- the cluster's query body -----------------------------------------------------------------------


def boosts(body) -> list[tuple[str, float]]:
    """(field, boost) of every clause of an elasticsearch-dsl body that names a field and a boost."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, dict) and "boost" in value and key in FIELD_WEIGHTS:
                found.append((key, value["boost"]))
            found += boosts(value)
    elif isinstance(body, list):
        for item in body:
            found += boosts(item)
    return found


def test_cluster_boosts_are_the_table(distinct_weights):
    found = [pair for q in QUERIES for pair in boosts(cluster.query_for(parse_query(q)).to_dict())]
    assert {field for field, _ in found} == {
        "title_words",
        "title_chars",
        "body_words",
        "body_chars",
        "pinyin",
        "syllables",
        "initials",
        "codes",
    }
    assert all(boost == distinct_weights[field] for field, boost in found), found


# --- every engine: the order of the results ----------------------------------------------------


DOCS = [
    SearchDoc(type="test", id="title", title="梁平柚子", url="/t/title/", body="水果"),
    SearchDoc(type="test", id="body", title="水果礼盒", url="/t/body/", body="柚子 柚子 柚子"),
    *(SearchDoc(type="test", id=f"other{i}", title=t, url=f"/t/{i}/", body="水果") for i, t in enumerate("苹梨桃李杏")),
]

#: the title streams weigh next to nothing and the body's weigh what the title's did; on PostgreSQL
#: the streams swap letters too (the body under the title's A and B), so the index is rebuilt
BODY_FIRST = {
    "title_words": FieldWeight(0.1, "D"),
    "title_chars": FieldWeight(0.1, "D"),
    "title_pairs": FieldWeight(0.1, "D"),
    "body_words": FieldWeight(8.0, "A"),
    "body_chars": FieldWeight(4.0, "B"),
    "body_pairs": FieldWeight(4.0, "B"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_engine_order_follows_the_table(name, monkeypatch):
    engine = make_engine(name, prefix=f"lp-test-{RUN_ID}-weights")
    query = parse_query("柚子")

    def order() -> list[str]:
        engine.rebuild(DOCS)
        return [hit.id for hit in engine._search(query, {}, 0, 10).hits]

    try:
        assert order() == ["title", "body"]
        for stream, weight in BODY_FIRST.items():
            monkeypatch.setitem(FIELD_WEIGHTS, stream, weight)
        assert order() == ["body", "title"]
    finally:
        if hasattr(engine, "drop_all"):
            engine.drop_all()
