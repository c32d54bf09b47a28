"""The full-text index, second shape: pairs of the per-character streams, and PgIndexEntry.

- SQLite: ``search_fts`` gains pair columns (a phrase of pairs lets a rare pair such as 平柚 drive
  the match instead of a character that is in every document) and a trigger that deletes a
  document's row whenever the document is deleted (Django's flush included).
- PostgreSQL: ``search_pgindex`` becomes the ``PgIndexEntry`` model, so Django's flush (tests)
  truncates it with the documents instead of failing on its foreign key.

The index is emptied: run ``python manage.py rebuild_search_index`` after migrating.
"""

import django.db.models.deletion
import search.models
from django.db import migrations, models


SQLITE_CREATE = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title_words, title_chars, body_words, body_chars, pinyin, syllables, initials, codes, exact,
        title_pairs, body_pairs, syllable_pairs, initial_pairs,
        boost UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS search_document_fts_delete AFTER DELETE ON search_searchdocument
    BEGIN
        DELETE FROM search_fts WHERE rowid = old.id;
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_document_fts_delete", "DROP TABLE IF EXISTS search_fts"]
POSTGRES_CREATE = ["CREATE INDEX IF NOT EXISTS search_pgindex_tsv ON search_pgindex USING gin (tsv)"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_pgindex_tsv"]


def empty_the_old_index(apps, schema_editor):
    """Drop the first-shape table (the model below recreates PostgreSQL's) and the documents it held."""
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": ["DROP TABLE IF EXISTS search_pgindex"]}.get(vendor, []):
        schema_editor.execute(statement)
    schema_editor.execute("DELETE FROM search_searchfacet")
    schema_editor.execute("DELETE FROM search_searchdocument")


def create_fulltext(apps, schema_editor):
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_fulltext(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_fulltext_tables'),
    ]

    operations = [
        migrations.RunPython(empty_the_old_index, migrations.RunPython.noop),
        migrations.CreateModel(
            name='PgIndexEntry',
            fields=[
                ('document', models.OneToOneField(db_column='document_id', on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='pg_index', serialize=False, to='search.searchdocument')),
                ('tsv', search.models.TsVectorField()),
                ('exact', models.TextField(db_index=True, default='')),
                ('boost', models.FloatField(default=1.0)),
            ],
            options={
                'verbose_name': 'PostgreSQL full-text entry',
                'verbose_name_plural': 'PostgreSQL full-text entries',
                'db_table': 'search_pgindex',
            },
        ),
        migrations.RunPython(create_fulltext, drop_fulltext),
    ]
