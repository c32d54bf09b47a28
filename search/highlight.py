"""Highlighted snippets, computed in Python from the stored text so every engine shows the same.

The spans come from the parsed query: CJK runs where they occur, words as whole words, pinyin
where the characters' pinyin spells the term (``lpy`` marks 梁平柚), identifiers wherever their
compact form occurs. The output is HTML: the text escaped, matches in ``<mark>``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.html import escape

from .text import CJK_RUN_RE, ParsedQuery, compact, looks_like_code, normalise_with_map, syllables_of

Span = tuple[int, int]


def _cjk_runs(folded: str) -> list[Span]:
    return [(m.start(), m.end()) for m in CJK_RUN_RE.finditer(folded)]


def _pinyin_spans(folded: str, term: str, syllables: bool, initials: bool) -> list[Span]:
    spans = []
    for start, end in _cjk_runs(folded):
        run_syllables = syllables_of(folded[start:end])
        if initials:
            letters = "".join(s[0] for s in run_syllables)
            spans.extend((start + m.start(), start + m.end()) for m in re.finditer(re.escape(term), letters))
        if syllables:
            # the characters i..j whose syllables spell the term: the term found in the run's
            # spelling, starting where a syllable starts and ending where one ends
            starts, offset = {}, 0
            for i, syllable in enumerate(run_syllables):
                starts[offset] = i
                offset += len(syllable)
            starts[offset] = len(run_syllables)
            spelling = "".join(run_syllables)
            found = spelling.find(term)
            while found >= 0:
                first, after = starts.get(found), starts.get(found + len(term))
                if first is not None and after is not None:
                    spans.append((start + first, start + after))
                found = spelling.find(term, found + 1)
    return spans


def _code_spans(folded: str, code: str) -> list[Span]:
    kept = [(i, c) for i, c in enumerate(folded) if c.isalnum()]
    squeezed = "".join(c for _, c in kept)
    return [(kept[m.start()][0], kept[m.end() - 1][0] + 1) for m in re.finditer(re.escape(code), squeezed)]


#: Inside ``spans_memo()``: the spans already found, by text and query (one search's hits are
#: ranked on their titles and then highlighted, so each title is matched more than once).
_MEMO: ContextVar[dict | None] = ContextVar("search_highlight_spans", default=None)


@contextmanager
def spans_memo():
    """Within this block each text's spans for a query are found once (one search call)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def match_spans(text: str, query: ParsedQuery) -> list[Span]:
    """Spans of ``text`` (indices into the original string) that the query matched, merged."""
    if not text or query.is_empty:
        return []
    memo = _MEMO.get()
    if memo is None:
        return _match_spans(text, query)
    key = (text, query)
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(_match_spans(text, query))
    return list(found)


def _match_spans(text: str, query: ParsedQuery) -> list[Span]:
    folded, index = normalise_with_map(text)
    spans: list[Span] = []
    for term in query.terms:
        if term.kind == "cjk":
            spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(term.text), folded))
            continue
        pattern = r"(?<![^\W_])" + re.escape(term.text) + r"(?![^\W_])"
        found = [(m.start(), m.end()) for m in re.finditer(pattern, folded)]
        spans.extend(found)
        if not found and looks_like_code(term.text):
            spans.extend(_code_spans(folded, term.text))
        if term.syllables or term.initials:
            spans.extend(_pinyin_spans(folded, term.text, bool(term.syllables), bool(term.initials)))
    if query.code:
        spans.extend(_code_spans(folded, compact(query.code)))
    # back to the original string's indices, then merge overlapping spans
    mapped = sorted((index[s], index[e - 1] + 1) for s, e in spans if e > s)
    merged: list[Span] = []
    for start, end in mapped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[Span]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text: str, query: ParsedQuery, size: int = 90) -> str:
    """About ``size`` characters of ``text`` around its best match, marked; '' when nothing matched."""
    text = " ".join((text or "").split())
    spans = match_spans(text, query)
    if not spans:
        return ""
    # the window that holds the most matched characters
    best_start, best_score = spans[0][0], -1
    for start, _ in spans:
        score = sum(min(e, start + size) - max(s, start) for s, e in spans if s < start + size and e > start)
        if score > best_score:
            best_start, best_score = start, score
    start = max(0, best_start - size // 4)
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = mark(text[start:end], inside)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def highlight_title(title: str, query: ParsedQuery) -> str:
    return mark(title, match_spans(title, query))


def highlight(title: str, body: str, subtitle: str, query: ParsedQuery) -> str:
    """The snippet a result shows: from the body, else the subtitle, else the title."""
    for text in (body, subtitle):
        found = snippet(text, query)
        if found:
            return found
    return highlight_title(title, query) if match_spans(title, query) else escape(" ".join(body.split())[:90])
