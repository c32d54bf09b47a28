"""How matches are ranked, the same for every engine.

``FIELD_WEIGHTS`` is the first stage: how much a match in each token stream counts. Every engine
reads it: SQLite as the per-column weights of ``bm25()``, PostgreSQL as the weight letter (A–D)
each stream is stored under in the ``tsvector`` and the ``ts_rank`` weight of each letter
(``POSTGRES_WEIGHTS``), OpenSearch and Elasticsearch as the boost of each field's clause.

The second stage, ``rescore``: engines find the matches and rank them with their own statistics
(BM25 in FTS5 and Lucene, ``ts_rank`` in PostgreSQL), which disagree in the details. The best
``RESCORE_WINDOW`` of them are then re-scored here with what a person looking at the list would
judge by: does the title hold what was typed (also by pinyin), how much of the title it is, is
it the whole title, is it a whole word there, and how much weight the record carries (a
registered GI over a withdrawn standard). The engine's own score, scaled to the window, keeps
its say, so body matches and term frequency still count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .highlight import match_spans
from .text import ParsedQuery, compact, cut_for_search, normalise, runs, syllables_of

if TYPE_CHECKING:
    from .engines.base import StoredHit

RESCORE_WINDOW = 50


@dataclass(frozen=True)
class FieldWeight:
    """How much a match in one token stream (a field of ``text.Analysed``) counts."""

    #: SQLite: the stream's ``bm25()`` column weight; clusters: the boost of its clause
    weight: float
    #: PostgreSQL: the weight letter its tokens carry in the ``tsvector`` (changing it needs a
    #: rebuild of the index there; the other engines read the weight at query time)
    letter: str


#: The token streams that add rank, in the order PostgreSQL lays them out in the ``tsvector``
#: (within each letter). ``exact`` (the whole title) is not ranked by weight: every engine puts a
#: title equal to the query first by a rule of its own.
FIELD_WEIGHTS: dict[str, FieldWeight] = {
    "title_words": FieldWeight(8.0, "A"),
    "pinyin": FieldWeight(6.0, "A"),
    "codes": FieldWeight(12.0, "A"),
    "title_chars": FieldWeight(4.0, "B"),
    "title_pairs": FieldWeight(4.0, "B"),
    "syllables": FieldWeight(3.0, "C"),
    "initials": FieldWeight(2.0, "C"),
    "syllable_pairs": FieldWeight(3.0, "C"),
    "initial_pairs": FieldWeight(2.0, "C"),
    "body_words": FieldWeight(2.0, "D"),
    "body_chars": FieldWeight(1.0, "D"),
    "body_pairs": FieldWeight(1.0, "D"),
}

#: PostgreSQL's ``ts_rank`` weight of each letter, and whether its score is divided by the length
#: of the document (the body: titles are short, so their letters are not normalised)
POSTGRES_WEIGHTS: dict[str, tuple[float, bool]] = {
    "A": (1.0, False),
    "B": (0.5, False),
    "C": (0.4, False),
    "D": (0.2, True),
}


def field_weight(stream: str) -> float:
    """The weight of a match in ``stream``; 0 for a stream that does not add rank (``exact``)."""
    found = FIELD_WEIGHTS.get(stream)
    return found.weight if found else 0.0


def _title_features(hit: StoredHit, query: ParsedQuery) -> tuple[float, float, float, float]:
    """(terms found in the title, share of the title matched, whole title, whole words)."""
    title = hit.title or ""
    spans = match_spans(title, query)
    folded_title = normalise(title)
    covered = sum(e - s for s, e in spans)
    coverage = covered / max(1, len(compact(title)))
    terms = query.terms or ()
    found = 0
    whole_words = 0
    title_words = None
    # a query of one term (and no code, whose spans the whole query adds) matches as that term does
    alone = len(terms) == 1 and not query.code
    for term in terms:
        if spans if alone else match_spans(title, ParsedQuery(raw=term.text, terms=(term,))):
            found += 1
            if term.kind == "cjk":
                title_words = title_words if title_words is not None else set(cut_for_search(folded_title))
                whole_words += term.text in title_words
            else:
                whole_words += 1
    if not found and query.code and match_spans(hit.subtitle or "", query):
        found, coverage = len(terms) or 1, 0.5
    share = found / len(terms) if terms else (1.0 if found else 0.0)
    exact = 1.0 if query.exact and compact(title) == query.exact else 0.0
    words = whole_words / len(terms) if terms else 0.0
    return share, min(coverage, 1.0), exact, words


def rescore(hits: list[StoredHit], query: ParsedQuery) -> list[StoredHit]:
    """The hits in their final order."""
    if not hits:
        return hits
    top = max(h.score for h in hits) or 1.0
    scored = []
    for position, hit in enumerate(hits):
        share, coverage, exact, words = _title_features(hit, query)
        engine = hit.score / top
        value = 0.8 * engine + 1.0 * share + 0.8 * coverage + 0.4 * words + 3.0 * exact
        value *= hit.boost
        scored.append((-value, position, hit))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [hit for _, _, hit in scored]


def _starts_with(title: str, prefix: str) -> bool:
    """The title, its pinyin or its initials start with what was typed."""
    folded = compact(title)
    if folded.startswith(prefix):
        return True
    if not prefix.isascii():
        return False
    syllables = [s for kind, run in runs(title) for s in (syllables_of(run) if kind == "cjk" else [run])]
    return "".join(syllables).startswith(prefix) or "".join(s[0] for s in syllables).startswith(prefix)


def rank_suggestions(candidates: list[StoredHit], prefix: str) -> list[StoredHit]:
    """Titles that start with the prefix first, then the weightier records, then the shorter titles."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for hit in candidates:
        if (hit.title, hit.subtitle) not in seen:
            seen.add((hit.title, hit.subtitle))
            unique.append(hit)
    return sorted(unique, key=lambda h: (not _starts_with(h.title, prefix), -h.boost, len(h.title), h.title))
