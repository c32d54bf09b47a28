"""The cluster engine: OpenSearch or Elasticsearch over HTTP.

Index settings, mappings, queries and aggregations are written once with elasticsearch-dsl
(``Document``, ``Index``, ``Search``, ``Q``, ``A``). elasticsearch-py 8 refuses to talk to any
server but Elastic's own, so only the bodies are built by elasticsearch-dsl (``to_dict()``) and they
are sent by the client that fits the server: opensearch-py for OpenSearch, the 7.x Elasticsearch
client (``elasticsearch7``) for Elasticsearch 7. Answers are wrapped back in elasticsearch-dsl's
``Response``.

The text arrives pre-analysed (``search.text``): the analysers only split on whitespace and lower
case. ``pinyin`` has an edge-n-gram sub-field (``pinyin.prefix``) for autocomplete, as do the
title words and codes.

Rebuilds create a new index named ``<prefix>-<timestamp>``, fill it, and swap the alias
``<prefix>`` to it in one atomic alias update, so searches never see a half-built index. Single
updates go through the alias.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from elasticsearch_dsl import A, Document, Float, Index, Keyword, Object, Q, Search, Text, analyzer, token_filter
from elasticsearch_dsl.response import Response

from ..documents import FACETS, SearchDoc
from ..ranking import FIELD_WEIGHTS
from ..text import ParsedQuery, Term, looks_like_code
from .base import EngineAnswer, EngineUnavailable, Filters, SearchEngine, StoredHit, batched

tokens = analyzer("lp_tokens", tokenizer="whitespace", filter=["lowercase"])
prefix_ngrams = token_filter("lp_edge_ngram", "edge_ngram", min_gram=1, max_gram=24)
prefixes = analyzer("lp_prefix", tokenizer="whitespace", filter=["lowercase", prefix_ngrams])


def _prefix_subfield() -> dict:
    return {"prefix": Text(analyzer=prefixes, search_analyzer=tokens)}


class SearchRecord(Document):
    """What the cluster stores for one document: shown fields, token streams, facets."""

    doc_type = Keyword()
    object_id = Keyword()
    title = Keyword(index=False, doc_values=False)
    subtitle = Keyword(index=False, doc_values=False)
    url = Keyword(index=False, doc_values=False)
    body = Text(index=False)
    boost = Float()
    exact = Keyword()
    title_words = Text(analyzer=tokens, fields=_prefix_subfield())
    title_chars = Text(analyzer=tokens)
    body_words = Text(analyzer=tokens)
    body_chars = Text(analyzer=tokens)
    pinyin = Text(analyzer=tokens, fields=_prefix_subfield())
    syllables = Text(analyzer=tokens)
    initials = Text(analyzer=tokens)
    codes = Text(analyzer=tokens, fields=_prefix_subfield())
    facets = Object(properties={name: Keyword() for name in FACETS})


def index_definition(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0, refresh_interval="1s")
    index.document(SearchRecord)
    return index


def record_source(doc: SearchDoc) -> dict:
    analysed = doc.analysed
    facets: dict[str, list[str]] = {}
    for name, value in doc.facet_pairs():
        facets.setdefault(name, []).append(value)
    return {
        "doc_type": doc.type,
        "object_id": doc.id,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "url": doc.url,
        "body": doc.body,
        "boost": doc.boost,
        "exact": analysed.exact,
        "title_words": analysed.title_words,
        "title_chars": analysed.title_chars,
        "body_words": analysed.body_words,
        "body_chars": analysed.body_chars,
        "pinyin": analysed.pinyin,
        "syllables": analysed.syllables,
        "initials": analysed.initials,
        "codes": analysed.codes,
        "facets": facets,
    }


# --- queries -----------------------------------------------------------------------------------

#: a title equal to the query (``exact``) comes first, as the embedded engine's query of its own
#: puts it; a suggestion whose title starts with the prefix comes before the others
EXACT_BOOST = 50
SUGGEST_EXACT_BOOST = 20


def boost(stream: str) -> float:
    """The boost of a clause on ``stream``: its weight in ``ranking.FIELD_WEIGHTS``."""
    return FIELD_WEIGHTS[stream].weight


def term_query(term: Term) -> Q:
    if term.kind == "cjk":
        phrase = " ".join(term.chars)
        must = Q(
            "bool",
            should=[
                Q("match_phrase", title_chars={"query": phrase, "boost": boost("title_chars")}),
                Q("match_phrase", body_chars={"query": phrase, "boost": boost("body_chars")}),
            ],
            minimum_should_match=1,
        )
        words = [w for w in term.words if len(w) > 1]
        should = [Q("match", title_words={"query": w, "boost": boost("title_words")}) for w in words]
        should += [Q("match", body_words={"query": w, "boost": boost("body_words")}) for w in words]
        return Q("bool", must=[must], should=should) if should else must
    alternatives = [
        Q("match", title_words={"query": term.text, "boost": boost("title_words")}),
        Q("match", body_words={"query": term.text, "boost": boost("body_words")}),
        Q("match", pinyin={"query": term.text, "boost": boost("pinyin")}),
    ]
    if term.syllables:
        alternatives.append(
            Q("match_phrase", syllables={"query": " ".join(term.syllables), "boost": boost("syllables")})
        )
    if term.initials:
        alternatives.append(Q("match_phrase", initials={"query": " ".join(term.initials), "boost": boost("initials")}))
    if looks_like_code(term.text):
        alternatives.append(Q("prefix", codes={"value": term.text, "boost": boost("codes")}))
    return Q("bool", should=alternatives, minimum_should_match=1)


def query_for(parsed: ParsedQuery) -> Q:
    main = Q("bool", must=[term_query(t) for t in parsed.terms]) if parsed.terms else None
    if parsed.code:
        code = Q("prefix", codes={"value": parsed.code, "boost": boost("codes")})
        main = Q("bool", should=[code, main], minimum_should_match=1) if main else code
    should = [Q("term", exact={"value": parsed.exact, "boost": EXACT_BOOST})] if parsed.exact else []
    return Q(
        "function_score",
        query=Q("bool", must=[main], should=should),
        functions=[{"field_value_factor": {"field": "boost", "missing": 1}}],
        boost_mode="multiply",
    )


def filter_query(filters: Filters, skip: str | None = None) -> Q | None:
    clauses = [Q("terms", **{f"facets.{name}": values}) for name, values in filters.items() if name != skip]
    return Q("bool", filter=clauses) if clauses else None


def suggest_query(parsed: ParsedQuery, prefix: str) -> Q:
    must = []
    last = len(parsed.terms) - 1
    for i, term in enumerate(parsed.terms):
        if term.kind == "cjk":
            must.append(Q("match_phrase", title_chars=" ".join(term.chars)))
        elif i == last:
            must.append(
                Q(
                    "bool",
                    should=[
                        Q("match", **{"title_words.prefix": term.text}),
                        Q("match", **{"pinyin.prefix": term.text}),
                        Q("match", **{"codes.prefix": term.text}),
                    ],
                    minimum_should_match=1,
                )
            )
        else:
            must.append(Q("bool", should=[Q("match", title_words=term.text), Q("match", pinyin=term.text)]))
    return Q("bool", must=must, should=[Q("prefix", exact={"value": prefix, "boost": SUGGEST_EXACT_BOOST})])


# --- the engine --------------------------------------------------------------------------------


def split_url(url: str) -> tuple[str, str]:
    """``opensearch+http://host:9201`` → (``opensearch``, ``http://host:9201``)."""
    parts = urlsplit(url)
    flavour, _, scheme = parts.scheme.partition("+")
    if flavour not in ("opensearch", "elasticsearch") or scheme not in ("http", "https"):
        raise ValueError(f"SEARCH_URL must start with opensearch+http(s):// or elasticsearch+http(s)://, not {url!r}")
    return flavour, urlunsplit((scheme, parts.netloc, parts.path, "", ""))


class ClusterEngine(SearchEngine):
    """One alias on an OpenSearch or Elasticsearch cluster."""

    def __init__(self, url: str, prefix: str = "lp-registry", timeout: float = 5.0):
        self.flavour, self.http_url = split_url(url)
        self.name = self.flavour
        self.alias = prefix
        self.timeout = timeout
        self._client = None

    # --- the client ------------------------------------------------------------------------

    @property
    def client(self):
        if self._client is None:
            if self.flavour == "opensearch":
                from opensearchpy import OpenSearch

                self._client = OpenSearch(self.http_url, timeout=self.timeout, max_retries=0, retry_on_timeout=False)
            else:
                from elasticsearch7 import Elasticsearch

                self._client = Elasticsearch(self.http_url, timeout=self.timeout, max_retries=0, retry_on_timeout=False)
        return self._client

    def _bulk(self, actions: list[dict]) -> tuple[int, list]:
        if self.flavour == "opensearch":
            from opensearchpy.helpers import bulk
        else:
            from elasticsearch7.helpers import bulk
        return bulk(self.client, actions, raise_on_error=False, request_timeout=max(self.timeout, 60))

    def _unreachable_errors(self) -> tuple[type[Exception], ...]:
        if self.flavour == "opensearch":
            from opensearchpy.exceptions import ConnectionError, ConnectionTimeout
        else:
            from elasticsearch7.exceptions import ConnectionError, ConnectionTimeout
        return (ConnectionError, ConnectionTimeout)

    def _call(self, function, *args, **kwargs):
        try:
            with warnings.catch_warnings():
                # elasticsearch7 deprecates body=; the bodies come whole from elasticsearch-dsl
                warnings.filterwarnings("ignore", "The 'body' parameter is deprecated", DeprecationWarning)
                return function(*args, **kwargs)
        except self._unreachable_errors() as exc:
            raise EngineUnavailable(f"{self.flavour} at {self.http_url} is not answering: {exc}") from exc

    def available(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # any failure to answer means "not available"
            return False

    # --- index management ------------------------------------------------------------------

    def _alias_targets(self) -> list[str]:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            return []
        return sorted(self._call(self.client.indices.get_alias, name=self.alias).keys())

    def _create_index(self, name: str) -> None:
        self._call(self.client.indices.create, index=name, body=index_definition(name).to_dict())

    def ensure_index(self) -> None:
        """Create a first versioned index behind the alias when there is none."""
        if self._alias_targets():
            return
        name = self._new_index_name()
        self._create_index(name)
        self._call(self.client.indices.put_alias, index=name, name=self.alias)

    def _new_index_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"

    def _actions(self, docs: Iterable[SearchDoc], index: str) -> list[dict]:
        return [{"_index": index, "_id": doc.key, "_source": record_source(doc)} for doc in docs]

    def index(self, docs: Iterable[SearchDoc]) -> int:
        self.ensure_index()
        written = 0
        for chunk in batched(docs, 500):
            ok, errors = self._call(self._bulk, self._actions(chunk, self.alias))
            if errors:
                raise RuntimeError(f"{len(errors)} documents were refused by {self.flavour}: {errors[:2]}")
            written += ok
        self._call(self.client.indices.refresh, index=self.alias)
        return written

    def delete(self, type: str, id: str) -> None:
        if not self._alias_targets():
            return
        self._call(
            self.client.delete_by_query,
            index=self.alias,
            body={"query": {"ids": {"values": [f"{type}:{id}"]}}},
            refresh=True,
            conflicts="proceed",
        )

    def clear(self) -> None:
        """Drop every index behind the alias (the next write creates a fresh one)."""
        for name in self._alias_targets():
            self._call(self.client.indices.delete, index=name)

    def drop_all(self) -> None:
        """Remove the alias's indices and any left over from interrupted rebuilds."""
        self.clear()
        leftovers = self._call(self.client.indices.get, index=f"{self.alias}-*")
        for name in leftovers:
            self._call(self.client.indices.delete, index=name)

    def rebuild(self, docs: Iterable[SearchDoc], progress=None) -> int:
        """Fill a new versioned index, then point the alias at it in one atomic step."""
        name = self._new_index_name()
        self._create_index(name)
        self._call(self.client.indices.put_settings, index=name, body={"index": {"refresh_interval": "-1"}})
        written = 0
        try:
            for chunk in batched(docs, 500):
                ok, errors = self._call(self._bulk, self._actions(chunk, name))
                if errors:
                    raise RuntimeError(f"{len(errors)} documents were refused by {self.flavour}: {errors[:2]}")
                written += ok
                if progress:
                    progress(written)
            self._call(self.client.indices.put_settings, index=name, body={"index": {"refresh_interval": "1s"}})
            self._call(self.client.indices.refresh, index=name)
        except Exception:
            self._call(self.client.indices.delete, index=name, ignore_unavailable=True)
            raise
        old = self._alias_targets()
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._call(self.client.indices.update_aliases, body={"actions": actions})
        for o in old:
            self._call(self.client.indices.delete, index=o, ignore_unavailable=True)
        return written

    def count(self) -> int:
        if not self._alias_targets():
            return 0
        return int(self._call(self.client.count, index=self.alias)["count"])

    # --- reading -----------------------------------------------------------------------------

    def _run(self, search: Search) -> Response:
        raw = self._call(self.client.search, index=self.alias, body=search.to_dict(), ignore_unavailable=True)
        return Response(search, raw)

    def _search(self, query: ParsedQuery, filters: Filters, offset: int, size: int) -> EngineAnswer:
        search = Search(index=self.alias).query(query_for(query))
        search = search.source(["doc_type", "object_id", "title", "subtitle", "url", "body", "boost"])
        search = search.extra(from_=offset, size=size, track_total_hits=True)
        everything = filter_query(filters)
        if everything is not None:
            search = search.post_filter(everything)
        # each facet is counted under every filter but its own
        for name in FACETS:
            terms = A("terms", field=f"facets.{name}", size=50)
            others = filter_query(filters, skip=name)
            if others is None:
                search.aggs.bucket(f"f_{name}", terms)
            else:
                search.aggs.bucket(f"f_{name}", "filter", filter=others).bucket("values", terms)
        response = self._run(search)
        hits = [
            StoredHit(
                type=h.doc_type,
                id=h.object_id,
                title=h.title,
                url=h.url,
                subtitle=getattr(h, "subtitle", "") or "",
                body=getattr(h, "body", "") or "",
                score=h.meta.score or 0.0,
                boost=getattr(h, "boost", 1.0) or 1.0,
            )
            for h in response
        ]
        facets: dict[str, dict[str, int]] = {}
        aggregations = response.to_dict().get("aggregations", {})  # none when the index is missing
        for name in FACETS:
            agg = aggregations.get(f"f_{name}", {})
            buckets = agg.get("values", agg).get("buckets", [])
            facets[name] = {b["key"]: b["doc_count"] for b in buckets}
        total = response.to_dict().get("hits", {}).get("total", {}).get("value", 0)
        return EngineAnswer(total=total, hits=hits, facets=facets)

    def _suggest(self, query: ParsedQuery, prefix: str, size: int) -> list[StoredHit]:
        search = Search(index=self.alias).query(suggest_query(query, prefix))
        search = search.source(["doc_type", "object_id", "title", "subtitle", "url", "boost"]).extra(size=size)
        response = self._run(search)
        return [
            StoredHit(
                h.doc_type,
                h.object_id,
                h.title,
                h.url,
                getattr(h, "subtitle", "") or "",
                score=h.meta.score or 0.0,
                boost=getattr(h, "boost", 1.0) or 1.0,
            )
            for h in response
        ]
