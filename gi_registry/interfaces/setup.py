"""Who may do what in the interfaces' admin: permissions given after every ``migrate``.

Runs on post_migrate from ``InterfacesConfig.ready``, after the registry's own setup
(``gi_registry.setup``) whose groups it extends; idempotent like it. Never on the task queue's own
database (``TASKS_URL``), which has none of the site's tables.

- 登记管理员 (registry officers): organisations (add, change, delete, view), every API token
  (create for an organisation or a producer, view, revoke = ``change_apitoken``), webhook
  subscriptions (model permissions on ``Subscription``) and the delivery log
  (``view_delivery``; ``change_delivery`` for its replay action).
- 生产主体 (producer accounts): API tokens of their own producers only (create, view, revoke);
  ``interfaces.admin.tokens.tokens_for`` narrows the model permissions to them.
- 品牌编辑 (brand editors), 执法人员 (enforcement staff): nothing. Superusers have all.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from gi_registry.setup import PRODUCERS, REGISTRY_OFFICERS, _perms

ORGANISATION_CODENAMES = ["add_organisation", "change_organisation", "delete_organisation", "view_organisation"]
TOKEN_CODENAMES = ["add_apitoken", "change_apitoken", "view_apitoken"]


@transaction.atomic
def ensure_interface_permissions() -> None:
    officers, _created = Group.objects.get_or_create(name=REGISTRY_OFFICERS)
    officers.permissions.add(*_perms("interfaces", [*ORGANISATION_CODENAMES, *TOKEN_CODENAMES]))
    producers, _created = Group.objects.get_or_create(name=PRODUCERS)
    producers.permissions.add(*_perms("interfaces", TOKEN_CODENAMES))


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.db import router

    if not router.allow_migrate_model(using, Permission):
        return  # the task queue's own database (TASKS_URL)
    create_permissions(apps.get_app_config("interfaces"), verbosity=0, using=using)
    ensure_interface_permissions()


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
