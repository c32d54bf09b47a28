"""Changes made in the admin reach the feeds as each group makes them: an officer's publish (and
not its draft), an officer's recall of a lot; a producer account refused another's lot records
nothing; the public reads the feeds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory
from gi_registry.interfaces.models import RegistryChange
from gi_registry.models import Authorisation
from gi_registry.trace.factories import BatchFactory

pytestmark = pytest.mark.django_db


def authorisation_form(producer, gi, **extra):
    today = timezone.localdate()
    return {
        "number": "",
        "producer": producer.pk,
        "geographical_indication": gi.pk,
        "scope": "鲜果",
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
        "status": "active",
        "yearly_quota": 5000,
        **extra,
    }


def feed_titles(client, url="/feeds/changes.json"):
    client.logout()  # the feeds are the same for everyone: read them as the public does
    return [item["title"] for item in client.get(url).json()["items"]]


def test_an_officers_draft_records_nothing_and_the_publish_records_the_grant(client, officer):
    producer, gi = ProducerFactory(name="梁平区川西柚子专业合作社"), GeographicalIndicationFactory(name="梁平柚")
    client.force_login(officer)
    add = reverse("wagtailsnippets_gi_registry_authorisation:add")
    assert client.post(add, authorisation_form(producer, gi)).status_code == 302  # "save draft"
    draft = Authorisation.objects.get(producer=producer)
    assert not draft.live
    assert feed_titles(client) == []

    client.force_login(officer)
    edit = reverse("wagtailsnippets_gi_registry_authorisation:edit", args=[draft.pk])
    data = authorisation_form(producer, gi, number=draft.number, **{"action-publish": "action-publish"})
    assert client.post(edit, data).status_code == 302
    assert feed_titles(client) == [f"授权使用：梁平区川西柚子专业合作社 获准使用 梁平柚（{draft.number}）"]
    assert feed_titles(client, f"/feeds/gi/{gi.slug}.json") == feed_titles(client)


def test_a_producer_cannot_recall_another_producers_lot_so_nothing_is_recorded(client, producer_user):
    own = BatchFactory()
    own.producer.accounts.add(producer_user)
    other = BatchFactory(lot_number="OTHER-01")
    client.force_login(producer_user)
    client.post(reverse("trace_admin:withdraw", args=[other.pk]), {"status": "recalled", "reason": "x"})
    assert feed_titles(client) == []


def test_an_officer_recalls_any_lot(client, officer):
    batch = BatchFactory(lot_number="CX2610-03")
    client.force_login(officer)
    client.post(reverse("trace_admin:withdraw", args=[batch.pk]), {"status": "withdrawn", "reason": "包装破损"})
    assert [c.kind for c in RegistryChange.objects.all()] == ["batch.withdrawn"]
    (title,) = feed_titles(client)
    assert title.startswith("批次撤回：") and "CX2610-03" in title
