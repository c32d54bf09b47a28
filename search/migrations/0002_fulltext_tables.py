"""The embedded engine's full-text table, for the database in use.

SQLite: an FTS5 virtual table keyed by SearchDocument.id (rowid), BM25 ranking, prefix indexes
for autocomplete. PostgreSQL: a tsvector per document (built in Python from the pre-segmented
tokens, weights A–D) with a GIN index. Other databases get no table and cannot use the embedded
engine.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title_words, title_chars, body_words, body_chars, pinyin, syllables, initials, codes, exact,
    boost UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
)
"""
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"

POSTGRES_CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_pgindex (
        document_id bigint PRIMARY KEY
            REFERENCES search_searchdocument (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        tsv tsvector NOT NULL,
        exact text NOT NULL DEFAULT '',
        boost real NOT NULL DEFAULT 1
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pgindex_tsv ON search_pgindex USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_pgindex_exact ON search_pgindex (exact)",
]
POSTGRES_DROP = "DROP TABLE IF EXISTS search_pgindex"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
