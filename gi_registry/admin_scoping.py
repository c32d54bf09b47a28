"""Every admin view of a producer-owned record shows a user only the records its permission policy
allows: the viewset's listing and exports, each single-record view (edit, inspect, history, usage,
revisions, compare, delete, unpublish, lock), the chooser (choose, results, chosen, chosen-multiple,
create) and the bulk actions.

Wagtail's generic views check model-level permissions, and its choosers and bulk actions check
none at all beyond admin access, so a producer account (which holds ``change_producer``) or a
brand editor (no registry permission) could list and open other producers' records through them.
``owner_scoped`` puts one rule, ``records_for``, in front of all of them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import get_list_or_404
from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_search import AdminSearchChooseMixin

VISIBLE_ACTIONS = ["change", "view"]

#: Models whose admin views are narrowed to the records a user may act on (see ``owner_scoped``).
SCOPED_MODELS: list[type[Model]] = []


def records_for(user, model: type[Model]) -> QuerySet:
    """The records of ``model`` this user may see in the admin: the one answer every view uses."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, VISIBLE_ACTIONS)


def may_see(user, instance: Model) -> bool:
    return policy_registry.get(instance).user_has_any_permission_for_instance(user, VISIBLE_ACTIONS, instance)


# -- chooser views: Wagtail's choosers list ``model.objects.all()`` to anyone with admin access --


class ChooserCreationFormRequired:
    """The chooser's "create" view answers 400 when the chooser has no creation form (Wagtail calls
    ``None.is_valid()`` and answers 500)."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            return HttpResponseBadRequest(
                _("This chooser cannot create records; add the record from its own page in the admin."),
                content_type="text/plain; charset=utf-8",
            )
        return super().dispatch(request, *args, **kwargs)


class RegistryChooserViewSet(chooser.SnippetChooserViewSet):
    """Every registry and traceability chooser: searched with ``admin_search``, 25 to a page, with
    the columns its snippet viewset names in ``chooser_columns``."""

    choose_view_class = type("ChooseView", (AdminSearchChooseMixin, chooser.ChooseView), {})
    choose_results_view_class = type("ChooseResultsView", (AdminSearchChooseMixin, chooser.ChooseResultsView), {})
    create_view_class = type("CreateView", (ChooserCreationFormRequired, chooser.SnippetCreateView), {})
    extra_columns: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(extra_columns=self.extra_columns, **kwargs)


class ScopedChooseMixin:
    def get_object_list(self):
        return records_for(self.request.user, self.model_class)


class ScopedChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return records_for(self.request.user, self.model_class).get(pk=pk)


class ScopedChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return records_for(self.request.user, self.model_class).filter(pk__in=pks)


class ScopedChooserViewSet(RegistryChooserViewSet):
    choose_view_class = type("ChooseView", (ScopedChooseMixin, RegistryChooserViewSet.choose_view_class), {})
    choose_results_view_class = type(
        "ChooseResultsView", (ScopedChooseMixin, RegistryChooserViewSet.choose_results_view_class), {}
    )
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


# -- the viewset's own views ---------------------------------------------------------------------


class ScopedObjectMixin:
    """Refuse any view of one record that the permission policy does not allow for this user."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not may_see(self.request.user, obj):
            raise PermissionDenied
        return obj


class ScopedViewSetMixin:
    """The listing (and its CSV/XLSX export) holds only the records the user may see."""

    chooser_viewset_class = ScopedChooserViewSet

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return queryset.filter(pk__in=records_for(request.user, self.model).values("pk"))


def owner_scoped(viewset_cls: type[SnippetViewSet]) -> type[SnippetViewSet]:
    """A subclass of ``viewset_cls`` whose every view, chooser and bulk action shows a user only
    the records ``records_for`` gives it."""
    not_single_record = {"add_view_class", "preview_on_add_view_class", "copy_view_class", "index_view_class"}
    attrs = {}
    for name in dir(viewset_cls):
        view_class = getattr(viewset_cls, name)
        if name.endswith("_view_class") and name not in not_single_record and hasattr(view_class, "get_object"):
            attrs[name] = type(view_class.__name__, (ScopedObjectMixin, view_class), {})
    scoped = type(viewset_cls.__name__, (ScopedViewSetMixin, viewset_cls), attrs)
    scoped.__module__ = viewset_cls.__module__
    SCOPED_MODELS.append(viewset_cls.model)
    return scoped


# -- bulk actions: Wagtail's show the title of any id in the URL -------------------------------


class ScopedDeleteBulkAction(DeleteBulkAction):
    """Bulk delete of scoped models: ids outside ``records_for`` are not found (404, no title)."""

    @classproperty
    def models(cls):
        return list(SCOPED_MODELS)

    def get_queryset(self, model, object_ids):  # an instance method here: it needs the request
        return get_list_or_404(records_for(self.request.user, model), pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        return records_for(self.request.user, self.model).values_list("pk", flat=True)
