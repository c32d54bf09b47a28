"""The SQLite dialect of the embedded engine: an FTS5 table, ranked with ``bm25()``.

``search_fts`` (migrations 0002 and 0003) has one column per token stream of ``text.Analysed``;
a query is an FTS5 MATCH expression of phrases restricted to columns (``{title_chars
body_chars} : "梁 平"``), and ``bm25()`` weighs each column by ``ranking.FIELD_WEIGHTS``.
FTS5 keeps positions in its index, so phrases are cheap to check; what costs time on a very
common term is ranking every match, which the engine bounds (see the package's docstring).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...documents import SearchDoc
from ...ranking import field_weight
from ...text import ParsedQuery, Term, looks_like_code, pairs
from ..base import batched

#: the streams a query's words, characters and character pairs are matched in
WORD_COLUMNS = ("title_words", "body_words")
CHAR_COLUMNS = ("title_chars", "body_chars")
PAIR_COLUMNS = ("title_pairs", "body_pairs")


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

    #: autocomplete's own table (migration 0006): the streams it matches, prefix indexes 1–8
    suggest_table = "search_suggest"
    suggest_columns = ("title_words", "pinyin", "codes", "title_chars", "title_pairs")

    @property
    def weights(self) -> tuple[float, ...]:
        """The ``bm25()`` weights, one per column in table order (``boost``, UNINDEXED, last), from
        ``FIELD_WEIGHTS``: 0 for ``exact`` (a whole-title match is a query of its own) and ``boost``."""
        return (*(field_weight(c) for c in self.columns), 0.0)

    # --- writing ---

    def write(self, cursor, rows: list[tuple[int, SearchDoc]]) -> None:
        ids = [doc_id for doc_id, _ in rows]
        self.delete(cursor, ids)
        placeholders = ", ".join(["%s"] * (len(self.columns) + 2))
        cursor.executemany(
            f"INSERT INTO {self.table} (rowid, {', '.join(self.columns)}, boost) VALUES ({placeholders})",  # noqa: S608
            [(doc_id, *(getattr(doc.analysed, c) for c in self.columns), doc.boost) for doc_id, doc in rows],
        )
        marks = ", ".join(["%s"] * (len(self.suggest_columns) + 2))
        cursor.executemany(
            f"INSERT INTO {self.suggest_table} (rowid, {', '.join(self.suggest_columns)}, exact) VALUES ({marks})",  # noqa: S608
            [
                (doc_id, *(getattr(doc.analysed, c) for c in self.suggest_columns), doc.analysed.exact)
                for doc_id, doc in rows
            ],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        for chunk in batched(ids, 500):
            marks = ", ".join(["%s"] * len(chunk))
            for table in (self.table, self.suggest_table):
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def clear(self, cursor) -> None:
        for table in (self.table, self.suggest_table):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608

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

    def suggest_ids(self, expression: str, query: ParsedQuery | None = None) -> tuple[str, list]:
        """SQL selecting the ids of the titles matching an autocomplete expression (``search_suggest``)."""
        return f"SELECT rowid AS doc_id FROM {self.suggest_table} WHERE {self.suggest_table} MATCH %s", [expression]  # noqa: S608

    def with_exact(self, expression: str) -> tuple[str, list]:
        """SQL selecting (doc_id, score, exact) for suggestions, from ``search_suggest``.

        ``bm25()`` there weighs the same streams by the same ``FIELD_WEIGHTS``; a row's length is
        its title's streams only (``search_fts`` counts the body too), which only matters for which
        of very many matches become candidates: the suggestions' order is ``rank_suggestions``'.
        """
        weights = ", ".join(str(field_weight(c)) for c in self.suggest_columns)
        return (
            f"SELECT rowid AS doc_id, -bm25({self.suggest_table}, {weights}, 0.0) AS score, exact "  # noqa: S608
            f"FROM {self.suggest_table} WHERE {self.suggest_table} MATCH %s",
            [expression],
        )
