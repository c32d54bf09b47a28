"""Autocomplete gets a full-text table of its own on SQLite: ``search_suggest`` (issue 15).

It holds only the streams autocomplete matches (the title's words, pinyin, codes, characters and
character pairs) and prefix indexes for 1 to 8 characters, so a one- or two-letter pinyin prefix
(``l``, ``lp``) or a longer one (``liang``, ``liangpi``) reads one prefix list of titles, instead of
merging every term that starts with it (each title's whole pinyin is a term of its own) and
skipping the body's tokens of the same prefix in ``search_fts``. Rows are keyed like
``search_fts`` (the document's id); a trigger deletes a document's row with the document.
Filled here from ``search_fts``; PostgreSQL needs nothing (its GIN index serves both).
"""

from django.db import migrations

SQLITE_CREATE = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS search_suggest USING fts5(
        title_words, pinyin, codes, title_chars, title_pairs,
        exact UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6 8'
    )
    """,
    """
    INSERT INTO search_suggest (rowid, title_words, pinyin, codes, title_chars, title_pairs, exact)
    SELECT rowid, title_words, pinyin, codes, title_chars, title_pairs, exact FROM search_fts
    """,
    """
    CREATE TRIGGER IF NOT EXISTS search_document_suggest_delete AFTER DELETE ON search_searchdocument
    BEGIN
        DELETE FROM search_suggest WHERE rowid = old.id;
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_document_suggest_delete", "DROP TABLE IF EXISTS search_suggest"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_cluster_rebuild")]

    operations = [migrations.RunPython(create, drop)]
