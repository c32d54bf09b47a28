"""The embedded SQLite engine's bounded ranking, for queries with very many matches.

Past ``RANK_ALL_LIMIT`` matches it ranks at most ``CANDIDATES`` records, whole-word title matches
first, instead of every match. The demo corpus is small, so the limits are lowered here to send
every query down that path: the relevance set, pagination and facets must hold there too.
"""

import pytest

from search.engines import embedded
from search.relevance import score
from search.text import parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounded(engine, monkeypatch):
    if not getattr(getattr(engine, "dialect", None), "bounded", False):
        pytest.skip("only the embedded SQLite engine ranks a bounded set of candidates")
    monkeypatch.setattr(embedded, "RANK_ALL_LIMIT", 3)
    return engine


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
