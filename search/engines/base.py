"""The one interface every search engine implements, and what it returns.

An engine stores ``SearchDoc`` objects and answers parsed queries. Everything that must be the
same whatever the engine — parsing and limits, filters, paging, facet labels, highlighted
snippets — is done here, so engines only match, rank, count and fetch.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from ..documents import FACETS, SearchDoc, facet_labels
from ..highlight import highlight, highlight_title, spans_memo
from ..ranking import RESCORE_WINDOW, rank_suggestions, rescore
from ..text import ParsedQuery, parse_query

MAX_PAGE_SIZE = 50
MAX_PAGE = 100
MAX_FILTER_VALUES = 20
MAX_FACET_VALUES = 30
SUGGEST_CANDIDATES = 50

Filters = dict[str, list[str]]


class EngineUnavailable(RuntimeError):
    """The engine cannot be reached (a cluster that is down); the caller may fall back."""


@dataclass
class StoredHit:
    """What an engine returns for one match: the stored fields and its score."""

    type: str
    id: str
    title: str
    url: str
    subtitle: str = ""
    body: str = ""
    score: float = 0.0
    boost: float = 1.0


@dataclass
class EngineAnswer:
    total: int
    hits: list[StoredHit]
    facets: dict[str, dict[str, int]]
    facets_exact: bool = True
    #: False when ``total`` is a lower bound (an engine stops counting very common matches)
    total_exact: bool = True


@dataclass
class Hit:
    type: str
    id: str
    title: str
    url: str
    subtitle: str
    highlight: str
    title_highlight: str
    score: float

    def as_api(self) -> dict:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "subtitle": self.subtitle,
            "highlight": self.highlight,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    page: int = 1
    size: int = 10
    engine: str = ""
    notice: str = ""
    filters: Filters = field(default_factory=dict)
    facets_exact: bool = True
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, math.ceil(self.total / self.size)) if self.total else 0

    def as_api(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "total_exact": self.total_exact,
            "page": self.page,
            "size": self.size,
            "results": [h.as_api() for h in self.hits],
            "facets": {
                name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "facets_exact": self.facets_exact,
            "engine": self.engine,
            **({"notice": self.notice} if self.notice else {}),
        }


@dataclass
class Suggestion:
    type: str
    title: str
    url: str
    subtitle: str = ""

    def as_api(self) -> dict:
        return {"type": self.type, "title": self.title, "url": self.url, "subtitle": self.subtitle}


def clean_filters(filters: Mapping[str, Iterable[str]] | None) -> Filters:
    """Only known facets, non-empty short string values, at most a few of each."""
    cleaned: Filters = {}
    for name in FACETS:
        values = (filters or {}).get(name) or []
        if isinstance(values, str):
            values = [values]
        printable = ("".join(c for c in str(v) if c.isprintable())[:100] for v in values)
        kept = [v for v in printable if v.strip()][:MAX_FILTER_VALUES]
        if kept:
            cleaned[name] = list(dict.fromkeys(kept))
    return cleaned


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SearchEngine(ABC):
    """Index, delete, search, suggest. ``search`` and ``suggest`` never raise for odd input."""

    name = "engine"

    # --- writing -----------------------------------------------------------------------------

    @abstractmethod
    def index(self, docs: Iterable[SearchDoc]) -> int:
        """Add or replace these documents; returns how many were written."""

    @abstractmethod
    def delete(self, type: str, id: str) -> None:
        """Remove one document (no error if it is not there)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    def rebuild(self, docs: Iterable[SearchDoc], progress=None) -> int:
        """Replace the whole index with ``docs``. Cluster engines build a new index and swap it in."""
        self.clear()
        written = 0
        for chunk in batched(docs, 500):
            written += self.index(chunk)
            if progress:
                progress(written)
        return written

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    def available(self) -> bool:
        return True

    # --- reading -----------------------------------------------------------------------------

    @abstractmethod
    def _search(self, query: ParsedQuery, filters: Filters, offset: int, size: int) -> EngineAnswer:
        """Match, rank, count facets (each counted without its own filter)."""

    @abstractmethod
    def _suggest(self, query: ParsedQuery, prefix: str, size: int) -> list[StoredHit]:
        """Up to ``size`` titles that contain what was typed (the last word as a prefix, also by pinyin)."""

    def search(
        self,
        query: str | ParsedQuery,
        filters: Mapping[str, Iterable[str]] | None = None,
        page: int = 1,
        size: int = 10,
    ) -> SearchResults:
        """Raises ``text.QueryError`` for a query that is too long; anything else gives results."""
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        cleaned = clean_filters(filters)
        size = max(1, min(int(size or 10), MAX_PAGE_SIZE))
        page = max(1, min(int(page or 1), MAX_PAGE))
        if parsed.is_empty:
            return SearchResults(parsed.raw, 0, [], {}, page, size, self.name, filters=cleaned)
        offset = (page - 1) * size
        with spans_memo():  # the titles are matched for the ranking, then again for the highlights
            if offset + size <= RESCORE_WINDOW:
                # the first pages come from the re-scored window of the engine's best matches
                answer = self._search(parsed, cleaned, 0, RESCORE_WINDOW)
                answer.hits = rescore(answer.hits, parsed)[offset : offset + size]
            else:
                answer = self._search(parsed, cleaned, offset, size)
            hits = [
                Hit(
                    type=h.type,
                    id=h.id,
                    title=h.title,
                    url=h.url,
                    subtitle=h.subtitle,
                    highlight=highlight(h.title, h.body, h.subtitle, parsed),
                    title_highlight=highlight_title(h.title, parsed),
                    score=h.score,
                )
                for h in answer.hits
            ]
        return SearchResults(
            query=parsed.raw,
            total=answer.total,
            hits=hits,
            facets=self._label_facets(answer.facets, cleaned),
            page=page,
            size=size,
            engine=self.name,
            filters=cleaned,
            facets_exact=answer.facets_exact,
            total_exact=answer.total_exact,
        )

    def suggest(self, prefix: str, size: int = 8) -> list[Suggestion]:
        parsed = parse_query(prefix)
        if parsed.is_empty:
            return []
        size = max(1, min(int(size or 8), 20))
        candidates = self._suggest(parsed, parsed.exact, SUGGEST_CANDIDATES)
        return [
            Suggestion(h.type, h.title, h.url, h.subtitle) for h in rank_suggestions(candidates, parsed.exact)[:size]
        ]

    @staticmethod
    def _label_facets(counts: dict[str, dict[str, int]], filters: Filters) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            values = counts.get(name) or {}
            selected = set(filters.get(name, []))
            labels = facet_labels(name, values)
            items = [
                FacetValue(value, labels[value], count, value in selected)
                for value, count in values.items()
                if count > 0 or value in selected
            ]
            items.sort(key=lambda v: (-v.count, v.label))
            if items:
                out[name] = items[:MAX_FACET_VALUES]
        return out
