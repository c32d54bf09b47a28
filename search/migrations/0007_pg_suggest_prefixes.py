"""Autocomplete gets a small prefix table of its own on PostgreSQL: ``search_pgsuggest`` (issue 15).

A prefix (``'l':*A``) on ``search_pgindex.tsv`` makes the GIN index merge the rows of every lexeme
that starts with it, and each title's whole pinyin and whole initials are lexemes of their own
(``liangpingqulirangzhen…``, ``lpqlrz…``): ``l``, ``lp`` or ``liang`` merged some 100,000 lists
and then checked each row's weights (about 700 ms at 100,000 documents). Here each document has
one row holding, as plain lexemes (no positions, no weights), the first 1 to 8 characters of each
token of the streams a typed prefix is matched in (weight A: the title's words, its pinyin, the
codes), so a prefix of up to 8 characters is one lexeme: one list in the GIN index, no row to
check. Like SQLite's ``search_suggest`` (migration 0006) it only finds the matches; they are
ranked on ``search_pgindex`` as before.

Rows are keyed by the document's id; triggers delete a document's row with the document (once
per statement) and empty the table when the documents are truncated (Django's flush), so it needs no foreign
key (which would stop that truncation). Filled here from ``search_pgindex``; SQLite needs
nothing (its ``search_suggest`` has prefix indexes).
"""

from django.db import migrations

#: prefixes of 1 to ``SUGGEST_PREFIX_LENGTH`` characters (``PostgresDialect.suggest_prefix_length``)
BACKFILL = """
INSERT INTO search_pgsuggest (document_id, prefixes)
SELECT p.document_id, coalesce((
    SELECT array_to_tsvector(array_agg(DISTINCT left(u.lexeme, k.n)))
    FROM unnest(p.tsv) AS u, generate_series(1, 8) AS k (n)
    WHERE 'A' = ANY(u.weights) AND k.n <= length(u.lexeme)
), ''::tsvector)
FROM search_pgindex AS p
"""
POSTGRES_CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_pgsuggest (
        document_id integer PRIMARY KEY,
        prefixes tsvector NOT NULL
    )
    """,
    BACKFILL,
    "CREATE INDEX IF NOT EXISTS search_pgsuggest_prefixes ON search_pgsuggest USING gin (prefixes)",
    # the planner's frequencies of the prefixes: a common one ('l') is read in id order and stops
    # at the first thousand, a rare one ('zhang') through the GIN index
    "ANALYZE search_pgsuggest",
    """
    CREATE OR REPLACE FUNCTION search_pgsuggest_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE search_pgsuggest;
        ELSE
            DELETE FROM search_pgsuggest WHERE document_id IN (SELECT id FROM gone);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # once per statement, over the rows it deleted (a rebuild's clear deletes them all at once)
    """
    CREATE TRIGGER search_document_pgsuggest_delete AFTER DELETE ON search_searchdocument
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION search_pgsuggest_forget()
    """,
    """
    CREATE TRIGGER search_document_pgsuggest_truncate AFTER TRUNCATE ON search_searchdocument
    FOR EACH STATEMENT EXECUTE FUNCTION search_pgsuggest_forget()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS search_document_pgsuggest_truncate ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_document_pgsuggest_delete ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_pgsuggest_forget()",
    "DROP TABLE IF EXISTS search_pgsuggest",
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
    dependencies = [("search", "0006_perf_suggest_table")]

    operations = [migrations.RunPython(create, drop)]
