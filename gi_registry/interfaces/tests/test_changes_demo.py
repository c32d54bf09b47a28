"""The demo data leaves changes in the feeds, marked demo, and a second run adds none."""

import io

import pytest
from django.core.management import call_command

from gi_registry.interfaces.models import RegistryChange

pytestmark = pytest.mark.django_db


def test_load_demo_data_leaves_demo_changes_in_the_feed_once(demo_site, client, monkeypatch):
    kinds = set(RegistryChange.objects.values_list("kind", flat=True))
    assert {"gi.registered", "authorisation.granted", "standard.issued", "batch.withdrawn"} <= kinds
    withdrawn = RegistryChange.objects.get(kind="batch.withdrawn")
    assert withdrawn.payload["demo"] is True and withdrawn.payload["lot_number"] == "CX2610-03"
    count = RegistryChange.objects.count()
    demo_count = RegistryChange.objects.filter(payload__demo=True).count()

    body = client.get("/feeds/changes.json").json()
    assert body["items"] and any("（示例数据）" in item["content_text"] for item in body["items"])

    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert RegistryChange.objects.count() == count
    assert f"registry changes (feeds): {demo_count} of demo records, 0 recorded now" in out.getvalue()


def test_a_database_loaded_before_changes_were_recorded_gets_them_from_the_demo_step(demo_site):
    RegistryChange.objects.all().delete()
    call_command("load_demo_data", stdout=io.StringIO())
    kinds = set(RegistryChange.objects.values_list("kind", flat=True))
    assert {"gi.registered", "authorisation.granted", "standard.issued", "batch.withdrawn"} <= kinds
    assert all(change.payload["demo"] for change in RegistryChange.objects.filter(kind="gi.registered"))
