"""A database from before the page cache moved to ``core`` (its ``ContentVersion`` in the website
app) upgrades with no change to its row: the table keeps its name, the content type is renamed in
place, so its permissions carry over.

The database is brought to the old head (``website.0009``, no ``core`` app) by unapplying the move,
which is state only plus the content-type rename: its table is then exactly the old one.
"""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import ContentVersion

OLD_HEAD = [("website", "0009_contact_page"), ("core", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def rows() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, counter FROM website_contentversion ORDER BY id")
        return cursor.fetchall()


# Transactional, and run after every other test (runs_last, conftest.py): its flush recreates the
# content types, and a serialized_rollback test's restore after it would collide with them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True)
def test_a_database_with_the_website_content_version_upgrades_and_keeps_its_row():
    ContentVersion.objects.update_or_create(pk=1, defaults={"counter": 41})
    type_id = ContentType.objects.get_for_model(ContentVersion).pk
    permission, _ = Permission.objects.get_or_create(  # a serialized test before may have flushed it
        content_type_id=type_id, codename="change_contentversion", defaults={"name": "Can change content version"}
    )
    assert rows() == [(1, 41)]

    migrate(OLD_HEAD)
    old = MigrationExecutor(connection).loader.project_state(OLD_HEAD[:1]).apps
    assert old.get_model("website", "ContentVersion")._meta.db_table == "website_contentversion"
    assert ContentType.objects.get(pk=type_id).natural_key() == ("website", "contentversion")
    assert rows() == [(1, 41)]

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert rows() == [(1, 41)]
    assert ContentType.objects.get(pk=type_id).natural_key() == ("core", "contentversion")
    assert not ContentType.objects.filter(app_label="website", model="contentversion").exists()
    assert Permission.objects.get(pk=permission.pk).content_type_id == type_id
    assert ContentVersion.objects.get(pk=1).counter == 41
