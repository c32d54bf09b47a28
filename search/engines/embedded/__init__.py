"""The embedded engine: full-text search inside the database, no service to run.

Documents are stored in ``SearchDocument`` (what a result shows) and ``SearchFacet`` (facet
values); the tokens from ``search.text`` go to a full-text table chosen by the database:

- SQLite (``sqlite.py``, ``SqliteDialect``): the FTS5 table ``search_fts``, ranked with
  ``bm25()`` and per-column weights;
- PostgreSQL (``postgres.py``, ``PostgresDialect``): ``search_pgindex``, a ``tsvector`` built in
  Python (weights A–D, no parser or dictionary in between) with a GIN index, ranked with
  ``ts_rank``.

Both take their field weights from ``ranking.FIELD_WEIGHTS``. A dialect writes and deletes the
full-text rows and turns a parsed query into SQL; this module, ``EmbeddedEngine``, holds what the
two databases share: the documents and facet tables, filters, paging, counting, facet counts,
bounded ranking and autocomplete, and the limits that bound them.

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

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from ...documents import FACETS, SearchDoc
from ...models import SearchDocument
from ...text import ParsedQuery, parse_query
from ..base import EngineAnswer, Filters, SearchEngine, StoredHit, batched
from .postgres import PostgresDialect
from .sqlite import CHAR_COLUMNS, PAIR_COLUMNS, WORD_COLUMNS, SqliteDialect

__all__ = [
    "CANDIDATES",
    "CHAR_COLUMNS",
    "COUNT_LIMIT",
    "DIALECTS",
    "FACET_SCAN_LIMIT",
    "PAIR_COLUMNS",
    "RANK_ALL_LIMIT",
    "SUGGEST_BOUND",
    "SUGGEST_RANK_ALL",
    "WORD_COLUMNS",
    "EmbeddedEngine",
    "PostgresDialect",
    "SqliteDialect",
]

# The limits below are read when a search runs (``EmbeddedEngine._limit``, ``_suggest``), from this
# module, so a test can lower them here; a dialect may cap them lower (``PostgresDialect.caps``).

#: facet counts are exact up to this many matches, estimated beyond
FACET_SCAN_LIMIT = 2_000
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

    def _write_new(self, docs: list[SearchDoc], written: dict[str, int]) -> int:
        """A rebuild's batch on a dialect that copies rows in (PostgreSQL).

        Documents not yet written (``written``: key → id, filled here) go in by ``COPY`` under ids
        taken from the sequence; one the rebuild has already written (the source yielded it
        twice) is written again as an update, like any other change.
        """
        again = [d for d in docs if d.key in written]
        unique = list({doc.key: doc for doc in docs if doc.key not in written}.values())
        table = SearchDocument._meta.db_table
        now = timezone.now()
        with self.connection.cursor() as cursor:
            pairs = list(zip(self.dialect.new_ids(cursor, table, len(unique)), unique, strict=True))
            self.dialect.copy(
                cursor,
                table,
                ("id", "doc_type", "object_id", "title", "subtitle", "url", "body", "boost", "indexed_at"),
                (
                    (pk, d.type, d.id, d.title[:255], d.subtitle[:255], d.url[:500], d.body, d.boost, now)
                    for pk, d in pairs
                ),
            )
            self.dialect.copy(
                cursor,
                "search_searchfacet",
                ("document_id", "name", "value"),
                ((pk, name, value[:150]) for pk, doc in pairs for name, value in doc.facet_pairs()),
            )
            self.dialect.write_new(cursor, pairs)
        written.update((d.key, pk) for pk, d in pairs)
        return len(pairs) + (self._write(again) if again else 0)

    def rebuild(self, docs: Iterable[SearchDoc], progress=None) -> int:
        """Clear and refill in one transaction: searches see the old index until the new one commits.

        On PostgreSQL the rows are copied in (``COPY``). Into an empty index (a first build) they go
        with the full-text indexes dropped and built again at the end (``PostgresDialect.rebuilding``),
        searches waiting for the commit; an index that holds documents keeps its indexes, so the
        site's searches go on reading the old rows while the rebuild writes.
        """
        with transaction.atomic(using=self.using):
            if not hasattr(self.dialect, "rebuilding"):
                return super().rebuild(docs, progress)
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.dialect.table})")  # noqa: S608
                (live,) = cursor.fetchone()
            self.clear()
            written, keys = 0, {}  # keys: document key → id
            with self.connection.cursor() as cursor, self.dialect.rebuilding(cursor, drop_indexes=not live):
                for chunk in batched(docs, 2000):
                    written += self._write_new(chunk, keys)
                    if progress:
                        progress(written)
            return written

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
                # how many match, once, up to the larger of the two limits: whether ranking them all
                # costs too much, and the total (a lower bound past ``COUNT_LIMIT``)
                cursor.execute(
                    f"SELECT count(*) FROM ({ids_sql}{where} LIMIT %s) AS m",  # noqa: S608
                    [*ids_params, *where_params, max(rank_all_limit, count_limit) + 1],
                )
                counted = cursor.fetchone()[0]
                if counted > rank_all_limit:
                    ranked = self._search_bounded(cursor, query, where, where_params, offset, size)
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
        query = parse_query(prefix)
        expression = self.dialect.suggest_expression(query)
        with self.dialect.reading(self.connection, self.using) as cursor:
            return self._first_suggestions(cursor, self.dialect.suggest_ids(expression, query), limit)

    def _first_suggestions(self, cursor, ids: tuple[str, list], limit: int) -> list[int]:
        """Up to ``limit`` ids matching a prefix, reading as few rows as the dialect allows."""
        if hasattr(self.dialect, "first_suggestions"):
            return self.dialect.first_suggestions(cursor, ids, limit)
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
        ids = self.dialect.suggest_ids(expression, query)
        matched_sql, matched_params = self.dialect.with_exact(expression)
        column = self.dialect.id_column
        # PostgreSQL ranks the matches it has read by their ids (``suggest_ranked``)
        by_ids = hasattr(self.dialect, "suggest_ranked")
        with self.dialect.reading(self.connection, self.using) as cursor:
            first = self._first_suggestions(cursor, ids, SUGGEST_RANK_ALL + 1)
            if by_ids and len(first) <= SUGGEST_RANK_ALL:
                matched_sql, matched_params = self.dialect.suggest_ranked(expression, first) if first else ("", [])
            if not matched_sql:
                ids = []
            elif len(first) <= SUGGEST_RANK_ALL:  # few enough: rank them all
                cursor.execute(
                    f"SELECT m.doc_id FROM ({matched_sql}) AS m "  # noqa: S608
                    "ORDER BY (substr(m.exact, 1, %s) = %s) DESC, m.score DESC, "
                    "length(m.exact), m.doc_id LIMIT %s",
                    [*matched_params, len(prefix), prefix, size],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:  # very many: a bounded set of candidates, ranked here
                rows = []
                if by_ids:  # PostgreSQL: the matches already read (the lowest ids)
                    cursor.execute(*self.dialect.suggest_ranked(expression, first[:SUGGEST_BOUND]))
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
