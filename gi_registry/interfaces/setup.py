"""Who may do what in the interfaces' admin: run after every ``migrate`` (idempotent).

Webhooks: registry officers (登记管理员) manage subscriptions and see the delivery log (model
permissions on ``Subscription``; ``view_delivery``/``change_delivery`` for the log and its replay
action). Brand editors, producers and enforcement staff get none of it; superusers have all.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from gi_registry.setup import REGISTRY_OFFICERS, _perms

WEBHOOK_OFFICER_CODENAMES = [
    "add_subscription",
    "change_subscription",
    "delete_subscription",
    "view_subscription",
    "view_delivery",
    "change_delivery",  # replay
]


@transaction.atomic
def ensure_webhook_permissions() -> None:
    officers, _created = Group.objects.get_or_create(name=REGISTRY_OFFICERS)
    officers.permissions.add(*_perms("interfaces", WEBHOOK_OFFICER_CODENAMES))


def on_post_migrate_webhooks(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.db import router

    if not router.allow_migrate_model(using, Permission):
        return  # the task queue's own database (TASKS_URL)
    create_permissions(apps.get_app_config("interfaces"), verbosity=0, using=using)
    ensure_webhook_permissions()
