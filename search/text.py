"""Chinese-aware text processing shared by every search engine.

Full-text engines out of the box treat a run of Chinese characters as one word, so "柚子" would not
find "梁平柚子专业合作社". Everything is therefore analysed here, in Python, before it reaches an
engine, and every engine indexes and queries the same tokens:

- **words**: rjieba segmentation (search mode, which also emits the shorter words inside a long
  one) with a user dictionary of the domain's words, so that ranking can prefer whole words;
- **chars**: every CJK character as its own token, so that any run of Chinese characters in a
  query, of any length, matches wherever it occurs when queried as a phrase (word segmentation
  alone misses substrings that are not dictionary words, such as 平柚);
- **pinyin** of titles, in full and by initials, per word (``liangpingyou``, ``lpy`` → 梁平柚)
  and per character (``liang ping you``, ``l p y``), so pinyin typed without spaces also finds
  substrings (``pingyou``);
- **codes**: standard codes, credit codes and registration numbers, folded to one compact form
  (``DB50/T 123-2020`` → ``db50t1232020`` and ``db50t123``) so they are found as typed.

The tokens only ever contain letters and digits, so no query can smuggle syntax into an engine.
The analysis itself (normalisation, segmentation, pinyin, codes) lives in ``core.text`` and is
re-exported here; this module builds the documents' token streams and parses queries.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

# The analysis itself lives in core.text (the registry's admin search uses it too); re-exported here.
from core.text import (
    CJK_RUN_RE,  # noqa: F401
    DOMAIN_WORDS,  # noqa: F401
    HAN_RE,
    chars,  # noqa: F401
    code_forms,
    compact,
    cut,
    cut_for_search,
    initials_of,  # noqa: F401
    is_cjk,  # noqa: F401
    looks_like_code,
    normalise,  # noqa: F401
    normalise_with_map,  # noqa: F401
    pinyin_syllables,  # noqa: F401
    runs,
    split_pinyin,
    syllables_of,
    words,  # noqa: F401
)

#: A query longer than this is refused (400 in the API): nobody types 10 KB into a search box.
MAX_QUERY_CHARS = 200
#: At most this many terms of a query are used; the rest are ignored.
MAX_QUERY_TERMS = 12
#: Only this much of a document's body is indexed.
MAX_BODY_CHARS = 20_000


class QueryError(ValueError):
    """A query the search cannot run (too long); the message is safe to show to the user."""


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysed:
    """The derived token streams of one document, each a space-separated string of tokens."""

    title_words: str
    title_chars: str
    body_words: str
    body_chars: str
    pinyin: str  # per-word and per-run full pinyin and initials of the title
    syllables: str  # per-character pinyin of the title
    initials: str  # per-character initials of the title
    exact: str  # the whole title as one compact token
    codes: str  # compact identifiers
    # adjacent pairs of the per-character streams: a phrase of pairs finds the same substrings as
    # a phrase of characters, but a rare pair (平柚) drives the match instead of a common character
    title_pairs: str = ""
    body_pairs: str = ""
    syllable_pairs: str = ""
    initial_pairs: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def pairs(sequence: Iterable[str]) -> list[str]:
    """Adjacent pairs, joined: 梁平柚 → 梁平 平柚; (liang, ping, you) → liangping pingyou."""
    items = list(sequence)
    return [a + b for a, b in zip(items, items[1:], strict=False)]


def char_pairs(text: str) -> list[str]:
    return _pairs_of_runs(runs(text))


def _pairs_of_runs(text_runs: list[tuple[str, str]]) -> list[str]:
    return [pair for kind, run in text_runs if kind == "cjk" for pair in pairs(run)]


def _words_of_runs(text_runs: list[tuple[str, str]]) -> list[str]:
    """``words()`` of a text already split into runs."""
    tokens: list[str] = []
    for kind, run in text_runs:
        if kind == "cjk":
            tokens.extend(cut_for_search(run))
        else:
            tokens.append(run)
    return tokens


def _chars_of_runs(text_runs: list[tuple[str, str]]) -> list[str]:
    """``chars()`` of a text already split into runs."""
    tokens: list[str] = []
    for kind, run in text_runs:
        if kind == "cjk":
            tokens.extend(run)
        else:
            tokens.append(run)
    return tokens


@functools.lru_cache(maxsize=100_000)
def _word_pinyin(piece: str) -> tuple[str, str]:
    """(full pinyin, initials) of a word of a title: the same words recur in many titles."""
    piece_syllables = syllables_of(piece)
    return "".join(piece_syllables), "".join(s[0] for s in piece_syllables)


@functools.lru_cache(maxsize=100_000)
def _run_pinyin(run: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``title_pinyin`` of one CJK run (word tokens, syllables, initials, syllable and initial pairs)."""
    if not HAN_RE.search(run):
        return (), (), (), (), ()
    run_syllables = syllables_of(run)
    initials = tuple(s[0] for s in run_syllables)
    word_tokens: list[str] = []
    pieces = [run, *[w for w in cut_for_search(run) if len(w) > 1 and w != run]]
    for piece in pieces:
        if len(piece) < 2:
            continue
        word_tokens.extend(_word_pinyin(piece))
    return tuple(word_tokens), run_syllables, initials, tuple(pairs(run_syllables)), tuple(pairs(initials))


def title_pinyin(title: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(word-level tokens, syllables, initials, syllable pairs, initial pairs) of a title."""
    return _title_pinyin_of_runs(runs(title))


def _title_pinyin_of_runs(title_runs: list[tuple[str, str]]) -> tuple[list[str], ...]:
    out: tuple[list[str], ...] = ([], [], [], [], [])
    for kind, run in title_runs:
        if kind != "cjk":
            continue
        for stream, tokens in zip(out, _run_pinyin(run), strict=True):
            stream.extend(tokens)
    return out


def analyse(title: str, body: str = "", codes: Iterable[str] = (), aliases: Iterable[str] = ()) -> Analysed:
    """Every token stream a document is indexed with; ``aliases`` (an English name) count as title words.

    Each text is normalised and split into runs once; segmentation and pinyin are cached per run
    and per word (names and sentences recur across thousands of records), so a rebuild pays for
    each distinct run once. The tokens are exactly those of ``words``, ``chars`` and ``char_pairs``
    (``test_text.py`` compares them).
    """
    body = (body or "")[:MAX_BODY_CHARS]
    title_runs = runs(title)
    titles_runs = [title_runs, *(runs(a) for a in aliases if a)]
    body_runs = runs(body)
    pinyin_tokens, syllables, initials, syllable_pairs, initial_pairs = _title_pinyin_of_runs(title_runs)
    code_tokens: list[str] = []
    for code in codes:
        for form in code_forms(code):
            if form not in code_tokens:
                code_tokens.append(form)
    return Analysed(
        title_words=" ".join(w for r in titles_runs for w in _words_of_runs(r)),
        title_chars=" ".join(c for r in titles_runs for c in _chars_of_runs(r)),
        body_words=" ".join(_words_of_runs(body_runs)),
        body_chars=" ".join(_chars_of_runs(body_runs)),
        pinyin=" ".join(dict.fromkeys(pinyin_tokens)),
        syllables=" ".join(syllables),
        initials=" ".join(initials),
        exact="".join(run for _, run in title_runs),
        codes=" ".join(code_tokens),
        title_pairs=" ".join(p for r in titles_runs for p in _pairs_of_runs(r)),
        body_pairs=" ".join(_pairs_of_runs(body_runs)),
        syllable_pairs=" ".join(syllable_pairs),
        initial_pairs=" ".join(initial_pairs),
    )


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of a query. Every term must match (AND); its alternatives are OR-ed.

    ``cjk``: ``chars`` must occur as a phrase (any substring matches); ``words`` only rank.
    ``word``: the word itself, or its pinyin (``syllables`` as a phrase, ``initials`` as a phrase).
    """

    kind: str
    text: str
    chars: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    syllables: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...] = ()
    code: str = ""  # compact identifier form when the whole query looks like one
    exact: str = ""  # the whole query compacted, for the exact-title boost
    ignored_terms: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.code


def parse_word(word: str) -> Term:
    syllables = split_pinyin(word) or ()
    initials = tuple(word) if word.isascii() and word.isalpha() and 2 <= len(word) <= 10 else ()
    return Term(kind="word", text=word, syllables=syllables, initials=initials)


def parse_query(query: str | None) -> ParsedQuery:
    """Turn what a user typed into terms. Raises ``QueryError`` for a query that is too long."""
    raw = (query or "").strip()
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is too long ({len(raw)} characters; at most {MAX_QUERY_CHARS}).")
    terms: list[Term] = []
    for kind, run in runs(raw):
        if kind == "cjk":
            terms.append(Term(kind="cjk", text=run, chars=tuple(run), words=tuple(cut(run))))
        else:
            terms.append(parse_word(run))
    # the same term twice adds nothing
    unique = list(dict.fromkeys(terms))
    kept = unique[:MAX_QUERY_TERMS]
    return ParsedQuery(
        raw=raw,
        terms=tuple(kept),
        code=looks_like_code(raw),
        exact=compact(raw),
        ignored_terms=len(unique) - len(kept),
    )
