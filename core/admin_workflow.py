"""Moderation that tells people what happened, and listings that show what waits for it.

Wagtail's own feedback is thin here: approving or requesting changes from a snippet's edit page
says only "'X' updated.", from a page's edit page "Page 'X' has been updated.", from the dashboard's
"Awaiting your review" panel nothing at all; and neither the snippet listings nor the page explorer
mark what is in moderation. A registry officer who submits his own edit and then approves it (he is
in the approval task's group) could not tell whether it went live.

One function, ``workflow_message``, words the outcome of every workflow action (submitted; approved
and published, or passed to the next step; changes requested; cancelled; restarted) from the state
the object is in afterwards, and the view mixins below put it in place of Wagtail's message on every
path: the snippet create/edit views, the page edit view and the workflow-action modal of both.
``ModerationTitleColumn`` marks records in moderation ("审核中") or sent back for changes ("待修改")
beside their name in the snippet listings (Wagtail's status column says it too, but as the last of
many columns it is off screen); ``ModerationPageStatusColumn`` adds "待修改" in the page explorer,
whose status tag already says "发布+审核中".
"""

from __future__ import annotations

from django.db.models import Model, Prefetch, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.ui.tables.pages import PageStatusColumn
from wagtail.admin.utils import get_latest_str
from wagtail.models import Page, TaskState, WorkflowMixin, WorkflowState

# The edit views' action names (snippets: ``self.action``) for the words below.
SNIPPET_ACTIONS = {"submit": "submit", "restart-workflow": "restart", "cancel-workflow": "cancel"}


def _names(obj: Model) -> dict[str, str]:
    if isinstance(obj, Page):
        return {"kind": capfirst(obj.specific_class._meta.verbose_name), "title": obj.get_admin_display_title()}
    return {"kind": capfirst(obj._meta.verbose_name), "title": str(get_latest_str(obj))}


def _latest_state(obj: Model) -> WorkflowState | None:
    return (
        WorkflowState.objects.for_instance(obj)
        .select_related("current_task_state__task")
        .order_by("-created_at", "-pk")
        .first()
    )


def _current_task(state: WorkflowState | None):
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS or state.current_task_state is None:
        return None
    return state.current_task_state.task.specific


def user_may_approve(obj: Model, user) -> bool:
    """Whether ``user`` may approve the step ``obj`` now waits at (e.g. an officer who submitted it)."""
    task = _current_task(_latest_state(obj))
    return task is not None and any(name == "approve" for name, *_rest in task.get_actions(obj, user))


def workflow_message(obj: Model, action: str, user) -> str:
    """What ``action`` (submit, approve, reject, cancel, restart, or a custom task's action) just did
    to ``obj``, read from the state it is in now: live or not, which step it waits at, and whether
    ``user`` may approve that step himself."""
    fresh = obj._meta.model._default_manager.get(pk=obj.pk)  # publishing on approval changed the row
    names = _names(fresh)
    state = _latest_state(fresh)
    task = _current_task(state)

    if action in ("submit", "restart") and task is not None:
        names["task"] = task.name
        if action == "restart":
            message = _("%(kind)s '%(title)s' has been submitted for moderation again, from the first step: %(task)s.")
        else:
            message = _("%(kind)s '%(title)s' has been submitted for moderation: it waits for %(task)s.")
        if any(name == "approve" for name, *_rest in task.get_actions(fresh, user)):
            message += " " + _(
                "You approve this step yourself: choose 'Approve' in the menu beside the save button"
                " (or under 'Awaiting your review' on the dashboard); it goes live then."
            )
        else:
            message += " " + _("It goes live once it is approved.")
        return message % names
    if action == "approve":
        if task is not None:
            names["task"] = task.name
            return _("Step approved: %(kind)s '%(title)s' now waits for the next step, %(task)s.") % names
        if getattr(fresh, "live", False) and not getattr(fresh, "has_unpublished_changes", False):
            return _("Approved and published: %(kind)s '%(title)s' is now live.") % names
        if getattr(fresh, "go_live_at", None):
            return _("Approved: %(kind)s '%(title)s' is scheduled to go live.") % names
        return _("Approved: %(kind)s '%(title)s' has left moderation.") % names
    if action == "reject":
        return (
            _(
                "Changes requested: %(kind)s '%(title)s' was not published. The submitter sees the comment,"
                " edits it and submits it again."
            )
            % names
        )
    if action == "cancel":
        return (
            _("Moderation of %(kind)s '%(title)s' has been cancelled; the changes stay a draft, not published.") % names
        )
    return _("Moderation step done on %(kind)s '%(title)s'.") % names


# -- messages on every path ----------------------------------------------------------------------


class SnippetWorkflowMessagesMixin:
    """Snippet create/edit views: the workflow actions' message from ``workflow_message``."""

    def get_success_message(self, instance=None):
        if self.action == "workflow-action":
            return workflow_message(instance or self.object, self.workflow_action, self.request.user)
        if self.action in SNIPPET_ACTIONS:
            return workflow_message(instance or self.object, SNIPPET_ACTIONS[self.action], self.request.user)
        return super().get_success_message(instance)


class PageWorkflowMessagesMixin:
    """The page edit view: approving or requesting changes says so (Wagtail says "has been
    updated"); a submitter who approves the step himself is told how."""

    def add_save_confirmation_message(self):
        if self.action_name == "perform_workflow_action":
            messages.success(self.request, workflow_message(self.page, self.workflow_action, self.request.user))
            return
        super().add_save_confirmation_message()

    def submit_action(self):
        response = super().submit_action()
        if user_may_approve(self.page, self.request.user):
            # Wagtail has said "submitted for moderation"; this is what the officer needs next.
            messages.info(self.request, workflow_message(self.page, "submit", self.request.user))
        return response


class WorkflowActionMessagesMixin:
    """The workflow-action views (the dashboard's "Awaiting your review" and the edit pages' modal),
    which Wagtail leaves silent."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db(fields=["status"])
        if self.task_state.status != TaskState.STATUS_IN_PROGRESS:  # the action was taken
            messages.success(request, workflow_message(self.object, self.action_name, request.user))
        return response


# -- markers in listings -------------------------------------------------------------------------


def moderation_marker(obj: Model, *, in_progress: bool = True) -> str | None:
    """The marker for ``obj``: "审核中" while it waits for approval (unless ``in_progress`` is False),
    "待修改" when changes were requested, else None. Reads ``current_workflow_state``, which uses
    the listing's prefetch (``with_workflow_states``)."""
    if not isinstance(obj, WorkflowMixin):
        return None
    state = obj.current_workflow_state
    if state is None:
        return None
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return _("Changes requested")
    return _("In moderation") if in_progress else None


def with_workflow_states(queryset: QuerySet) -> QuerySet:
    """The listing's records with their active workflow states in one query (Wagtail's
    ``prefetch_workflow_states`` for pages, for any model under a workflow)."""
    if not issubclass(queryset.model, WorkflowMixin) or issubclass(queryset.model, Page):
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "_workflow_states",
            queryset=WorkflowState.objects.active().select_related("current_task_state__task"),
            to_attr="_current_workflow_states",
        )
    )


class ModerationTitleColumn(TitleColumn):
    """The listing's title with its moderation marker beside it, where it is seen at any width."""

    cell_template_name = "core/admin/title_cell_moderation.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["moderation"] = moderation_marker(instance)
        return context


class ModerationIndexMixin:
    """A snippet IndexView whose title column carries the moderation marker."""

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        if column_class is TitleColumn:
            column_class = ModerationTitleColumn
        return super()._get_title_column(field_name, column_class, **kwargs)

    def get_base_queryset(self):
        return with_workflow_states(super().get_base_queryset())


class ModerationPageStatusColumn(PageStatusColumn):
    """The explorer's status column: Wagtail's own tag already says "发布+审核中" while a page waits
    for approval, but "发布+草稿" once changes were requested; this adds "待修改" then."""

    cell_template_name = "core/admin/page_status_cell_moderation.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["moderation"] = moderation_marker(instance, in_progress=False)
        return context


def with_moderation_status(columns: list) -> list:
    """The page listing's columns (Wagtail's ``base_columns``, a class attribute) with the status
    column replaced by ``ModerationPageStatusColumn`` (the explorer prefetches the workflow states)."""
    return [
        ModerationPageStatusColumn(column.name, label=column.label, sort_key=column.sort_key, width=column.width)
        if type(column) is PageStatusColumn
        else column
        for column in columns
    ]
