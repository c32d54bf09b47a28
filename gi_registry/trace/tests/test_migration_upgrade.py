"""A database of the registry app's layout (traceability's tables inside ``gi_registry``) upgrades
to the trace app with no change to its rows: batches, codes, scans, permissions and the audit log
all carry over, and every printed code still verifies.

The database is brought to the old head (``gi_registry.0007``, no ``trace`` app) by unapplying the
move, which is state only plus the content-type rename: its tables are then exactly the old ones.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import ModelLogEntry

from gi_registry.setup import PRODUCERS
from gi_registry.trace import scans
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Batch, Scan, TraceCode, TraceEvent
from gi_registry.trace.resolve import resolve

OLD_HEAD = [("gi_registry", "0007_scan_journal_and_label_jobs"), ("trace", None)]
TRACE_TABLES = {
    "gi_registry_batch",
    "gi_registry_traceevent",
    "gi_registry_tracecode",
    "gi_registry_scan",
    "gi_registry_scanjournalsegment",
    "gi_registry_labeljob",
}


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def snapshot() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(TRACE_TABLES):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT serial, key_id, status, scan_count FROM gi_registry_tracecode ORDER BY serial")
        return {"counts": counts, "codes": cursor.fetchall()}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_of_the_old_layout_upgrades_and_every_code_still_verifies(client, producer_user):
    batch = BatchFactory(lot_number="UPGRADE-1")
    TraceEventFactory(batch=batch)
    codes = issue_codes(batch, 5)
    withdrawn = issue_codes(BatchFactory(lot_number="UPGRADE-2", authorisation=batch.authorisation), 2)
    Batch.objects.filter(lot_number="UPGRADE-2").update(status=Batch.Status.WITHDRAWN)
    TraceCode.objects.filter(pk__in=[c.pk for c in withdrawn]).update(status=TraceCode.Status.WITHDRAWN)
    for code in codes[:3]:
        assert client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger").status_code == 200
    scans.flush_scans()
    ModelLogEntry.objects.log_action(batch, "wagtail.create", user=producer_user)
    batch_type_id = ContentType.objects.get_for_model(Batch).pk
    add_batch = Permission.objects.get(content_type_id=batch_type_id, codename="add_batch")
    assert Group.objects.get(name=PRODUCERS).permissions.filter(pk=add_batch.pk).exists()
    before = snapshot()
    assert before["counts"]["gi_registry_scan"] == 3

    migrate(OLD_HEAD)
    old = MigrationExecutor(connection).loader.project_state(OLD_HEAD[:1]).apps
    assert old.get_model("gi_registry", "Batch")._meta.db_table == "gi_registry_batch"
    assert ContentType.objects.get(pk=batch_type_id).app_label == "gi_registry"  # as the old head had it
    assert snapshot() == before

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert snapshot() == before
    assert set(connection.introspection.table_names()) >= TRACE_TABLES
    assert ContentType.objects.get(pk=batch_type_id).natural_key() == ("trace", "batch")
    assert not ContentType.objects.filter(app_label="gi_registry", model__in=["batch", "tracecode", "scan"]).exists()
    assert Permission.objects.get(pk=add_batch.pk).content_type_id == batch_type_id  # same row, same groups
    assert Group.objects.get(name=PRODUCERS).permissions.filter(pk=add_batch.pk).exists()
    assert producer_user.__class__.objects.get(pk=producer_user.pk).has_perm("trace.add_batch")
    assert ModelLogEntry.objects.filter(content_type_id=batch_type_id, object_id=str(batch.pk)).count() == 1

    assert [resolve(c.printed_code, log=False).verdict for c in codes] == ["genuine"] * 5
    assert [resolve(c.printed_code, log=False).verdict for c in withdrawn] == ["withdrawn"] * 2
    assert TraceCode.objects.get(pk=codes[0].pk).scan_count == 1
    assert Scan.objects.filter(code__batch=batch).count() == 3
    assert TraceEvent.objects.filter(batch=batch).count() == 1
