"""Groups, their permissions and the moderation workflow: created after every ``migrate``.

Permissions only exist after Django's own post_migrate handler has run, so this runs on
post_migrate too (after it, see ``apps.py``) and is idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .media_collections import ensure_media_collections

REGISTRY_OFFICERS = "登记管理员"  # registry officers: keep the registry, approve what goes public
BRAND_EDITORS = "品牌编辑"  # brand editors: pages only
PRODUCERS = "生产主体"  # producer accounts: their own record (and later their own batches)

REGISTRY_MODELS = ["geographicalindication", "producer", "authorisation", "standard"]
WORKFLOW_NAME = "登记发布审核"
# Batches and their events (the trace app): producers register their own (gi_registry.trace.permissions
# narrows them to their own).
TRACE_PRODUCER_CODENAMES = [
    "add_batch",
    "change_batch",
    "view_batch",
    "add_traceevent",
    "change_traceevent",
    "view_traceevent",
]


def _perms(app_label: str, codenames: list[str]) -> list[Permission]:
    perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in perms}
    if missing:
        raise RuntimeError(f"Missing permissions {sorted(missing)} in {app_label}")
    return perms


def officer_permissions() -> list[Permission]:
    codenames = [
        f"{action}_{model}"
        for model in REGISTRY_MODELS
        for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
    ]
    codenames += ["add_township", "change_township", "view_township", "change_productfamily", "view_productfamily"]
    return [
        *_perms("gi_registry", codenames),
        *_perms("trace", [*TRACE_PRODUCER_CODENAMES, "delete_traceevent", "view_tracecode", "view_scan"]),
        *_perms("trace", ["view_usagereport", "change_usagereport"]),  # review yearly usage reports
        *_perms("wagtailadmin", ["access_admin"]),
        *_perms("simple_translation", ["submit_translation"]),
    ]


def brand_editor_permissions() -> list[Permission]:
    return [
        *_perms("wagtailadmin", ["access_admin"]),
        *_perms("simple_translation", ["submit_translation"]),  # "Translate" a page into English
    ]


def producer_permissions() -> list[Permission]:
    return [
        *_perms("wagtailadmin", ["access_admin"]),
        *_perms("gi_registry", ["change_producer", "view_producer"]),
        *_perms("trace", TRACE_PRODUCER_CODENAMES),
        # their own batches' events: corrected or deleted from the guided flow's step 2 (trace.admin.flow)
        *_perms("trace", ["delete_traceevent"]),
        # the scan dashboard, narrowed to the scans of their own codes (trace.admin.scan_figures)
        *_perms("trace", ["view_scan"]),
        # their yearly usage reports, narrowed to their own authorisations (trace.admin.usage_reports)
        *_perms("trace", ["add_usagereport", "change_usagereport", "view_usagereport"]),
    ]


@transaction.atomic
def ensure_groups_and_workflow() -> None:
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowContentType,
        WorkflowPage,
        WorkflowTask,
    )

    officers, _ = Group.objects.get_or_create(name=REGISTRY_OFFICERS)
    officers.permissions.add(*officer_permissions())
    editors, _ = Group.objects.get_or_create(name=BRAND_EDITORS)
    editors.permissions.add(*brand_editor_permissions())
    producers, _ = Group.objects.get_or_create(name=PRODUCERS)
    producers.permissions.add(*producer_permissions())
    # Images and documents are guarded per collection, not by these model permissions: officers
    # hold the root, editors 品牌素材, each producer's accounts their own (media_collections.py).
    ensure_media_collections(officers, editors)

    # Brand editors write pages; publishing is the officers' approval step. Granted on the root
    # so that it covers every language's home page (an English home is a sibling of the Chinese
    # one, made later by "Translate"); what may be created where is fixed by the page types.
    root = Page.get_first_root_node()
    # Officers review and publish them: Wagtail's admin denies the approve action to a task's
    # group member who has no permission on the page itself.
    page_perms = {editors: ("add_page", "change_page"), officers: ("change_page", "publish_page")}
    if root is not None:
        GroupPagePermission.objects.filter(group__in=page_perms, page__depth=2).delete()  # older grants
        for group, codenames in page_perms.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root,
                    permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore"),
                )

    task = GroupApprovalTask.objects.filter(name="登记管理员审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="登记管理员审核")
    task.groups.add(officers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for model in REGISTRY_MODELS:
        content_type = ContentType.objects.get(app_label="gi_registry", model=model)
        WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})
    # Every page (brand pages and translations among them) goes through the same approval, in
    # place of Wagtail's default "Moderators approval" on the root page.
    if root is not None:
        WorkflowPage.objects.filter(page__depth=2, workflow=workflow).delete()  # older assignments
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.db import router
    from wagtail.models import Page
    from wagtail.snippets.models import create_extra_permissions

    if not router.allow_migrate_model(using, Page):
        return  # a database without the site's tables (the task queue's own, TASKS_URL)
    # Other apps' permissions (and the snippets' publish/lock ones) are created by their own
    # post_migrate handlers, which may not have run yet; both calls are idempotent.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)
    if Page.objects.using(using).filter(depth=2).exists():
        ensure_groups_and_workflow()
