"""Keep the search indexes true: every change to an indexed record reaches ``service.record_changed``.

Listened to: ``post_save`` and ``post_delete`` (any save, including the importer's and a plain
``save()``), Wagtail's ``published`` / ``unpublished`` (snippets and pages) and
``page_published`` / ``page_unpublished``, and ``m2m_changed`` (townships and product families
are written after ``post_save`` by modelcluster). The handler never trusts the instance it is
given — a draft saved on a live record carries unpublished values — it re-reads the public
record from the database when the transaction commits.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import service
from .documents import source_for_model, source_object_id

_connected = False


def _changed(sender, instance=None, **kwargs) -> None:
    if instance is None or kwargs.get("raw") or instance.pk is None:
        return
    source = source_for_model(type(instance))
    if source is not None:
        service.record_changed(source.type, source_object_id(instance))


def _relations_changed(sender, instance=None, action="", reverse=False, model=None, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or instance is None:
        return
    source = source_for_model(type(instance))
    if source is not None:
        service.record_changed(source.type, str(instance.pk))
    elif model is not None and pk_set:
        related = source_for_model(model)
        if related is not None:
            for pk in pk_set:
                service.record_changed(related.type, str(pk))


def connect() -> None:
    """Connect the handlers once (``SearchConfig.ready``)."""
    global _connected
    if _connected:
        return
    from wagtail.signals import page_published, page_unpublished, published, unpublished

    for signal in (post_save, post_delete, published, unpublished, page_published, page_unpublished):
        signal.connect(_changed, dispatch_uid=f"search-{id(signal)}", weak=False)
    m2m_changed.connect(_relations_changed, dispatch_uid="search-m2m", weak=False)
    _connected = True
