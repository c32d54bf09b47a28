"""The embedded engine: full-text search inside the database, no service to run.

Documents are stored in ``SearchDocument`` (what a result shows) and ``SearchFacet`` (facet
values); the tokens from ``search.text`` go to a full-text table chosen by the database:

- SQLite: the FTS5 table ``search_fts``, ranked with ``bm25()`` and per-column weights;
- PostgreSQL: ``search_pgindex``, a ``tsvector`` built in Python (weights A–D, no parser or
  dictionary in between) with a GIN index, ranked with ``ts_rank``.

A CJK run of the query is a phrase over the per-character tokens, so any substring matches;
the same run's segmented words are OR-ed in only to add rank (``P AND (P OR word…)`` matches
exactly what ``P`` matches, but both built-in rankers score every phrase of the expression), so
whole words rank higher than mere substrings. A title equal to the query comes first.

A query with more than ``RANK_ALL_LIMIT`` matches (a very common character or word such as 合作社
or 鸭 at 100,000 records) is not ranked in full: bm25 costs about a microsecond per match plus a
pass over every match of each phrase, and on PostgreSQL each match of a phrase or of a weighted
lexeme is checked against the row's vector. It ranks at most ``CANDIDATES`` records instead,
first those holding every term as a whole word of the title, over single-token phrases
(``_search_bounded``). Matches are counted up to ``COUNT_LIMIT`` (the total is then a lower
bound, ``total_exact`` false) and facets are counted over the first ``FACET_SCAN_LIMIT`` (scaled).
PostgreSQL lowers these limits (``PostgresDialect.caps``), reads the first matches once for the
count, the ranking and the facets (``PostgresDialect.first_matches``), and finds title candidates
in ``title_tsv``, the title's lexemes without positions, which its GIN index answers without
checking rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction

from ..documents import FACETS, SearchDoc
from ..models import SearchDocument
from ..text import Analysed, ParsedQuery, Term, looks_like_code, pairs, parse_query
from .base import EngineAnswer, Filters, SearchEngine, StoredHit, batched

WORD_COLUMNS = ("title_words", "body_words")
#: facet counts are exact up to this many matches, estimated beyond
FACET_SCAN_LIMIT = 2_000
CHAR_COLUMNS = ("title_chars", "body_chars")
PAIR_COLUMNS = ("title_pairs", "body_pairs")
#: a query matching more than this many records is ranked over a bounded set of candidates
#: (bm25 costs about a microsecond per match, plus a pass over every match of each phrase)
RANK_ALL_LIMIT = 5_000
#: how many candidates a query past ``RANK_ALL_LIMIT`` ranks (whole-word title matches first)
CANDIDATES = 2_000
#: matches are counted up to this many; beyond, the total is this (``total_exact`` false)
COUNT_LIMIT = 10_000
#: autocomplete ranks every match of a prefix up to this many; a shorter, commoner prefix ("梁",
#: "l") is ranked over ``SUGGEST_BOUND`` candidates: the lowest and highest ids (after a rebuild:
#: the GIs, then the standards and pages), so a keystroke never ranks the whole index
SUGGEST_RANK_ALL = 1_000
SUGGEST_BOUND = 400


class SqliteDialect:
    """SQLite FTS5."""

    table = "search_fts"
    columns = (
        "title_words",
        "title_chars",
        "body_words",
        "body_chars",
        "pinyin",
        "syllables",
        "initials",
        "codes",
        "exact",
        "title_pairs",
        "body_pairs",
        "syllable_pairs",
        "initial_pairs",
    )
    # bm25() weights, one per column in table order (boost, UNINDEXED, last)
    weights = (8.0, 4.0, 2.0, 1.0, 6.0, 3.0, 2.0, 12.0, 0.0, 4.0, 1.0, 3.0, 2.0, 0.0)

    # --- writing ---

    def write(self, cursor, rows: list[tuple[int, SearchDoc]]) -> None:
        ids = [doc_id for doc_id, _ in rows]
        self.delete(cursor, ids)
        placeholders = ", ".join(["%s"] * (len(self.columns) + 2))
        cursor.executemany(
            f"INSERT INTO {self.table} (rowid, {', '.join(self.columns)}, boost) VALUES ({placeholders})",  # noqa: S608
            [(doc_id, *(getattr(doc.analysed, c) for c in self.columns), doc.boost) for doc_id, doc in rows],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        for chunk in batched(ids, 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608

    # --- matching ---

    @staticmethod
    def phrase(columns: Iterable[str], tokens: Iterable[str], prefix: bool = False) -> str:
        text = " ".join(tokens).replace('"', '""')
        return "{" + " ".join(columns) + '} : "' + text + '"' + (" *" if prefix else "")

    def sequence(self, single: Iterable[str], paired: Iterable[str], items: tuple[str, ...]) -> str:
        """A phrase over a per-character stream: as pairs when there are two or more items."""
        return self.phrase(paired, pairs(items)) if len(items) > 1 else self.phrase(single, items)

    def term(self, term: Term, ranked: bool = True) -> str:
        if term.kind == "cjk":
            chars = self.sequence(CHAR_COLUMNS, PAIR_COLUMNS, term.chars)
            boosts = [self.phrase(WORD_COLUMNS, [w]) for w in term.words if len(w) > 1] if ranked else []
            return f"({chars} AND ({' OR '.join([chars, *boosts])}))" if boosts else chars
        alternatives = [self.phrase(WORD_COLUMNS, [term.text]), self.phrase(["pinyin"], [term.text])]
        if term.syllables:
            alternatives.append(self.sequence(["syllables"], ["syllable_pairs"], term.syllables))
        if term.initials:
            alternatives.append(self.sequence(["initials"], ["initial_pairs"], term.initials))
        if looks_like_code(term.text):
            alternatives.append(self.phrase(["codes"], [term.text], prefix=True))
        return "(" + " OR ".join(alternatives) + ")"

    def expression(self, query: ParsedQuery, ranked: bool = True) -> str:
        """The MATCH expression; ``ranked=False`` leaves out the parts that only add rank (counting)."""
        expression = " AND ".join(self.term(t, ranked) for t in query.terms)
        if query.code:
            code = self.phrase(["codes"], [query.code], prefix=True)
            expression = f"{code} OR ({expression})" if expression else code
        return expression

    def suggest_expression(self, query: ParsedQuery) -> str:
        parts = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            if term.kind == "cjk":
                parts.append(self.sequence(["title_chars"], ["title_pairs"], term.chars))
            elif i == last:
                parts.append(
                    "("
                    + " OR ".join(
                        self.phrase([c], [term.text], prefix=True) for c in ("title_words", "pinyin", "codes")
                    )
                    + ")"
                )
            else:
                parts.append(f"({self.phrase(['title_words'], [term.text])} OR {self.phrase(['pinyin'], [term.text])})")
        return " AND ".join(parts)

    # --- bounded ranking (queries with very many matches) ---

    #: this dialect can rank a bounded set of candidates (``_search_bounded``)
    bounded = True

    def single_tokens(self, term: Term, title_only: bool) -> str:
        """One term as single-token phrases only, or '' when it has none.

        bm25 makes a pass over every match of each phrase of its expression (for the IDF), which
        is cheap for one token and costly for a phrase whose positions must be checked. These
        are the term as a whole word (or character, or character pair) of the title (and body
        unless ``title_only``), its pinyin as a whole word, or as one or two syllables.
        """
        word_columns = ["title_words"] if title_only else list(WORD_COLUMNS)
        if term.kind == "cjk":
            if len(term.chars) == 1:
                return self.phrase(["title_chars"] if title_only else CHAR_COLUMNS, term.chars)
            if len(term.chars) == 2:
                return self.phrase(["title_pairs"] if title_only else PAIR_COLUMNS, pairs(term.chars))
            words = [w for w in term.words if len(w) > 1]
            return "(" + " AND ".join(self.phrase(word_columns, [w]) for w in words) + ")" if words else ""
        alternatives = [self.phrase(word_columns, [term.text]), self.phrase(["pinyin"], [term.text])]
        if len(term.syllables) == 1:
            alternatives.append(self.phrase(["syllables"], term.syllables))
        elif len(term.syllables) == 2:
            alternatives.append(self.phrase(["syllable_pairs"], pairs(term.syllables)))
        return "(" + " OR ".join(alternatives) + ")"

    def cheap_expression(self, query: ParsedQuery, title_only: bool) -> str:
        """Every term that has single-token phrases, AND-ed; '' when none has."""
        parts = [part for t in query.terms if (part := self.single_tokens(t, title_only))]
        return " AND ".join(parts)

    def title_candidates(self, query: ParsedQuery, title: str) -> tuple[str, list]:
        """SQL selecting the ids of the matches that hold every term as a whole word of the title."""
        return self.ids(f"({self.expression(query, ranked=False)}) AND ({title})")

    def match_ids(self, query: ParsedQuery) -> tuple[str, list]:
        """SQL selecting the ids of every match (``doc_id``), to add filters to."""
        return self.ids(self.expression(query, ranked=False))

    #: candidates are matches as found (PostgreSQL: they are checked when they are ranked)
    verifies_candidates = False

    def rank_ids(self, expression: str, ids: list[int], verify: str = "") -> tuple[str, list]:
        """SQL selecting (doc_id, score) of the matches of ``expression`` in the id range of ``ids``."""
        ranked_sql, ranked_params = self.ranked(expression)
        return f"{ranked_sql} AND rowid BETWEEN %s AND %s", [*ranked_params, min(ids), max(ids)]

    @staticmethod
    def reading(connection, using: str):
        """The cursor for the queries of one search."""
        return connection.cursor()

    id_column = "rowid"
    join = "CROSS JOIN"
    #: caps below the module's limits (none: SQLite uses them as they are)
    caps: dict[str, int] = {}

    def ids(self, expression: str) -> tuple[str, list]:
        """SQL selecting the ids of the matching rows (``doc_id``)."""
        return f"SELECT rowid AS doc_id FROM {self.table} WHERE {self.table} MATCH %s", [expression]  # noqa: S608

    def ranked(self, expression: str) -> tuple[str, list]:
        """SQL selecting (doc_id, score) of the matching rows, best first (add filters, then LIMIT)."""
        weights = ", ".join(str(w) for w in self.weights)
        return (
            f"SELECT rowid AS doc_id, -bm25({self.table}, {weights}) AS score "  # noqa: S608
            f"FROM {self.table} WHERE {self.table} MATCH %s",
            [expression],
        )

    def exact(self, token: str) -> tuple[str, list]:
        return self.ids("{exact} : " + '"' + token.replace('"', '""') + '"')

    def with_exact(self, expression: str) -> tuple[str, list]:
        """SQL selecting (doc_id, score, exact) for suggestions."""
        weights = ", ".join(str(w) for w in self.weights)
        return (
            f"SELECT rowid AS doc_id, -bm25({self.table}, {weights}) AS score, exact "  # noqa: S608
            f"FROM {self.table} WHERE {self.table} MATCH %s",
            [expression],
        )


class PostgresDialect:
    """PostgreSQL tsvector + GIN. Tokens go in as they are (``::tsvector``), weights by stream."""

    table = "search_pgindex"
    # weight letter → the token streams it holds; positions jump between streams (no false phrases)
    sections = (
        ("A", ("title_words", "pinyin", "codes")),
        ("B", ("title_chars", "title_pairs")),
        ("C", ("syllables", "initials", "syllable_pairs", "initial_pairs")),
        ("D", ("body_words", "body_chars", "body_pairs")),
    )
    # ts_rank weights are {D, C, B, A}: the title streams (A, B, C) ranked without length
    # normalisation (titles are short), the body (D) normalised by its length, then summed
    rank = "(ts_rank('{0, 0.4, 0.5, 1.0}', tsv, q, 0) + ts_rank('{0.2, 0, 0, 0}', tsv, q, 1))"

    # --- writing ---

    @classmethod
    def tsvector(cls, analysed: Analysed) -> str:
        positions: dict[str, list[str]] = {}
        position = 1
        for weight, streams in cls.sections:
            for stream in streams:
                for token in getattr(analysed, stream).split():
                    if position > 16383:
                        break
                    token = token.replace("'", "").replace("\\", "")
                    if token:
                        positions.setdefault(token, []).append(f"{position}{weight}")
                    position += 1
                position += 10
        return " ".join(f"'{token}':{','.join(found[:255])}" for token, found in positions.items())

    #: the streams of ``title_tsv`` (weights A–C of ``tsv``), kept without positions or weights
    title_streams = tuple(stream for weight, streams in sections if weight != "D" for stream in streams)
    #: the per-character pinyin streams, where a phrase of pairs may also be a chain (``chains``)
    chain_streams = ("syllables", "initials", "syllable_pairs", "initial_pairs")

    @staticmethod
    def chains(tokens: list[str]) -> list[str]:
        """``~abc`` for each two-letter token followed by one that continues it (``ab`` ``bc``).

        A phrase of initials (``l p y`` → ``'lp' <-> 'py'``) matches only where such a chain is;
        its pairs alone are in nearly every title, so ``title_tsv @@ '~lpy'`` narrows the rows
        the phrase is checked on. ``~`` is never in a token, so a chain is never taken for one.
        """
        return [
            f"~{a}{b[1]}" for a, b in zip(tokens, tokens[1:], strict=False) if len(a) == len(b) == 2 and a[1] == b[0]
        ]

    @classmethod
    def title_lexemes(cls, analysed: Analysed) -> str:
        """``title_tsv``: the title's tokens (any stream) and chains, without positions or weights."""
        found: dict[str, None] = {}
        for stream in cls.title_streams:
            tokens = [t.replace("'", "").replace("\\", "") for t in getattr(analysed, stream).split()]
            found.update(dict.fromkeys(t for t in tokens if t))
            if stream in cls.chain_streams:
                found.update(dict.fromkeys(cls.chains([t for t in tokens if t])))
        return " ".join(f"'{token}'" for token in found)

    def write(self, cursor, rows: list[tuple[int, SearchDoc]]) -> None:
        cursor.executemany(
            f"INSERT INTO {self.table} (document_id, tsv, title_tsv, exact, boost) "  # noqa: S608
            "VALUES (%s, %s::tsvector, %s::tsvector, %s, %s) "
            "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv, title_tsv = EXCLUDED.title_tsv, "
            "exact = EXCLUDED.exact, boost = EXCLUDED.boost",
            [
                (doc_id, self.tsvector(doc.analysed), self.title_lexemes(doc.analysed), doc.analysed.exact, doc.boost)
                for doc_id, doc in rows
            ],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        cursor.execute(f"DELETE FROM {self.table} WHERE document_id = ANY(%s)", [list(ids)])  # noqa: S608

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608

    # --- matching ---

    @staticmethod
    def lexeme(token: str, weights: str, prefix: bool = False) -> str:
        token = token.replace("'", "").replace("\\", "")
        return f"'{token}':{'*' if prefix else ''}{weights}"

    def phrase(self, tokens: Iterable[str], weights: str) -> str:
        return "(" + " <-> ".join(self.lexeme(t, weights) for t in tokens) + ")"

    def sequence(self, items: tuple[str, ...], weights: str) -> str:
        """A phrase over a per-character stream: as pairs when there are two or more items."""
        return self.phrase(pairs(items) if len(items) > 1 else items, weights)

    def term(self, term: Term, ranked: bool = True) -> str:
        if term.kind == "cjk":
            chars = self.sequence(term.chars, "BD")
            boosts = [self.lexeme(w, "AD") for w in term.words if len(w) > 1] if ranked else []
            return f"({chars} & ({' | '.join([chars, *boosts])}))" if boosts else chars
        alternatives = [self.lexeme(term.text, "AD")]
        if term.syllables:
            alternatives.append(self.sequence(term.syllables, "C"))
        if term.initials:
            alternatives.append(self.sequence(term.initials, "C"))
        if looks_like_code(term.text):
            alternatives.append(self.lexeme(term.text, "A", prefix=True))
        return "(" + " | ".join(alternatives) + ")"

    def expression(self, query: ParsedQuery, ranked: bool = True) -> str:
        """The tsquery; ``ranked=False`` leaves out the parts that only add rank (counting)."""
        expression = " & ".join(self.term(t, ranked) for t in query.terms)
        if query.code:
            code = self.lexeme(query.code, "A", prefix=True)
            expression = f"{code} | ({expression})" if expression else code
        return expression

    def suggest_expression(self, query: ParsedQuery) -> str:
        parts = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            if term.kind == "cjk":
                parts.append(self.sequence(term.chars, "B"))
            else:
                parts.append(self.lexeme(term.text, "A", prefix=i == last))
        return " & ".join(parts)

    # --- bounded ranking (queries with very many matches) ---

    bounded = True
    #: A match with a weight restriction or a phrase is checked against the row's vector (about
    #: 3 KB, kept in the row by migration 0004: about 1 µs a row, 3.5 µs from TOAST storage), where
    #: SQLite reads positions from its index. Ranking, counting and facet counting therefore stop
    #: sooner than on SQLite (``EmbeddedEngine._limit``): "more than 1,000 results".
    caps = {"RANK_ALL_LIMIT": 1_000, "CANDIDATES": 300, "COUNT_LIMIT": 1_000, "FACET_SCAN_LIMIT": 500}
    #: title candidates come from ``title_tsv`` (no weights, no phrases: a superset), so each is
    #: checked against the whole query when it is ranked
    verifies_candidates = True

    def single_tokens(self, term: Term, title_only: bool) -> str:
        """One term as single lexemes (no phrase), or '' when it has none (see ``SqliteDialect``)."""
        words = "A" if title_only else "AD"
        if term.kind == "cjk":
            chars = "B" if title_only else "BD"
            if len(term.chars) == 1:
                return self.lexeme(term.chars[0], chars)
            if len(term.chars) == 2:
                return self.lexeme(pairs(term.chars)[0], chars)
            found = [w for w in term.words if len(w) > 1]
            return "(" + " & ".join(self.lexeme(w, words) for w in found) + ")" if found else ""
        alternatives = [self.lexeme(term.text, words)]  # A holds the title's pinyin too
        if len(term.syllables) == 1:
            alternatives.append(self.lexeme(term.syllables[0], "C"))
        elif len(term.syllables) == 2:
            alternatives.append(self.lexeme(pairs(term.syllables)[0], "C"))
        return "(" + " | ".join(alternatives) + ")"

    def cheap_expression(self, query: ParsedQuery, title_only: bool) -> str:
        parts = [part for t in query.terms if (part := self.single_tokens(t, title_only))]
        return " & ".join(parts)

    @staticmethod
    def plain(tokens: Iterable[str], joiner: str = " & ") -> str:
        """Lexemes without weights or positions: what a GIN index answers without checking rows."""
        return "(" + joiner.join("'" + t.replace("'", "").replace("\\", "") + "'" for t in tokens) + ")"

    def title_candidates(self, query: ParsedQuery, title: str) -> tuple[str, list]:
        """Rows whose title holds every term of ``title`` (``single_tokens``), from ``title_tsv``.

        The test has no weights and no phrases, so the GIN index (or a scan by id that stops
        early) answers it without reading ``tsv``; it is looser than the SQLite candidates'
        ``(match) AND (title)``, which ``rank_ids(verify=…)`` then checks on each candidate.
        """
        parts = []
        for term in query.terms:
            if term.kind == "cjk":
                # its whole words when it has some (each lexeme AND-ed makes the planner's estimate
                # smaller, and a scan in id order that would stop early look dear), else its pairs
                words = [w for w in term.words if len(w) > 1] if len(term.chars) > 2 else []
                parts.append(self.plain(words or pairs(term.chars) or term.chars))
                continue
            alternatives = [term.text]
            if len(term.syllables) == 1:
                alternatives.append(term.syllables[0])
            elif len(term.syllables) == 2:
                alternatives.append(pairs(term.syllables)[0])
            parts.append(self.plain(alternatives, " | "))
        return (
            f"SELECT document_id AS doc_id FROM {self.table} WHERE title_tsv @@ CAST(%s AS tsquery)",  # noqa: S608
            [" & ".join(parts)],
        )

    def match_ids(self, query: ParsedQuery) -> tuple[str, list]:
        """The matches; a phrase of three or more initials is first narrowed by its chains.

        ``'zy' <-> 'yz'`` alone makes the GIN index return every row holding both pairs (18,000
        of 100,000) for the phrase to be checked on each; rows holding the chain ``~zyz`` in
        ``title_tsv`` (or the word itself in ``tsv``) are the only ones that can match.
        """
        ids_sql, ids_params = self.ids(self.expression(query, ranked=False))
        if query.code:
            return ids_sql, ids_params
        narrowed, narrowed_params = [], []
        for term in query.terms:
            # only letters that are not pinyin (``lpy``): a pinyin word is found by its common
            # syllables too, so the chains would narrow nothing, and its phrase is checked twice
            chains = self.chains(pairs(term.initials)) if term.kind != "cjk" and not term.syllables else []
            if not chains or looks_like_code(term.text):  # a code also matches as a prefix: not narrowed
                continue
            # every alternative of the term: the word, its syllables, or the chains of its initials
            anywhere = [term.text, *(pairs(term.syllables) or term.syllables)]
            narrowed.append("(tsv @@ CAST(%s AS tsquery) OR title_tsv @@ CAST(%s AS tsquery))")
            narrowed_params += [self.plain(anywhere, " | "), self.plain(chains)]
        if not narrowed:
            return ids_sql, ids_params
        return f"{ids_sql} AND {' AND '.join(narrowed)}", [*ids_params, *narrowed_params]

    #: a query the planner expects in at least this share of the rows is first tried in id order
    probe_share = 0.01
    #: ... and read on in id order if at least this share of the rows tried match
    dense_share = 0.2

    def first_matches(self, cursor, ids: tuple[str, list], where: str, where_params: list, limit: int) -> list[int]:
        """The ids of up to ``limit`` matches, with as few rows checked as the match allows.

        Through the GIN index, the bitmap of every candidate is built before the first row is
        read: some 10 ms for the 73,000 rows holding 合作 and 作社, then each row is checked. A
        query found in a large share of the rows is cheaper read in id order, stopping at
        ``limit`` matches: first a probe of ``2 × limit`` rows, then, if at least
        ``dense_share`` of them match, enough rows for the rest. A query the planner expects in
        fewer rows goes through the index, as does one whose probe finds too few; a query with a
        phrase is probed from ``probe_share`` up, since phrases are where the estimate is low. (The planner cannot be left to choose with ``ORDER
        BY``: it takes phrases for far rarer than they are, ``专业合作社`` for 6 % of the rows
        instead of 33 %, and then checks every match to sort them.)
        """
        ids_sql, ids_params = ids
        expected = self.estimate(cursor, f"{ids_sql}{where}", [*ids_params, *where_params])
        # the planner's size of the table (its statistics scaled to the table's pages: sound
        # even before the first ANALYZE of a new index)
        share = expected / max(self.estimate(cursor, f"SELECT document_id FROM {self.table}", []), 1.0)  # noqa: S608
        # without a phrase the estimate is sound (the lexemes' frequencies): no probe needed to trust it
        phrased = any("<->" in str(p) for p in ids_params)
        if share >= self.dense_share or (phrased and share >= self.probe_share):
            found: list[int] = []
            probe = 2 * limit
            for skip, rows in ((0, probe), (probe, None)):
                if rows is None:  # read on only if the probe found the query in enough rows
                    if len(found) < self.dense_share * probe:
                        break
                    rows = int(1.5 * (limit - len(found)) * probe / len(found)) + 1
                source = (
                    f"(SELECT document_id, tsv, title_tsv FROM {self.table} "  # noqa: S608
                    "ORDER BY document_id OFFSET %s LIMIT %s) AS w"
                )
                cursor.execute(
                    f"{ids_sql.replace(f'FROM {self.table} WHERE', f'FROM {source} WHERE', 1)}{where} LIMIT %s",
                    [skip, rows, *ids_params, *where_params, limit - len(found)],
                )
                found += [doc_id for (doc_id,) in cursor.fetchall()]
                if len(found) >= limit:
                    return found
        cursor.execute(f"{ids_sql}{where} LIMIT %s", [*ids_params, *where_params, limit])
        return [doc_id for (doc_id,) in cursor.fetchall()]

    @staticmethod
    def estimate(cursor, sql: str, params: list) -> float:
        """How many rows the planner expects ``sql`` to return."""
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]

    def rank_ids(self, expression: str, ids: list[int], verify: str = "") -> tuple[str, list]:
        """SQL selecting (doc_id, score) of ``ids`` by primary key (those matching ``verify`` if given)."""
        # ``tsv || ''`` reads the vector once for the check and both ts_rank calls (one that is
        # too large for the row is in TOAST storage); OFFSET 0 keeps the subquery as it is
        check, params = (" AND tsv @@ CAST(%s AS tsquery)", [verify]) if verify else ("", [])
        rank = self.rank.replace("tsv", "v.tsv")
        return (
            f"SELECT v.doc_id, {rank} AS score FROM ("  # noqa: S608
            f"SELECT document_id AS doc_id, tsv || ''::tsvector AS tsv FROM {self.table} "
            f"WHERE document_id = ANY(%s) OFFSET 0) AS v, CAST(%s AS tsquery) AS q WHERE TRUE{check.replace('tsv', 'v.tsv')}",
            [list(ids), expression, *params],
        )

    @contextmanager
    def reading(self, connection, using: str):
        """The queries of one search, with sequential scans off.

        The planner prices ``tsv @@ q`` on a row as one operator call, not as a read and a check
        of a 3 KB vector, so for a common term with ``LIMIT`` it picks a sequential scan that
        checks every row it passes (30 ms for the first 1,000 of 16,000 matches of 柚) instead of
        the GIN index, which hands over only candidates (a third of the time), or none to check
        at all for ``title_tsv``. Scans in id order (``first_matches``, title candidates) use the
        primary key either way. The setting is local to the transaction and put back afterwards,
        for a caller that is inside one already.
        """
        nested = connection.in_atomic_block
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            before = cursor.fetchone()[0]
            yield cursor
            if nested:  # otherwise the transaction ends here, and the setting with it
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])

    id_column = "document_id"
    join = "JOIN"

    def ids(self, expression: str) -> tuple[str, list]:
        return (
            f"SELECT document_id AS doc_id FROM {self.table} WHERE tsv @@ CAST(%s AS tsquery)",  # noqa: S608
            [expression],
        )

    def ranked(self, expression: str) -> tuple[str, list]:
        return (
            f"SELECT document_id AS doc_id, {self.rank} AS score "  # noqa: S608
            f"FROM {self.table}, CAST(%s AS tsquery) AS q WHERE tsv @@ q",
            [expression],
        )

    def exact(self, token: str) -> tuple[str, list]:
        return f"SELECT document_id AS doc_id FROM {self.table} WHERE exact = %s", [token]  # noqa: S608

    def with_exact(self, expression: str) -> tuple[str, list]:
        return (
            f"SELECT document_id AS doc_id, {self.rank} AS score, exact "  # noqa: S608
            f"FROM {self.table}, CAST(%s AS tsquery) AS q WHERE tsv @@ q",
            [expression],
        )


DIALECTS = {"sqlite": SqliteDialect, "postgresql": PostgresDialect}


class EmbeddedEngine(SearchEngine):
    """Search inside the database the site already uses."""

    name = "embedded"

    def __init__(self, using: str = "default"):
        from django.db import connections

        self.using = using
        self.connection = connections[using] if using != "default" else connection
        vendor = self.connection.vendor
        if vendor not in DIALECTS:
            raise RuntimeError(f"The embedded search engine needs SQLite or PostgreSQL, not {vendor}.")
        self.dialect = DIALECTS[vendor]()
        self.name = f"embedded-{vendor}"

    # --- writing -------------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDoc]) -> int:
        written = 0
        for chunk in batched(docs, 500):
            with transaction.atomic(using=self.using):
                written += self._write(chunk)
        return written

    def _write(self, docs: list[SearchDoc]) -> int:
        # the last version of a document wins when a batch holds it twice
        unique = list({doc.key: doc for doc in docs}.values())
        rows = [
            SearchDocument(
                doc_type=d.type,
                object_id=d.id,
                title=d.title[:255],
                subtitle=d.subtitle[:255],
                url=d.url[:500],
                body=d.body,
                boost=d.boost,
            )
            for d in unique
        ]
        manager = SearchDocument.objects.using(self.using)
        manager.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["doc_type", "object_id"],
            update_fields=["title", "subtitle", "url", "body", "boost", "indexed_at"],
        )
        ids: dict[tuple[str, str], int] = {}
        for doc_type in {d.type for d in unique}:
            wanted = [d.id for d in unique if d.type == doc_type]
            for chunk in batched(wanted, 500):
                for pk, object_id in manager.filter(doc_type=doc_type, object_id__in=chunk).values_list(
                    "pk", "object_id"
                ):
                    ids[(doc_type, object_id)] = pk
        pairs = [(ids[(d.type, d.id)], d) for d in unique]
        with self.connection.cursor() as cursor:
            doc_ids = [pk for pk, _ in pairs]
            for chunk in batched(doc_ids, 500):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_searchfacet WHERE document_id IN ({marks})", chunk)  # noqa: S608
            cursor.executemany(
                "INSERT INTO search_searchfacet (document_id, name, value) VALUES (%s, %s, %s)",
                [(pk, name, value[:150]) for pk, doc in pairs for name, value in doc.facet_pairs()],
            )
            self.dialect.write(cursor, pairs)
        return len(pairs)

    def rebuild(self, docs: Iterable[SearchDoc], progress=None) -> int:
        """Clear and refill in one transaction: searches see the old index until the new one commits."""
        with transaction.atomic(using=self.using):
            return super().rebuild(docs, progress)

    def delete(self, type: str, id: str) -> None:
        with transaction.atomic(using=self.using):
            ids = list(
                SearchDocument.objects.using(self.using)
                .filter(doc_type=type, object_id=str(id))
                .values_list("pk", flat=True)
            )
            if ids:
                with self.connection.cursor() as cursor:
                    self.dialect.delete(cursor, ids)
                SearchDocument.objects.using(self.using).filter(pk__in=ids).delete()

    def clear(self) -> None:
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            self.dialect.clear(cursor)
            cursor.execute("DELETE FROM search_searchfacet")
            cursor.execute("DELETE FROM search_searchdocument")

    def count(self) -> int:
        return SearchDocument.objects.using(self.using).count()

    # --- reading -------------------------------------------------------------------------------

    def _filter_sql(self, filters: Filters, skip: str | None = None) -> tuple[str, list]:
        """`` AND <id> IN (…)`` for each facet filter (values of one facet are OR-ed)."""
        sql, params = [], []
        for name, values in filters.items():
            if name == skip:
                continue
            marks = ", ".join(["%s"] * len(values))
            column = self.dialect.id_column
            subquery = f"SELECT document_id FROM search_searchfacet WHERE name = %s AND value IN ({marks})"  # noqa: S608
            sql.append(f" AND {column} IN ({subquery})")
            params.extend([name, *values])
        return "".join(sql), params

    def _limit(self, name: str) -> int:
        """A module limit (``RANK_ALL_LIMIT``, ``CANDIDATES``, …), lowered to the dialect's cap if it has one."""
        value = globals()[name]
        return min(value, self.dialect.caps.get(name, value))

    def _search(self, query: ParsedQuery, filters: Filters, offset: int, size: int) -> EngineAnswer:
        expression = self.dialect.expression(query)
        where, where_params = self._filter_sql(filters)
        ranked_sql, ranked_params = self.dialect.ranked(expression)
        ids_sql, ids_params = self.dialect.match_ids(query)
        rank_all_limit, count_limit = self._limit("RANK_ALL_LIMIT"), self._limit("COUNT_LIMIT")
        with self.dialect.reading(self.connection, self.using) as cursor:
            ranked, counted, first = None, None, None
            if self.dialect.bounded and self.dialect.caps:
                # the first matches, once: how many there are (up to the limits), the rows to rank
                # when they are few, the facet sample (each match costs a read of its vector here)
                first = self.dialect.first_matches(
                    cursor, (ids_sql, ids_params), where, where_params, max(rank_all_limit, count_limit) + 1
                )
                counted = len(first)
                if counted > rank_all_limit:
                    ranked = self._search_bounded(cursor, query, where, where_params, offset, size, first)
                elif first:
                    cursor.execute(*self.dialect.rank_ids(expression, first))
                    ranked = sorted(cursor.fetchall(), key=lambda p: (-p[1], p[0]))[offset : offset + size]
                else:
                    ranked = []
            elif self.dialect.bounded:
                # how many match, up to the point where ranking them all costs too much
                cursor.execute(
                    f"SELECT count(*) FROM ({ids_sql}{where} LIMIT %s) AS m",  # noqa: S608
                    [*ids_params, *where_params, rank_all_limit + 1],
                )
                counted = cursor.fetchone()[0]
                if counted > rank_all_limit:
                    ranked, counted = self._search_bounded(cursor, query, where, where_params, offset, size), None
            if ranked is None:
                # the engine's best matches
                cursor.execute(
                    f"{ranked_sql}{where} ORDER BY score DESC, doc_id LIMIT %s OFFSET %s",
                    [*ranked_params, *where_params, size, offset],
                )
                ranked = cursor.fetchall()
            # records whose whole title is the query join the first page
            if offset == 0 and query.exact:
                exact_sql, exact_params = self.dialect.exact(query.exact)
                cursor.execute(f"{exact_sql}{where} LIMIT 10", [*exact_params, *where_params])
                top = max((score for _, score in ranked), default=1.0)
                known = {doc_id for doc_id, _ in ranked}
                ranked += [(doc_id, top) for (doc_id,) in cursor.fetchall() if doc_id not in known]
            if counted is not None:
                total = max(counted, offset + len(ranked))
            elif len(ranked) < size and (ranked or offset == 0):
                total = offset + len(ranked)
            else:
                total = self._count(cursor, ids_sql, ids_params, where, where_params)
            total_exact = not (self.dialect.bounded and total > count_limit)
            total = min(total, count_limit) if not total_exact else total
            facets, exact = self._facets(cursor, ids_sql, ids_params, filters, total, first) if total else ({}, True)
        stored = SearchDocument.objects.using(self.using).in_bulk([doc_id for doc_id, _ in ranked])
        hits = [
            StoredHit(
                type=d.doc_type,
                id=d.object_id,
                title=d.title,
                url=d.url,
                subtitle=d.subtitle,
                body=d.body,
                score=abs(score or 0.0),
                boost=d.boost,
            )
            for doc_id, score in ranked
            if (d := stored.get(doc_id))
        ]
        return EngineAnswer(total=total, hits=hits, facets=facets, facets_exact=exact, total_exact=total_exact)

    def _count(self, cursor, ids_sql: str, ids_params: list, where: str, where_params: list) -> int:
        """How many match; with bounded ranking only up to ``COUNT_LIMIT`` + 1 (counting 70,000 phrase matches
        costs ~7 ms on SQLite, ~250 ms on PostgreSQL)."""
        if self.dialect.bounded:
            cursor.execute(
                f"SELECT count(*) FROM ({ids_sql}{where} LIMIT %s) AS m",  # noqa: S608
                [*ids_params, *where_params, self._limit("COUNT_LIMIT") + 1],
            )
        else:
            cursor.execute(f"SELECT count(*) FROM ({ids_sql}{where}) AS m", [*ids_params, *where_params])  # noqa: S608
        return cursor.fetchone()[0]

    def _search_bounded(
        self,
        cursor,
        query: ParsedQuery,
        where: str,
        where_params: list,
        offset: int,
        size: int,
        first: list[int] | None = None,
    ) -> list[tuple[int, float]]:
        """(doc_id, score) of a query with very many matches, ranked over a bounded set of candidates.

        Candidates are first the records that hold every term as a whole word of the title (or
        its pinyin), then, when those do not fill the page, the other matches; at most
        ``CANDIDATES`` of each (half the first by id, half the last: the oldest and the newest,
        which after a rebuild are the GIs and the standards and pages, the bulk of producers in
        between), each set ranked over single-token phrases only (see
        ``SqliteDialect.single_tokens``). Records that match only in the body never rank above
        a title match.

        PostgreSQL finds the title candidates in ``title_tsv`` and checks each against the query
        as it ranks it (ts_rank); its other candidates are ``first``, the matches the search has
        already read (index order, mostly the lowest ids), since finding the highest would mean
        checking every match.
        """
        dialect = self.dialect
        unranked = dialect.expression(query, ranked=False)
        wanted = offset + size
        limit = max(self._limit("CANDIDATES"), wanted)
        ordered: list[tuple[int, float]] = []
        title = dialect.cheap_expression(query, title_only=True)
        if title:
            verify = f"({unranked}) & ({title})" if dialect.verifies_candidates else ""
            runs = self._candidates(cursor, dialect.title_candidates(query, title), where, where_params, limit, set())
            ordered += self._rank_candidates(cursor, title, runs, verify)
        if len(ordered) < wanted:
            seen = {doc_id for doc_id, _ in ordered}
            if first is not None:
                runs = [[doc_id for doc_id in first if doc_id not in seen][:limit]]
            else:
                runs = self._candidates(cursor, dialect.ids(unranked), where, where_params, limit, seen)
            ordered += self._rank_candidates(cursor, dialect.cheap_expression(query, title_only=False), runs)
        return ordered[offset:wanted]

    def _candidates(
        self, cursor, ids: tuple[str, list], where: str, where_params: list, limit: int, skip: set[int]
    ) -> list[list[int]]:
        """Up to ``limit`` ids that match and are not in ``skip``: the lowest half and the highest half."""
        ids_sql, ids_params = ids
        half = (limit + 1) // 2
        runs: list[list[int]] = []
        for direction in ("ASC", "DESC"):
            cursor.execute(
                f"{ids_sql}{where} ORDER BY doc_id {direction} LIMIT %s",
                [*ids_params, *where_params, half + len(skip)],
            )
            taken = skip.union(*runs)
            runs.append([doc_id for (doc_id,) in cursor.fetchall() if doc_id not in taken][:half])
        return runs

    def _rank_candidates(
        self, cursor, expression: str, runs: list[list[int]], verify: str = ""
    ) -> list[tuple[int, float]]:
        """The ids of ``runs`` best first by the engine's rank over ``expression``, each run scored on its own.

        With ``verify`` (PostgreSQL), only the candidates that match it are kept.
        """
        scores: dict[int, float] = {}
        for ids in runs:
            if ids and (expression or verify):
                cursor.execute(*self.dialect.rank_ids(expression or verify, ids, verify))
                scores.update(cursor.fetchall())
        candidates = [doc_id for ids in runs for doc_id in ids if not verify or doc_id in scores]
        return sorted(((doc_id, scores.get(doc_id, 0.0)) for doc_id in candidates), key=lambda p: (-p[1], p[0]))

    def _first_suggestions_for(self, prefix: str, limit: int = 1_000_000) -> list[int]:
        """The ids matching ``prefix`` as autocomplete reads them (tests, benchmarks)."""
        expression = self.dialect.suggest_expression(parse_query(prefix))
        with self.dialect.reading(self.connection, self.using) as cursor:
            return self._first_suggestions(cursor, self.dialect.ids(expression), limit)

    def _first_suggestions(self, cursor, ids: tuple[str, list], limit: int) -> list[int]:
        """Up to ``limit`` ids matching a prefix, reading as few rows as the dialect allows."""
        if hasattr(self.dialect, "first_matches"):
            return self.dialect.first_matches(cursor, ids, "", [], limit)
        ids_sql, ids_params = ids
        cursor.execute(f"{ids_sql} LIMIT %s", [*ids_params, limit])
        return [doc_id for (doc_id,) in cursor.fetchall()]

    def _facets(
        self, cursor, ids_sql: str, ids_params: list, filters: Filters, total: int, first: list[int] | None = None
    ) -> tuple[dict[str, dict[str, int]], bool]:
        """Counts per facet value; a facet with a filter is counted without its own filter.

        Past ``FACET_SCAN_LIMIT`` matches the counts are estimated from the first ones (scaled to
        the total), because counting every match of a very common character costs more than it
        tells; the second value says whether the counts are exact. ``first``: the first matches
        with every filter, when the search has them already (PostgreSQL), so they are not
        matched again.
        """
        scan_limit = self._limit("FACET_SCAN_LIMIT")
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        exact = True
        groups: list[tuple[list[str], str | None]] = [([n for n in FACETS if n not in filters], None)]
        groups += [([name], name) for name in filters]
        for names, skip in groups:
            if not names:
                continue
            where, where_params = self._filter_sql(filters, skip=skip)
            if skip is None:
                group_total = total
            else:
                group_total = self._count(cursor, ids_sql, ids_params, where, where_params)
                group_total = min(group_total, self._limit("COUNT_LIMIT")) if self.dialect.bounded else group_total
            scale = 1.0
            if group_total > scan_limit:
                scale, exact = group_total / scan_limit, False
            marks = ", ".join(["%s"] * len(names))
            if skip is None and first is not None:
                cursor.execute(
                    "SELECT name, value, count(*) FROM search_searchfacet "  # noqa: S608
                    f"WHERE document_id = ANY(%s) AND name IN ({marks}) GROUP BY name, value",
                    [first[:scan_limit], *names],
                )
            else:
                # matches first, then their facet rows by document (SQLite: CROSS JOIN fixes that order)
                cursor.execute(
                    f"SELECT f.name, f.value, count(*) FROM ({ids_sql}{where} LIMIT %s) AS m "  # noqa: S608
                    f"{self.dialect.join} search_searchfacet AS f ON f.document_id = m.doc_id "
                    f"WHERE f.name IN ({marks}) GROUP BY f.name, f.value",
                    [*ids_params, *where_params, scan_limit, *names],
                )
            for name, value, count in cursor.fetchall():
                counts[name][value] = max(1, round(count * scale))
        return counts, exact

    def _suggest(self, query: ParsedQuery, prefix: str, size: int) -> list[StoredHit]:
        expression = self.dialect.suggest_expression(query)
        if not expression:
            return []
        ids = self.dialect.ids(expression)
        matched_sql, matched_params = self.dialect.with_exact(expression)
        column = self.dialect.id_column
        with self.dialect.reading(self.connection, self.using) as cursor:
            first = self._first_suggestions(cursor, ids, SUGGEST_RANK_ALL + 1)
            if len(first) <= SUGGEST_RANK_ALL:  # few enough: rank them all
                cursor.execute(
                    f"SELECT m.doc_id FROM ({matched_sql}) AS m "  # noqa: S608
                    "ORDER BY (substr(m.exact, 1, %s) = %s) DESC, m.score DESC, "
                    "length(m.exact), m.doc_id LIMIT %s",
                    [*matched_params, len(prefix), prefix, size],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:  # very many: a bounded set of candidates, ranked here
                rows = []
                if hasattr(self.dialect, "first_matches"):  # PostgreSQL: the matches already read
                    chosen = first[:SUGGEST_BOUND]
                    marks = ", ".join(["%s"] * len(chosen))
                    cursor.execute(f"{matched_sql} AND {column} IN ({marks})", [*matched_params, *chosen])
                    rows = cursor.fetchall()
                else:  # SQLite: each run is a range of rowids (FTS5 re-runs the match for each IN value)
                    half = (SUGGEST_BOUND + 1) // 2
                    low = first[:half]  # FTS5 returns matches in rowid order: the lowest ids
                    cursor.execute(f"{ids[0]} ORDER BY doc_id DESC LIMIT %s", [*ids[1], half + len(low)])
                    high = [doc_id for (doc_id,) in cursor.fetchall() if doc_id not in set(low)][:half]
                    for run in (low, high):
                        if run:
                            cursor.execute(
                                f"{matched_sql} AND {column} BETWEEN %s AND %s",
                                [*matched_params, min(run), max(run)],
                            )
                            rows += cursor.fetchall()
                rows.sort(key=lambda r: (not (r[2] or "").startswith(prefix), -r[1], len(r[2] or ""), r[0]))
                ids = [doc_id for doc_id, _score, _exact in rows[:size]]
        stored = SearchDocument.objects.using(self.using).in_bulk(ids)
        return [
            StoredHit(d.doc_type, d.object_id, d.title, d.url, d.subtitle, boost=d.boost)
            for i in ids
            if (d := stored.get(i))
        ]
