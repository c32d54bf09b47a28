"""The enforcement staff's group (执法人员) and who may see cases: created after every ``migrate``.

Runs on post_migrate from ``ProtectionConfig.ready``, after the registry's own setup
(``gi_registry.setup``), whose groups it extends; idempotent like it.

- 执法人员 (enforcement staff, complaint handlers): see and handle cases (``protection.handle_case``
  with the model permissions), keep the holiday list.
- 登记管理员 (registry officers): see cases read-only (``view_case``; no ``handle_case``, no
  ``change_case``), unless also in 执法人员; keep the holiday list too.
- 生产主体 (producers): no case permission at all; they see reports about their own codes, without
  personal data, through their own listing (``producer_reports``).
- 品牌编辑 (brand editors): nothing.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from gi_registry.setup import REGISTRY_OFFICERS, _perms

ENFORCEMENT_STAFF = "执法人员"
HANDLE_PERMISSION = "protection.handle_case"
VIEW_PERMISSION = "protection.view_case"

HOLIDAY_CODENAMES = ["add_holiday", "change_holiday", "delete_holiday", "view_holiday"]


def enforcement_permissions():
    return [
        *_perms("wagtailadmin", ["access_admin"]),
        *_perms(
            "protection",
            [
                "handle_case",
                "view_case",
                "change_case",
                "view_report",
                "view_reportphoto",
                "add_casenote",
                "view_casenote",
                "add_caseattachment",
                "view_caseattachment",
                *HOLIDAY_CODENAMES,
            ],
        ),
    ]


def officer_case_permissions():
    return _perms("protection", ["view_case", "view_report", "view_reportphoto", *HOLIDAY_CODENAMES])


@transaction.atomic
def ensure_enforcement_group() -> None:
    staff, _created = Group.objects.get_or_create(name=ENFORCEMENT_STAFF)
    staff.permissions.add(*enforcement_permissions())
    officers, _created = Group.objects.get_or_create(name=REGISTRY_OFFICERS)
    officers.permissions.add(*officer_case_permissions())


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.db import router

    if not router.allow_migrate_model(using, Permission):
        return  # a database without the site's tables (the task queue's own, TASKS_URL)
    create_permissions(apps.get_app_config("protection"), verbosity=0, using=using)
    ensure_enforcement_group()
