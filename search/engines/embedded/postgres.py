"""The PostgreSQL dialect of the embedded engine: a ``tsvector`` per document with a GIN index,
ranked with ``ts_rank``.

``search_pgindex`` (migrations 0002–0004) holds ``tsv``, the tokens of ``text.Analysed`` as they
are (``::tsvector``, no parser or dictionary in between), each stream under its weight letter
A–D from ``ranking.FIELD_WEIGHTS``; a query is a ``tsquery`` whose lexemes are restricted to the
letters of the streams they are meant for. ``title_tsv`` is the title's lexemes without
positions, which its GIN index answers without checking rows (title candidates, chains of
initials). PostgreSQL checks each match of a phrase or of a weighted lexeme against the row's
vector, so it lowers the engine's limits (``caps``) and reads the first matches once
(``first_matches``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction

from ...documents import SearchDoc
from ...ranking import FIELD_WEIGHTS, POSTGRES_WEIGHTS
from ...text import Analysed, ParsedQuery, Term, looks_like_code, pairs

#: the highest position a ``tsvector`` holds (PostgreSQL's limit); later tokens are left out
MAX_POSITION = 16383
#: ``"<position><weight>"`` for every position and weight, made once: a document has hundreds of
#: tokens, and formatting each position was most of the time of writing its vector
POSITION_LABELS = {letter: [f"{i}{letter}" for i in range(MAX_POSITION + 1)] for letter in "ABCD"}


#: the planner's row estimates of recent searches: {(alias, sql, params): (until, rows)}
_ESTIMATES: dict[tuple, tuple[float, float]] = {}
ESTIMATE_SECONDS = 60
ESTIMATES_MAX = 4096


class PostgresDialect:
    """PostgreSQL tsvector + GIN. Tokens go in as they are (``::tsvector``), weights by stream."""

    table = "search_pgindex"

    @staticmethod
    def sections() -> list[tuple[str, tuple[str, ...]]]:
        """Weight letter → the token streams it holds (``FIELD_WEIGHTS``), letters in order.

        Positions jump between streams, so a phrase never runs from one into the next.
        """
        streams: dict[str, list[str]] = {}
        for stream, weight in FIELD_WEIGHTS.items():
            streams.setdefault(weight.letter, []).append(stream)
        return [(letter, tuple(streams[letter])) for letter in sorted(streams)]

    @staticmethod
    def letters(*streams: str) -> str:
        """The weight letters of ``streams``: a lexeme restricted to them matches in those streams."""
        return "".join(sorted({FIELD_WEIGHTS[stream].letter for stream in streams}))

    @property
    def rank(self) -> str:
        """The score: ``ts_rank`` with ``POSTGRES_WEIGHTS`` (given as {D, C, B, A}), once without
        length normalisation for the letters that have none (the title's: titles are short) and
        once normalised by the document's length for the others (the body), summed."""

        def weights(normalised: bool) -> str:
            chosen = [w if norm == normalised else 0 for w, norm in (POSTGRES_WEIGHTS[x] for x in "DCBA")]
            return "{" + ", ".join(repr(w) if w else "0" for w in chosen) + "}"

        return f"(ts_rank('{weights(False)}', tsv, q, 0) + ts_rank('{weights(True)}', tsv, q, 1))"

    # --- writing ---

    max_position = MAX_POSITION
    position_labels = POSITION_LABELS

    @classmethod
    def tsvector(cls, analysed: Analysed) -> str:
        positions: dict[str, list[str]] = {}
        position = 1
        for weight, streams in cls.sections():
            labels = cls.position_labels[weight]
            for stream in streams:
                if position > cls.max_position:
                    break
                text = getattr(analysed, stream)
                tokens = text.split()
                if "'" in text or "\\" in text:
                    tokens = [t.replace("'", "").replace("\\", "") for t in tokens]
                # a token emptied by the replacements keeps its position (zip: none past the limit)
                for token, label in zip(tokens, labels[position : position + len(tokens)], strict=False):
                    if token:
                        if token in positions:
                            positions[token].append(label)
                        else:
                            positions[token] = [label]
                position += len(tokens) + 10
        return " ".join(f"'{token}':{','.join(found[:255])}" for token, found in positions.items())

    @classmethod
    def title_streams(cls) -> tuple[str, ...]:
        """The streams of ``title_tsv`` (weights A–C of ``tsv``), kept without positions or weights."""
        return tuple(stream for weight, streams in cls.sections() if weight != "D" for stream in streams)

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
        for stream in cls.title_streams():
            tokens = cls.clean_tokens(getattr(analysed, stream))
            found.update(dict.fromkeys(tokens))
            if stream in cls.chain_streams:
                found.update(dict.fromkeys(cls.chains(tokens)))
        return " ".join(f"'{token}'" for token in found)

    @staticmethod
    def clean_tokens(text: str) -> list[str]:
        """The tokens of a stream without quotes or backslashes (a lexeme's delimiters), none empty."""
        tokens = text.split()
        if "'" in text or "\\" in text:
            tokens = [t for t in (t.replace("'", "").replace("\\", "") for t in tokens) if t]
        return tokens

    #: autocomplete's prefix table (migration 0007): the first 1 to ``suggest_prefix_length``
    #: characters of each token of the streams a typed prefix is matched in, as plain lexemes
    suggest_table = "search_pgsuggest"
    suggest_prefix_length = 8
    suggest_streams = ("title_words", "pinyin", "codes")

    @classmethod
    def prefixes(cls, analysed: Analysed) -> str:
        """The row of ``search_pgsuggest``: every prefix of up to 8 characters of the tokens that
        ``suggest_expression`` matches a typed prefix in (weight A)."""
        longest = cls.suggest_prefix_length
        tokens = cls.clean_tokens(" ".join(getattr(analysed, stream) for stream in cls.suggest_streams))
        found = {token[:n] for token in tokens for n in range(1, min(len(token), longest) + 1)}
        return " ".join(f"'{prefix}'" for prefix in sorted(found))

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
        cursor.executemany(
            f"INSERT INTO {self.suggest_table} (document_id, prefixes) VALUES (%s, %s::tsvector) "  # noqa: S608
            "ON CONFLICT (document_id) DO UPDATE SET prefixes = EXCLUDED.prefixes",
            [(doc_id, self.prefixes(doc.analysed)) for doc_id, doc in rows],
        )

    def copy(self, cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """Rows into ``table`` with ``COPY … FROM STDIN``: one stream, no statement per row."""
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def write_new(self, cursor, rows: list[tuple[int, SearchDoc]]) -> None:
        """``write`` for documents that have no row yet (a rebuild), by ``COPY``."""
        self.copy(
            cursor,
            self.table,
            ("document_id", "tsv", "title_tsv", "exact", "boost"),
            (
                (doc_id, self.tsvector(doc.analysed), self.title_lexemes(doc.analysed), doc.analysed.exact, doc.boost)
                for doc_id, doc in rows
            ),
        )
        self.copy(
            cursor,
            self.suggest_table,
            ("document_id", "prefixes"),
            ((doc_id, self.prefixes(doc.analysed)) for doc_id, doc in rows),
        )

    def new_ids(self, cursor, table: str, count: int) -> list[int]:
        """``count`` fresh primary keys of ``table`` from its sequence, for rows written by ``COPY``."""
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [pk for (pk,) in cursor.fetchall()]

    #: the indexes a rebuild drops and builds again once the rows are in (``rebuilding``)
    bulk_indexed_tables = ("search_pgindex", "search_pgsuggest")

    @contextmanager
    def rebuilding(self, cursor, *, drop_indexes: bool = True):
        """Around a rebuild's writes: its GIN indexes dropped, then built again over every row at once.

        Keeping a GIN index up to date row by row was most of the cost of a rebuild (each row adds
        hundreds of lexemes); building one from all the rows sorts them once. It all happens in the
        rebuild's transaction: dropping an index locks the table, so searches wait for the rebuild
        to commit (or fail, which puts the indexes back) instead of seeing a half-written index.
        The table's statistics are brought up to date afterwards (``first_matches`` relies on the
        planner's estimates).

        ``drop_indexes=False`` keeps the indexes (and the searches of the old rows going on while
        the new ones are written): a rebuild of an index that already holds documents does that,
        so a live site's search never waits for a rebuild; the first build of an empty index (a
        new database, a restore) takes the fast way.
        """
        if not drop_indexes:
            yield
            for table in self.bulk_indexed_tables:
                cursor.execute(f"ANALYZE {table}")
            return
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [list(self.bulk_indexed_tables), "% USING gin %"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        # the foreign keys of the rows just written are checked now (they are deferred to the
        # commit, and an index cannot be built on a table with checks pending), then deferred again
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table in self.bulk_indexed_tables:
            cursor.execute(f"ANALYZE {table}")

    def delete(self, cursor, ids: list[int]) -> None:
        for table in (self.table, self.suggest_table):
            cursor.execute(f"DELETE FROM {table} WHERE document_id = ANY(%s)", [list(ids)])  # noqa: S608

    def clear(self, cursor) -> None:
        for table in (self.table, self.suggest_table):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608

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
            chars = self.sequence(term.chars, self.letters("title_chars", "title_pairs", "body_chars", "body_pairs"))
            words = self.letters("title_words", "body_words")
            boosts = [self.lexeme(w, words) for w in term.words if len(w) > 1] if ranked else []
            return f"({chars} & ({' | '.join([chars, *boosts])}))" if boosts else chars
        alternatives = [self.lexeme(term.text, self.letters("title_words", "body_words", "pinyin"))]
        if term.syllables:
            alternatives.append(self.sequence(term.syllables, self.letters("syllables", "syllable_pairs")))
        if term.initials:
            alternatives.append(self.sequence(term.initials, self.letters("initials", "initial_pairs")))
        if looks_like_code(term.text):
            alternatives.append(self.lexeme(term.text, self.letters("codes"), prefix=True))
        return "(" + " | ".join(alternatives) + ")"

    def expression(self, query: ParsedQuery, ranked: bool = True) -> str:
        """The tsquery; ``ranked=False`` leaves out the parts that only add rank (counting)."""
        expression = " & ".join(self.term(t, ranked) for t in query.terms)
        if query.code:
            code = self.lexeme(query.code, self.letters("codes"), prefix=True)
            expression = f"{code} | ({expression})" if expression else code
        return expression

    def suggest_expression(self, query: ParsedQuery) -> str:
        parts = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            if term.kind == "cjk":
                parts.append(self.sequence(term.chars, self.letters("title_chars", "title_pairs")))
            elif i == last:
                parts.append(self.lexeme(term.text, self.letters("title_words", "pinyin", "codes"), prefix=True))
            else:
                parts.append(self.lexeme(term.text, self.letters("title_words", "pinyin")))
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
        words = self.letters("title_words", "pinyin", *(() if title_only else ("body_words",)))
        if term.kind == "cjk":
            chars = self.letters("title_chars", "title_pairs", *(() if title_only else ("body_chars", "body_pairs")))
            if len(term.chars) == 1:
                return self.lexeme(term.chars[0], chars)
            if len(term.chars) == 2:
                return self.lexeme(pairs(term.chars)[0], chars)
            found = [w for w in term.words if len(w) > 1]
            return "(" + " & ".join(self.lexeme(w, words) for w in found) + ")" if found else ""
        alternatives = [self.lexeme(term.text, words)]
        if len(term.syllables) == 1:
            alternatives.append(self.lexeme(term.syllables[0], self.letters("syllables")))
        elif len(term.syllables) == 2:
            alternatives.append(self.lexeme(pairs(term.syllables)[0], self.letters("syllable_pairs")))
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
        """The matches; a phrase of three or more letters or syllables is first narrowed by its chains.

        ``'zy' <-> 'yz'`` alone makes the GIN index return every row holding both pairs (18,000
        of 100,000) for the phrase to be checked on each; rows holding the chain ``~zyz`` in
        ``title_tsv`` (or the word itself in ``tsv``) are the only ones that can match. The same
        holds for a phrase of syllables: ``'liangping' <-> 'pingyou'`` is checked on every row
        holding both pairs (14,585 rows of 1,000,000, each a read of its 3 KB vector: 1.3 s when
        they are not in memory, for 25 matches), while only a title whose initials chain as
        ``~lpy`` can hold it (a title's syllables and initials are written side by side).
        """
        ids_sql, ids_params = self.ids(self.expression(query, ranked=False))
        if query.code:
            return ids_sql, ids_params
        narrowed, narrowed_params = [], []
        for term in query.terms:
            if term.kind == "cjk" or looks_like_code(term.text):  # a code also matches as a prefix: not narrowed
                continue
            # what each alternative of the term (``term``) needs: the word, or a lexeme of the
            # whole row (a phrase of one pair), or the chains of its letters in ``title_tsv``
            anywhere, chained = [term.text], []
            for letters, tokens in ((tuple(s[0] for s in term.syllables), term.syllables), (term.initials, ())):
                if len(letters) >= 3:
                    chained.append(self.plain(self.chains(pairs(letters))))
                elif letters:
                    anywhere += pairs(tokens or letters) or list(tokens or letters)
            if not chained:  # no phrase of three or more: its lexemes say as much as the narrowing would
                continue
            narrowed.append("(tsv @@ CAST(%s AS tsquery) OR title_tsv @@ CAST(%s AS tsquery))")
            narrowed_params += [self.plain(dict.fromkeys(anywhere), " | "), " | ".join(chained)]
        if not narrowed:
            return ids_sql, ids_params
        return f"{ids_sql} AND {' AND '.join(narrowed)}", [*ids_params, *narrowed_params]

    #: a query the planner expects in at least this share of the rows is first tried in id order
    probe_share = 0.01
    #: ... and read on in id order if at least this share of the rows tried match
    dense_share = 0.2
    #: reading a row in id order (its 3 KB vector) costs about this many times what the GIN
    #: index spends on one match while building its bitmap of every match (5 µs and 0.5 µs)
    row_to_match_cost = 10

    def dense_share_for(self, limit: int, rows: float) -> float:
        """The share from which ``limit`` matches are cheaper read in id order than through the index.

        In id order they cost about ``limit / share`` rows read, whatever the size of the table;
        through the index, a bitmap of all ``share × rows`` matches is built first. The two meet
        where ``share² = row_to_match_cost × limit / rows``: 0.1 at 1,000,000 documents (柚, in
        17 % of them: 110 ms through the index, 30 ms in id order), above ``dense_share`` up to
        250,000, so smaller indexes keep ``dense_share``.
        """
        return max(self.probe_share, min(self.dense_share, (self.row_to_match_cost * limit / max(rows, 1.0)) ** 0.5))

    def first_matches(self, cursor, ids: tuple[str, list], where: str, where_params: list, limit: int) -> list[int]:
        """The ids of up to ``limit`` matches, with as few rows checked as the match allows.

        Through the GIN index, the bitmap of every candidate is built before the first row is
        read: some 10 ms for the 73,000 rows holding 合作 and 作社, then each row is checked. A
        query found in a large share of the rows is cheaper read in id order, stopping at
        ``limit`` matches: first a probe of ``2 × limit`` rows, then, if at least
        ``dense_share`` of them match (less in a large index: ``dense_share_for``), enough rows
        for the rest. A query the planner expects in fewer rows goes through the index, as does
        one whose probe finds too few; a query with a phrase is probed from ``probe_share`` up,
        since phrases are where the estimate is low. (The planner cannot be left to choose with
        ``ORDER BY``: it takes phrases for far rarer than they are, ``专业合作社`` for 6 % of the
        rows instead of 33 %, and then checks every match to sort them.)
        """
        ids_sql, ids_params = ids
        expected = self.estimate(cursor, f"{ids_sql}{where}", [*ids_params, *where_params])
        # the planner's size of the table (its statistics scaled to the table's pages: sound
        # even before the first ANALYZE of a new index)
        table_rows = self.estimate(cursor, f"SELECT document_id FROM {self.table}", [])  # noqa: S608
        share, dense = expected / max(table_rows, 1.0), self.dense_share_for(limit, table_rows)
        # without a phrase the estimate is sound (the lexemes' frequencies): no probe needed to trust it
        phrased = any("<->" in str(p) for p in ids_params)
        if share >= dense or (phrased and share >= self.probe_share):
            found: list[int] = []
            probe = 2 * limit
            for skip, rows in ((0, probe), (probe, None)):
                if rows is None:  # read on only if the probe found the query in enough rows
                    if len(found) < dense * probe:
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
        """How many rows the planner expects ``sql`` to return, kept in this process for
        ``ESTIMATE_SECONDS`` (a planning hint: a minute-old figure chooses as well, and a search
        page repeated with the page cache off pays two queries fewer)."""
        key = (cursor.db.alias, sql, tuple(params))
        now = time.monotonic()
        known = _ESTIMATES.get(key)
        if known is not None and known[0] > now:
            return known[1]
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        rows = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
        if len(_ESTIMATES) >= ESTIMATES_MAX:
            _ESTIMATES.clear()
        _ESTIMATES[key] = (now + ESTIMATE_SECONDS, rows)
        return rows

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

    def suggest_prefix(self, query: ParsedQuery | None) -> str:
        """What was typed, when ``search_pgsuggest`` answers it: one word (not CJK) of at most
        ``suggest_prefix_length`` characters, which ``suggest_expression`` matches as a prefix of
        the weight-A tokens; '' otherwise (the GIN index of ``tsv`` answers it)."""
        if query is None or len(query.terms) != 1 or query.terms[0].kind == "cjk":
            return ""
        text = query.terms[0].text.replace("'", "").replace("\\", "")
        return text if len(text) <= self.suggest_prefix_length else ""

    def suggest_ids(self, expression: str, query: ParsedQuery | None = None) -> tuple[str, list]:
        """The titles matching an autocomplete expression: a short prefix is one lexeme of
        ``search_pgsuggest`` (no row to check), anything else is read from ``tsv``'s GIN index."""
        prefix = self.suggest_prefix(query)
        if prefix:
            return (
                f"SELECT document_id AS doc_id FROM {self.suggest_table} WHERE prefixes @@ CAST(%s AS tsquery)",  # noqa: S608
                [self.plain([prefix])],
            )
        return self.ids(expression)

    def first_suggestions(self, cursor, ids: tuple[str, list], limit: int) -> list[int]:
        """Up to ``limit`` ids of ``suggest_ids``, the lowest first when read from ``search_pgsuggest``
        (a plain lexeme: the planner's estimate is sound, and no row is checked)."""
        ids_sql, ids_params = ids
        if f"FROM {self.suggest_table} " not in ids_sql:
            return self.first_matches(cursor, ids, "", [], limit)
        cursor.execute(f"{ids_sql} ORDER BY doc_id LIMIT %s", [*ids_params, limit])
        return [doc_id for (doc_id,) in cursor.fetchall()]

    def suggest_ranked(self, expression: str, ids: list[int]) -> tuple[str, list]:
        """(doc_id, score, exact) of the matches of ``expression`` among ``ids``, read by primary key.

        The ids are the matches already found (``first_suggestions``): ranking them where they are
        keeps the planner from matching a short prefix against the whole index again.
        """
        marks = ", ".join(["%s"] * len(ids))
        rank = self.rank.replace("tsv", "v.tsv")
        return (
            f"SELECT v.doc_id, {rank} AS score, v.exact FROM ("  # noqa: S608
            f"SELECT document_id AS doc_id, tsv || ''::tsvector AS tsv, exact FROM {self.table} "
            f"WHERE document_id IN ({marks}) OFFSET 0) AS v, CAST(%s AS tsquery) AS q WHERE v.tsv @@ q",
            [*ids, expression],
        )

    def with_exact(self, expression: str) -> tuple[str, list]:
        return (
            f"SELECT document_id AS doc_id, {self.rank} AS score, exact "  # noqa: S608
            f"FROM {self.table}, CAST(%s AS tsquery) AS q WHERE tsv @@ q",
            [expression],
        )
