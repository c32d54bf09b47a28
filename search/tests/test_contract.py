"""One contract, every engine: the embedded engine on this database, and real OpenSearch /
Elasticsearch nodes when their URLs are set (see conftest.py). Same corpus, same expectations."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.documents import SearchDoc
from search.relevance import CASES, reciprocal_rank, relevant_urls, score
from search.text import MAX_QUERY_CHARS, QueryError, cut_for_search

pytestmark = pytest.mark.django_db


def urls(engine, query, **kwargs):
    return [h.url for h in engine.search(query, **kwargs).hits]


# --- relevance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}:{c.query}" for c in CASES])
def test_relevant_record_is_near_the_top(engine, case):
    found = urls(engine, case.query)
    assert reciprocal_rank(found, relevant_urls(case)) >= 1 / 3, f"{case.query!r} → {found[:5]}"


def test_relevance_set_scores(engine):
    assert len(CASES) >= 40
    result = score(lambda q: urls(engine, q))
    weak = [(c.query, rr, top[:3]) for c, rr, _, top in result.per_case if rr < 1]
    assert result.mrr >= 0.9, weak
    assert result.recall5 >= 0.9, weak


# --- matching ----------------------------------------------------------------------------------


def test_every_substring_of_a_chinese_name_matches(engine):
    from gi_registry.models import GeographicalIndication

    for gi in GeographicalIndication.objects.filter(live=True):
        name, url = gi.name, gi.get_absolute_url()
        for length in range(1, len(name) + 1):
            for start in range(len(name) - length + 1):
                part = name[start : start + length]
                assert url in urls(engine, part, filters={"type": ["gi"]}, size=50), part


def test_query_words_need_not_be_dictionary_words(engine):
    # 平柚 and 鸭子弟 are not words; 平柚 is inside 梁平柚, nothing holds 鸭子弟
    assert "/gi/liangping-you/" in urls(engine, "平柚")
    assert engine.search("鸭子弟").total == 0


def test_every_term_must_match(engine):
    both = urls(engine, "梁平柚 鲜果")
    assert both and all(u.startswith("/standards/") or u.startswith("/gi/") for u in both)
    assert engine.search("梁平柚 山羊").total == 0


def test_whole_words_rank_above_substrings(engine):
    word, across = "川西柚子种植基地", "东城柚子弟学校"
    assert "柚子" in cut_for_search(word) and "柚子" not in cut_for_search(across)
    docs = [
        SearchDoc("page", f"contract-{i}", title, f"/contract-{i}/", body="演示")
        for i, title in enumerate([across, word])
    ]
    engine.index(docs)
    try:
        found = urls(engine, "柚子", filters={"type": ["page"]})
        assert found.index("/contract-1/") < found.index("/contract-0/")
    finally:
        for doc in docs:
            engine.delete(doc.type, doc.id)


def test_pinyin_full_and_initials(engine):
    for query in ("liangpingyou", "lpy", "LPY", "liang ping you", "pingyou"):
        assert urls(engine, query)[0] == "/gi/liangping-you/", query
    assert "/gi/liangping-zhangyazi/" in urls(engine, "zhangyazi")[:1]


def test_codes_as_typed(engine):
    for query in (
        "DB50/T 9101-2022",
        "db50/t9101-2022",
        "DB50T91012022",
        "ＤＢ５０／Ｔ　９１０１—２０２２",
        "db50t9101",
    ):
        assert urls(engine, query)[0] == "/standards/db50t-9101-2022/", query
    assert urls(engine, "GB/T 17924")[0] == "/standards/gbt-17924-2008/"


def test_credit_codes_and_registration_numbers_exact(engine):
    assert urls(engine, "93500155MA9000011Q") == ["/producers/93500155MA9000011Q/"]
    assert urls(engine, "93500155 MA90000 11Q")[0] == "/producers/93500155MA9000011Q/"
    assert urls(engine, "AGI00052")[0] == "/gi/liangping-you/"


def test_only_public_records_are_found(engine):
    for query in ("秘藏", "梁平秘藏柚", "DRAFT0001", "DB50/T 9999", "秘藏柚子保鲜规程"):
        assert engine.search(query).total == 0, query


# --- facets, highlights, pages ------------------------------------------------------------------


def test_facets_count_the_matching_set(engine):
    everything = engine.search("梁平")
    types = {v.value: v.count for v in everything.facets["type"]}
    assert sum(types.values()) == everything.total
    assert {"gi", "producer", "standard"} <= set(types)
    only_gis = engine.search("梁平", filters={"type": ["gi"]})
    assert only_gis.total == types["gi"]
    assert {h.type for h in only_gis.hits} == {"gi"}
    # a facet is counted without its own filter, so the other types stay offered
    assert {v.value for v in only_gis.facets["type"]} >= {"gi", "producer"}
    assert any(v.selected for v in only_gis.facets["type"])
    pomelo = engine.search("梁平", filters={"type": ["gi"], "product_family": ["pomelo"]})
    assert [h.url for h in pomelo.hits] == ["/gi/liangping-you/"]
    kinds = {v.value: v.label for v in engine.search("梁平", filters={"type": ["gi"]}).facets["gi_kind"]}
    assert "agricultural" in kinds and "农产品地理标志" in kinds["agricultural"]


def test_facets_for_standards_and_townships(engine):
    superseded = engine.search("栽培技术规程", filters={"standard_status": ["superseded"]})
    assert [h.url for h in superseded.hits] == ["/standards/db50t-9101-2016/"]
    local = engine.search("梁平", filters={"standard_level": ["local"]})
    assert local.total >= 5 and all(h.url.startswith("/standards/db50t") for h in local.hits)
    in_lirang = engine.search("柚子", filters={"township": ["礼让镇"], "type": ["producer"]})
    assert [h.url for h in in_lirang.hits] == ["/producers/93500155MA9000011Q/"]


def test_unknown_filters_are_ignored_and_odd_values_match_nothing(engine):
    assert engine.search("梁平", filters={"colour": ["red"]}).total == engine.search("梁平").total
    assert engine.search("梁平", filters={"type": ["nothing'); DROP TABLE x; --"]}).total == 0


def test_highlights(engine):
    first = engine.search("梁平柚").hits[0]
    assert first.title_highlight == "<mark>梁平柚</mark>"
    assert "<mark>梁平柚</mark>" in first.highlight
    assert engine.search("lpy").hits[0].title_highlight == "<mark>梁平柚</mark>"
    code = engine.search("DB50/T 9101").hits[0]
    assert "<mark>DB50/T 9101</mark>" in code.highlight
    assert "<mark>" in engine.search("平柚").hits[0].highlight


def test_pagination_covers_every_result_once(engine):
    total = engine.search("梁平").total
    assert total > 50  # past the re-scored window too
    seen = []
    for page in range(1, total // 10 + 2):
        seen += urls(engine, "梁平", page=page, size=10)
    assert len(seen) == total == len(set(seen))
    assert engine.search("梁平", page=999).hits == []


def test_suggestions_by_prefix_and_pinyin(engine):
    def titles(prefix):
        return [s.title for s in engine.suggest(prefix)]

    assert titles("梁平")[0].startswith("梁平")
    assert titles("梁平柚")[0] == "梁平柚"
    assert "梁平柚" in titles("liangp")[:3]
    assert titles("lpy")[0] == "梁平柚"
    assert titles("zhangy")[0] == "梁平张鸭子"
    assert titles("db50t91")[0] == "梁平柚栽培技术规程"
    assert titles("") == [] and titles("!!!") == []
    assert "梁平秘藏柚" not in titles("梁平秘")


@pytest.mark.parametrize("prefix", ["l", "z", "y", "lp", "zh", "li"])
def test_one_and_two_letter_pinyin_prefixes_suggest_titles_spelled_so(engine, prefix):
    """The first keystrokes of pinyin already suggest records, and only records whose title (its
    words, their pinyin in full or by initials) or code starts so."""
    from search.documents import iter_documents

    spelled = set()
    for doc in iter_documents():
        streams = (doc.analysed.title_words, doc.analysed.pinyin, doc.analysed.codes)
        if any(token.startswith(prefix) for stream in streams for token in stream.split()):
            spelled.add(doc.title)
    suggested = [s.title for s in engine.suggest(prefix)]
    assert suggested, prefix
    assert set(suggested) <= spelled, set(suggested) - spelled
    assert len(suggested) == min(8, len(spelled))


def test_first_letters_suggest_the_gis(engine):
    def titles(prefix):
        return [s.title for s in engine.suggest(prefix)]

    assert "梁平柚" in titles("l")
    assert "梁平柚" in titles("lp")[:3]
    assert "梁平张鸭子" in titles("z")


# --- any query is safe -------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    '"',
    "'",
    "*",
    "(",
    ")",
    "NEAR",
    "NEAR(a b)",
    "-",
    "a OR b",
    "AND",
    "NOT 梁平",
    "title_words:柚",
    "{title_chars}: 梁",
    "^",
    "\\",
    "%",
    "_",
    "':*A",
    "<->",
    "&|!",
    "😀",
    "🍊柚子🍊",
    "\x00",
    "梁平 lpy DB50/T 9101 pomelo",
    "ひらがな",
    "한국어",
    "Ωμέγα",
    "x" * MAX_QUERY_CHARS,
    "梁" * MAX_QUERY_CHARS,
    " ".join("ab" for _ in range(60)),
]


def assert_well_formed(results) -> None:
    """An answer, not an error: a count that covers the hits it lists, each hit a titled link."""
    assert isinstance(results.total, int) and results.total >= len(results.hits)
    assert all(hit.title and hit.url.startswith("/") for hit in results.hits)


@pytest.mark.parametrize("query", NASTY, ids=range(len(NASTY)))
def test_odd_queries_give_results_not_errors(engine, query):
    results = engine.search(query)
    assert_well_formed(results)
    assert isinstance(engine.suggest(query), list)


def test_too_long_queries_are_refused_with_a_message(engine):
    with pytest.raises(QueryError, match="too long"):
        engine.search("柚" * 10_000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=MAX_QUERY_CHARS + 20), page=st.integers(-5, 200), size=st.integers(-5, 500))
def test_any_query_is_safe(engine, query, page, size):
    try:
        results = engine.search(query, page=page, size=size)
    except QueryError:
        assert len(query.strip()) > MAX_QUERY_CHARS
        return
    assert_well_formed(results)
    assert isinstance(engine.suggest(query[:50]), list)
