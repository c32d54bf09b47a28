"""``PAGE_CACHE_MODELS`` is the one list of what bumps the page cache's content version."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save

from core import cache
from core.models import ContentVersion
from gi_registry.factories import ProducerFactory

pytestmark = pytest.mark.django_db


def version() -> int:
    return ContentVersion.objects.filter(pk=1).values_list("counter", flat=True).first() or 0


def receives(signal, model) -> bool:
    sync_receivers, async_receivers = signal._live_receivers(model)
    return cache.bump_version in [*sync_receivers, *async_receivers]


@pytest.mark.parametrize("label", settings.PAGE_CACHE_MODELS)
def test_saving_or_deleting_each_listed_model_bumps_the_version(label):
    model = apps.get_model(label)
    instance = model()
    before = version()
    post_save.send(sender=model, instance=instance, created=True, raw=False, using="default", update_fields=None)
    assert version() == before + 1
    post_delete.send(sender=model, instance=instance, using="default", origin=instance)
    assert version() == before + 2


def test_the_list_is_the_only_source():
    """No app connects ``bump_version`` to a model of its own: the receivers are exactly the list."""
    listed = {apps.get_model(label) for label in settings.PAGE_CACHE_MODELS}
    for signal in (post_save, post_delete):
        wired = {model for model in apps.get_models() if receives(signal, model)}
        assert wired == listed


def test_a_real_save_and_delete_bump_it():
    before = version()
    producer = ProducerFactory()
    assert version() > before
    saved = version()
    producer.delete()
    assert version() > saved
