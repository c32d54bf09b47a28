"""Chinese text processing: segmentation, per-character tokens, pinyin, codes, query limits, snippets."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.highlight import highlight, highlight_title, snippet
from search.text import (
    MAX_QUERY_CHARS,
    QueryError,
    analyse,
    chars,
    code_forms,
    cut,
    looks_like_code,
    normalise,
    parse_query,
    split_pinyin,
    words,
)


def test_domain_words_stay_whole():
    assert cut("梁平柚栽培技术规程")[0] == "梁平柚"
    assert "张鸭子" in cut("正宗张鸭子卤制")
    assert "地理标志证明商标" in cut("地理标志证明商标")
    assert "百里竹海" in cut("百里竹海竹笋")
    assert "豆筋" in cut("手工豆筋加工")
    assert "五子登科" in cut("五子登科丰味梁平")


def test_search_mode_also_indexes_the_words_inside_long_words():
    tokens = words("地理标志证明商标")
    assert {"地理", "标志", "商标", "地理标志证明商标"} <= set(tokens)


def test_every_cjk_character_is_a_token_and_latin_words_stay_words():
    assert chars("梁平柚 Pomelo，DB50") == ["梁", "平", "柚", "pomelo", "db50"]


def test_normalise_folds_width_case_and_accents_not_cjk():
    assert normalise("ＤＢ５０／Ｔ Café") == "db50/t cafe"
    assert normalise("한국") == "한국"


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("liangpingyou", ("liang", "ping", "you")),
        ("chongqing", ("chong", "qing")),
        ("zhangyazi", ("zhang", "ya", "zi")),
        ("xian", ("xian",)),
        ("lpy", None),
        ("db50", None),
    ],
)
def test_split_pinyin(word, syllables):
    assert split_pinyin(word) == syllables


def test_title_pinyin_in_full_and_by_initials():
    analysed = analyse("重庆梁平柚")
    assert {"liangpingyou", "lpy", "chongqing", "cq", "chongqingliangpingyou"} <= set(analysed.pinyin.split())
    assert analysed.syllables == "chong qing liang ping you"
    assert analysed.initials == "c q l p y"


@pytest.mark.parametrize(
    ("code", "forms"),
    [
        ("DB50/T 123-2020", ["db50t1232020", "db50t123"]),
        ("GB/T 19332-2008", ["gbt193322008", "gbt19332"]),
        ("Q/LPYY 0001S-2025", ["qlpyy0001s2025", "qlpyy0001s"]),
        ("db50/t9101—2022", ["db50t91012022", "db50t9101"]),
        ("93500155MA9000011Q", ["93500155ma9000011q"]),
    ],
)
def test_code_forms(code, forms):
    assert code_forms(code) == forms


def test_codes_as_typed_reduce_to_the_indexed_form():
    for typed in ("DB50/T 123", "db50t123", "DB50T123", "db50 / t 123"):
        assert looks_like_code(typed) == "db50t123"
    assert looks_like_code("DB50T1232020") == "db50t1232020"
    assert looks_like_code("梁平柚") == "" and looks_like_code("pomelo") == "" and looks_like_code("2022") == ""


def test_parse_query_terms():
    query = parse_query("梁平 lpy DB50/T")
    assert [(t.kind, t.text) for t in query.terms] == [
        ("cjk", "梁平"),
        ("word", "lpy"),
        ("word", "db50"),
        ("word", "t"),
    ]
    assert query.terms[1].initials == ("l", "p", "y")
    assert parse_query("  !!! 😀 ").is_empty


def test_query_limits():
    with pytest.raises(QueryError):
        parse_query("x" * (MAX_QUERY_CHARS + 1))
    assert len(parse_query(" ".join(f"w{i}" for i in range(50))).terms) == 12


@given(st.text(max_size=MAX_QUERY_CHARS))
def test_any_text_parses_to_letters_and_digits_only(text):
    query = parse_query(text)
    for term in query.terms:
        for token in (term.text, *term.chars, *term.words, *term.syllables, *term.initials):
            assert token and all(c.isalnum() for c in token), token


def test_highlight_marks_matches_and_escapes_everything_else():
    query = parse_query("柚子")
    assert highlight_title("<b>梁平柚子</b>", query) == "&lt;b&gt;梁平<mark>柚子</mark>&lt;/b&gt;"
    assert highlight_title("重庆梁平柚", parse_query("lpy")) == "重庆<mark>梁平柚</mark>"
    assert highlight_title("重庆梁平柚", parse_query("pingyou")) == "重庆梁<mark>平柚</mark>"
    long = "无关的文字。" * 40 + "这里有柚子。" + "后面的文字。" * 40
    cut_out = snippet(long, query)
    assert cut_out.startswith("…") and cut_out.endswith("…") and "<mark>柚子</mark>" in cut_out
    assert len(cut_out) < 140
    assert "<mark>DB50/T 9101-2022</mark>" in highlight(
        "t", "标准 DB50/T 9101-2022 代替", "", parse_query("DB50/T 9101-2022")
    )


def test_pairs_of_the_per_character_streams():
    analysed = analyse("梁平柚，张鸭子")
    assert analysed.title_pairs == "梁平 平柚 张鸭 鸭子"  # no pair across the comma
    assert analysed.syllable_pairs.split()[:2] == ["liangping", "pingyou"]
    assert analysed.initial_pairs.split()[:2] == ["lp", "py"]


# --- the analysis caches (issue 15): faster, never different -----------------------------------


def _reference_normalise(text: str) -> str:
    """The definition: each character folded on its own (NFKC, lower case, Latin accents off)."""
    import unicodedata

    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char).lower()
        if folded and ord(folded[0]) < 0x2E80:
            folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
        out.append(folded)
    return "".join(out)


@given(st.text(max_size=60))
def test_normalise_folds_each_character_as_the_definition_says(text):
    from core.text import normalise

    assert normalise(text) == _reference_normalise(text)


def test_normalise_of_odd_characters():
    from core.text import normalise

    for text in ("ＬＩＡＮＧ Café İstanbul ｶﾞ 﨑 Ⅻ ①", "e\u0301", "ABC", "梁平柚Ａ"):
        assert normalise(text) == _reference_normalise(text)


def _reference_analyse(title, body="", codes=(), aliases=()):
    """``analyse`` as it was before the caches: every stream from ``words``/``chars``/``char_pairs``
    and pypinyin's own ``lazy_pinyin``, text re-normalised for each."""
    from pypinyin import lazy_pinyin

    from core.text import HAN_RE, code_forms, compact, cut_for_search, runs
    from search.text import MAX_BODY_CHARS, Analysed, char_pairs, chars, pairs, words

    def syllables(run):
        out = lazy_pinyin(run, errors=lambda s: list(s))
        return out if len(out) == len(run) else [lazy_pinyin(c, errors=lambda s: list(s))[0] for c in run]

    body = (body or "")[:MAX_BODY_CHARS]
    titles = [title, *(a for a in aliases if a)]
    tokens, sy, ini, sy_pairs, ini_pairs = [], [], [], [], []
    for kind, run in runs(title):
        if kind != "cjk" or not HAN_RE.search(run):
            continue
        run_syllables = syllables(run)
        sy += run_syllables
        ini += [s[0] for s in run_syllables]
        sy_pairs += pairs(run_syllables)
        ini_pairs += pairs(s[0] for s in run_syllables)
        for piece in [run, *[w for w in cut_for_search(run) if len(w) > 1 and w != run]]:
            if len(piece) >= 2:
                piece_syllables = syllables(piece)
                tokens += ["".join(piece_syllables), "".join(s[0] for s in piece_syllables)]
    code_tokens = list(dict.fromkeys(f for c in codes for f in code_forms(c)))
    return Analysed(
        title_words=" ".join(w for t in titles for w in words(t)),
        title_chars=" ".join(c for t in titles for c in chars(t)),
        body_words=" ".join(words(body)),
        body_chars=" ".join(chars(body)),
        pinyin=" ".join(dict.fromkeys(tokens)),
        syllables=" ".join(sy),
        initials=" ".join(ini),
        exact=compact(title),
        codes=" ".join(code_tokens),
        title_pairs=" ".join(p for t in titles for p in char_pairs(t)),
        body_pairs=" ".join(char_pairs(body)),
        syllable_pairs=" ".join(sy_pairs),
        initial_pairs=" ".join(ini_pairs),
    )


ANALYSED = [
    (
        "梁平区礼让镇川西村梁平柚种植专业合作社",
        "主要从事柚子的种植、加工与销售。重庆银行行长",
        ["93500155MA9000011Q"],
        [],
    ),
    ("重庆市梁平区都梁米业有限公司", "长长的 行长 乐器 快乐 音乐", ["DB50/T 123—2020"], ["Liangping Rice"]),
    ("Ｄｅｍｏ Café 한국 〇 ｶﾞ 﨑", "Ⅻ ① İstanbul", [], ["Pomelo"]),
    ("", "", [], []),
]


@pytest.mark.parametrize(("title", "body", "codes", "aliases"), ANALYSED)
def test_cached_analysis_gives_the_tokens_of_the_uncached_one(title, body, codes, aliases):
    expected = _reference_analyse(title, body, codes, aliases)
    assert analyse(title, body, codes, aliases) == expected
    # a second time, from the caches (segments, runs and words already met)
    assert analyse(title, body, codes, aliases) == expected


@given(st.text(alphabet="梁平柚子重庆长行乐都合作社区镇村鸭稻米abcXY12 ，。、", max_size=30))
def test_cached_analysis_matches_the_uncached_one_on_any_text(text):
    assert analyse(text, text[::-1], [text], [text[:3]]) == _reference_analyse(text, text[::-1], [text], [text[:3]])


def _reference_normalise_with_map(text):
    """``normalise_with_map`` by its definition: each character folded on its own, and each folded
    character pointing back at the character it came from."""
    out, index = [], []
    for i, char in enumerate(text):
        folded = _reference_normalise(char)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


@given(st.text(max_size=60))
def test_normalise_with_map_folds_and_maps_each_character_as_the_definition_says(text):
    from core.text import normalise_with_map

    assert normalise_with_map(text) == _reference_normalise_with_map(text)


def test_normalise_with_map_of_characters_that_fold_into_several_or_none():
    from core.text import normalise_with_map

    # "ﬁ\u0301": one character into two and one into none, as long as the original
    for text in ("ﬁsh 梁平", "㎏ and ㍿", "Café ＬＰ", "e\u0301x", "ABC", "", "\u00ad梁", "ﬁ\u0301", "\u0301ﬁ梁"):
        assert normalise_with_map(text) == _reference_normalise_with_map(text), text


def _reference_pinyin_spans(folded, term, syllables, initials):
    """The syllable spans the way they were first written: every start, syllables added one by one."""
    import re

    from search.highlight import _cjk_runs
    from search.text import syllables_of

    spans = []
    for start, end in _cjk_runs(folded):
        run = syllables_of(folded[start:end])
        if initials:
            letters = "".join(s[0] for s in run)
            spans.extend((start + m.start(), start + m.end()) for m in re.finditer(re.escape(term), letters))
        if syllables:
            for i in range(len(run)):
                acc = ""
                for j in range(i, len(run)):
                    acc += run[j]
                    if acc == term:
                        spans.append((start + i, start + j + 1))
                    if len(acc) >= len(term):
                        break
    return spans


@given(
    st.text(alphabet="梁平柚子鸭合作社专业重庆礼让镇安安西安 ,a", max_size=30),
    st.sampled_from(["liangping", "you", "an", "xian", "xi", "anan", "hezuoshe", "zuo", "lp", "ya", "n", "a"]),
)
def test_pinyin_spans_are_the_syllable_runs_that_spell_the_term(text, term):
    """``an`` must not match inside ``xian`` (西安 vs 先), ``xian`` is 西安's spelling only where
    the syllables start and end with it."""
    from search.highlight import _pinyin_spans

    for syllables, initials in ((True, False), (False, True), (True, True)):
        assert sorted(_pinyin_spans(text, term, syllables, initials)) == sorted(
            _reference_pinyin_spans(text, term, syllables, initials)
        )


def test_one_search_matches_each_text_once(span_matching):
    """Ranking reads the titles' spans and the highlights read them again: inside one search each
    text is matched once per query, and nothing is kept after it."""
    from search import highlight
    from search.text import parse_query

    calls = span_matching
    query = parse_query("梁平柚")
    with highlight.spans_memo():
        first = highlight.match_spans("梁平柚 柚子", query)
        again = highlight.match_spans("梁平柚 柚子", query)
        first.append((99, 100))  # a caller's list is its own
        assert highlight.match_spans("梁平柚 柚子", query) == again
    assert len(calls) == 1 and again == [(0, 3)]
    assert highlight.match_spans("梁平柚 柚子", query) == again and len(calls) == 2  # outside: no memo
