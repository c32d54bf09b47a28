"""Admin views shared by every app's viewsets.

Autosave is for records that exist. On an "add" form Wagtail's autosave posts the half-filled form
in the background, and a post that validates creates the record (a snippet, or a draft page in the
tree): the user who then presses 保存 gets "already exists", or leaves a stray record by closing the
tab. Add forms here never autosave; nothing is written until the user saves. Edit forms keep it.
"""

from wagtail.admin.views.pages.create import CreateView as PageCreateView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView


class NoAutosaveMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        context.pop("autosave_indicator", None)
        return context


class SnippetCreateWithoutAutosave(NoAutosaveMixin, SnippetCreateView):
    pass


class PageCreateWithoutAutosave(NoAutosaveMixin, PageCreateView):
    pass


class RegistryPageViewSet(PageViewSet):
    """Stands in for Wagtail's default viewset of every page type (registered for ``Page``, which
    every page model inherits): the same views, with an add view that does not autosave."""

    model = Page
    name = "registry_pages"
    add_view_class = PageCreateWithoutAutosave
