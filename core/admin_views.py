"""Admin views shared by every app's viewsets.

Autosave is for records that exist. On an "add" form Wagtail's autosave posts the half-filled form
in the background, and a post that validates creates the record (a snippet, or a draft page in the
tree): the user who then presses 保存 gets "already exists", or leaves a stray record by closing the
tab. Add forms here never autosave; nothing is written until the user saves. Edit forms keep it.

The same views say what a workflow action did and mark what is in moderation (``admin_workflow``).
"""

from wagtail.admin.views.pages.create import CreateView as PageCreateView
from wagtail.admin.views.pages.edit import EditView as PageEditView
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.workflow import WorkflowActionView as PageWorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.snippets.views import snippets as snippet_views

from .admin_workflow import (
    ModerationIndexMixin,
    PageWorkflowMessagesMixin,
    SnippetWorkflowMessagesMixin,
    WorkflowActionMessagesMixin,
    with_moderation_status,
)


class NoAutosaveMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        context.pop("autosave_indicator", None)
        return context


class SnippetCreateWithoutAutosave(NoAutosaveMixin, SnippetWorkflowMessagesMixin, snippet_views.CreateView):
    pass


class SnippetEditWithMessages(SnippetWorkflowMessagesMixin, snippet_views.EditView):
    pass


class SnippetWorkflowActionWithMessage(WorkflowActionMessagesMixin, snippet_views.WorkflowActionView):
    pass


class SnippetIndexWithModeration(ModerationIndexMixin, snippet_views.IndexView):
    pass


class ModerationViewSetMixin:
    """For a snippet viewset of a model under a workflow: workflow messages and listing markers."""

    add_view_class = SnippetCreateWithoutAutosave
    edit_view_class = SnippetEditWithMessages
    workflow_action_view_class = SnippetWorkflowActionWithMessage
    index_view_class = SnippetIndexWithModeration


class PageCreateWithoutAutosave(NoAutosaveMixin, PageCreateView):
    pass


class RegistryPageViewSet(PageViewSet):
    """Stands in for Wagtail's default viewset of every page type (registered for ``Page``, which
    every page model inherits): the same views, with an add view that does not autosave, workflow
    messages that say what happened, and the moderation marker in the explorer."""

    model = Page
    name = "registry_pages"
    add_view_class = PageCreateWithoutAutosave
    edit_view_class = type("EditView", (PageWorkflowMessagesMixin, PageEditView), {})
    workflow_action_view_class = type("WorkflowActionView", (WorkflowActionMessagesMixin, PageWorkflowActionView), {})
    index_view_class = type(
        "ExplorableIndexView",
        (ExplorableIndexView,),
        {"base_columns": with_moderation_status(ExplorableIndexView.base_columns)},
    )
