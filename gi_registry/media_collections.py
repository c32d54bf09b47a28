"""Collections of images and documents, and which group may use which (made after every migrate).

Wagtail 8 guards images and documents with ``CollectionOwnershipPermissionPolicy``
(``wagtail/permission_policies/collections.py``): a group is granted ``add``, ``change``,
``delete`` or ``choose`` on a collection (``GroupCollectionPermission``), which covers the
collections below it; ``add`` also lets a user change and delete the items *they uploaded*
(ownership). ``choose`` has no such ownership rule: it is granted on a collection, for every item
in it. Producer accounts must choose their own package photos and inspection reports (the batch
form's choosers) and never another producer's, so one shared producers' collection cannot serve
them: with ``choose`` on it every producer would choose every other's photos, and without it none
could choose even their own. Hence one collection per producer, under 生产主体照片, and one group
per producer holding all four permissions on it, whose members are the producer's accounts
(``Producer.accounts``), kept in step whenever accounts are linked or unlinked.

- 登记管理员 (registry officers): all four on the root collection, so on everything.
- 品牌编辑 (brand editors): all four on 品牌素材 (brand assets): logos, story images, downloads.
- a producer's accounts: all four on 生产主体照片 › <the producer's name>, through the group
  ``生产主体素材·<credit code>``; nothing anywhere else.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

#: the collections (names as shown in the admin)
BRAND_ASSETS = "品牌素材"  # brand editors' collection
REGISTRY_MEDIA = "登记资料"  # the officers' own: GI marks, specifications (officers hold the root anyway)
PRODUCER_MEDIA = "生产主体照片"  # the producers' collections sit under it, one each
PRODUCER_GROUP_PREFIX = "生产主体素材·"  # + credit code: the group of one producer's accounts

MEDIA_ACTIONS = ("add", "change", "delete", "choose")
MEDIA_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


def media_permissions() -> list[Permission]:
    """add/change/delete/choose on images and on documents."""
    codenames = [f"{action}_{model}" for _app, model in MEDIA_MODELS for action in MEDIA_ACTIONS]
    perms = list(
        Permission.objects.filter(
            content_type__app_label__in=[app for app, _model in MEDIA_MODELS], codename__in=codenames
        )
    )
    if len(perms) != len(codenames):
        raise RuntimeError(
            f"Missing image or document permissions: {sorted(set(codenames) - {p.codename for p in perms})}"
        )
    return perms


def grant(group: Group, collection) -> None:
    """All four actions on images and documents in ``collection`` (and below it) for ``group``."""
    from wagtail.models import GroupCollectionPermission

    for permission in media_permissions():
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def child_collection(parent, name: str):
    """``parent``'s child collection called ``name``, made if missing."""
    from wagtail.models import Collection

    existing = parent.get_children().filter(name=name).first()
    return existing if existing is not None else parent.add_child(instance=Collection(name=name))


def root_collection():
    from wagtail.models import Collection

    return Collection.get_first_root_node()


def brand_assets_collection():
    return child_collection(root_collection(), BRAND_ASSETS)


def registry_media_collection():
    return child_collection(root_collection(), REGISTRY_MEDIA)


def ensure_media_collections(officers: Group, editors: Group) -> None:
    """The collections and the groups' permissions on them; every linked producer's own collection."""
    from django.db import connection

    from .models import Producer, ProducerCollection

    root = root_collection()
    if root is None:  # Wagtail's migration makes it; nothing to grant on before
        return
    if ProducerCollection._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the producers' collections (post_migrate runs then too)
    grant(officers, root)
    grant(editors, brand_assets_collection())
    registry_media_collection()
    child_collection(root, PRODUCER_MEDIA)
    for producer in Producer.objects.filter(accounts__isnull=False).distinct():
        sync_producer_collection(producer)


def producer_group_name(producer) -> str:
    return f"{PRODUCER_GROUP_PREFIX}{producer.credit_code}"


@transaction.atomic
def sync_producer_collection(producer):
    """Make the producer's collection and group exist once it has an account, give the group the
    collection, and make its members exactly the producer's accounts (as stored). A producer
    without accounts gets nothing made; one whose accounts were all unlinked keeps its collection
    (and the photos in it) with an empty group. Returns the ``ProducerCollection`` or None."""
    from .models import ProducerCollection

    accounts = list(get_user_model().objects.filter(producers=producer))
    link = ProducerCollection.objects.filter(producer=producer).select_related("collection", "group").first()
    if link is None:
        if not accounts:
            return None
        parent = child_collection(root_collection(), PRODUCER_MEDIA)
        from wagtail.models import Collection

        collection = parent.add_child(instance=Collection(name=producer.name))
        group, _created = Group.objects.get_or_create(name=producer_group_name(producer))
        link = ProducerCollection.objects.create(producer=producer, collection=collection, group=group)
    grant(link.group, link.collection)
    if link.collection.name != producer.name:  # renamed (the live name)
        link.collection.name = producer.name
        link.collection.save(update_fields=["name"])
    if {u.pk for u in link.group.user_set.all()} != {u.pk for u in accounts}:
        link.group.user_set.set(accounts)
    return link


def on_accounts_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """``Producer.accounts`` changed (an officer linked or unlinked an account and published, or
    code called ``user.producers.add``): bring the producers' groups in step."""
    from .models import Producer

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        producers = [instance]
    elif pk_set:
        producers = list(Producer.objects.filter(pk__in=pk_set))
    else:  # user.producers.clear(): every producer whose group still holds the user
        producers = list(Producer.objects.filter(media_collection__group__user=instance))
    for producer in producers:
        sync_producer_collection(producer)


def on_link_deleted(sender, instance, **kwargs) -> None:
    """A producer's link went (the producer was deleted): its group goes too, the photos stay in
    the collection for the officers."""
    Group.objects.filter(pk=instance.group_id).delete()


def on_producer_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """A producer published under a new name: its collection follows (a draft's save writes only
    its revision fields, so a name still in moderation does not)."""
    from .models import ProducerCollection

    if raw or instance.pk is None or (update_fields is not None and "name" not in update_fields):
        return
    link = ProducerCollection.objects.filter(producer=instance).select_related("collection").first()
    if link is not None and link.collection.name != instance.name:
        link.collection.name = instance.name
        link.collection.save(update_fields=["name"])
