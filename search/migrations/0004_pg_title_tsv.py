"""PostgreSQL: ``search_pgindex.title_tsv``, the title's lexemes alone, with a GIN index.

Checking a weight or a phrase against a document's whole vector (about 3 KB) means reading it:
from TOAST storage, some 3.5 µs a row, so both vectors now stay in the row (``STORAGE MAIN``),
about 1 µs. ``title_tsv`` holds the lexemes of
the title streams (weights A–C) without positions or weights, plus the chains of the pinyin
streams (``~lpy`` for ``lp`` ``py``), so that a query without weights or phrases on it is answered
by its GIN index, or by a scan in id order that stops early, without reading ``tsv``: the bounded
ranking finds its title candidates there, and a phrase of initials is narrowed by its chains.
Existing rows are filled from ``tsv``, so no rebuild is needed.
"""

from django.db import migrations

import search.models

# the title streams (weights A–C) without positions or weights, and the chains of the per-character
# pinyin streams: ``~abc`` where a two-letter token (``ab``) is followed by one continuing it (``bc``)
# (``PostgresDialect.title_lexemes`` writes the same for new rows)
BACKFILL = """
UPDATE search_pgindex AS p SET tsv = p.tsv || ''::tsvector, title_tsv = strip(ts_filter(p.tsv, '{a,b,c}')) || coalesce((
    SELECT array_to_tsvector(array_agg(DISTINCT '~' || a.lexeme || right(b.lexeme, 1)))
    FROM (
        SELECT u.lexeme, x.pos FROM unnest(p.tsv) AS u, unnest(u.positions, u.weights) AS x (pos, w)
        WHERE x.w = 'C' AND length(u.lexeme) = 2
    ) AS a
    JOIN (
        SELECT u.lexeme, x.pos FROM unnest(p.tsv) AS u, unnest(u.positions, u.weights) AS x (pos, w)
        WHERE x.w = 'C' AND length(u.lexeme) = 2
    ) AS b ON b.pos = a.pos + 1 AND right(a.lexeme, 1) = left(b.lexeme, 1)
), ''::tsvector)
"""
POSTGRES_CREATE = [
    # in the row, not in TOAST storage: a vector is checked in about 1 µs instead of 3.5 µs (the
    # vectors hardly compress, so pglz stores them as they are); a row too large for a page still
    # goes to TOAST
    "ALTER TABLE search_pgindex ALTER COLUMN tsv SET STORAGE MAIN, ALTER COLUMN title_tsv SET STORAGE MAIN",
    # every row rewritten (``|| ''`` makes a new value, which the new storage applies to)
    BACKFILL,
    "CREATE INDEX IF NOT EXISTS search_pgindex_title_tsv ON search_pgindex USING gin (title_tsv)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_pgindex_title_tsv",
    "ALTER TABLE search_pgindex ALTER COLUMN tsv SET STORAGE EXTENDED",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_pg_index_entry_and_pairs")]

    operations = [
        migrations.AddField(
            model_name="pgindexentry",
            name="title_tsv",
            field=search.models.TsVectorField(default=""),
        ),
        migrations.RunPython(create, drop),
    ]
