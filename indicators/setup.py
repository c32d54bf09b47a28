"""Registry officers (登记管理员) keep the plan indicators: add, change, delete and view them.

``gi_registry.setup`` creates the groups after every ``migrate``; this runs after it (the
indicators app comes later in ``INSTALLED_APPS``) and is idempotent.
"""

from django.contrib.auth.models import Group, Permission

from gi_registry.setup import REGISTRY_OFFICERS

OFFICER_CODENAMES = [
    f"{action}_planindicator" for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
]


def officer_permissions() -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="indicators", codename__in=OFFICER_CODENAMES))


def grant_officer_permissions(using: str = "default") -> None:
    """Give the registry officers' group the indicator permissions (if the group exists yet)."""
    officers = Group.objects.using(using).filter(name=REGISTRY_OFFICERS).first()
    if officers is not None:
        officers.permissions.add(*officer_permissions())


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.db import router
    from wagtail.snippets.models import create_extra_permissions

    if not router.allow_migrate_model(using, Permission):
        return  # a database without the site's tables (the task queue's own, TASKS_URL)
    config = apps.get_app_config("indicators")
    create_permissions(config, verbosity=0, using=using)
    create_extra_permissions(config, using=using)  # publish, lock, unlock (drafts and locking)
    grant_officer_permissions(using)
