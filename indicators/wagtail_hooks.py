"""The plan indicators in the Wagtail admin: a "规划指标" menu of their own (registry officers edit)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_views import SnippetCreateWithoutAutosave
from gi_registry.admin_scoping import RegistryChooserViewSet

from . import services
from .models import PlanIndicator


class LatestValueColumn(Column):
    """The latest figure and its year, e.g. "4.1 (2024)", staff-entered or computed."""

    def get_value(self, instance):
        figure = services.latest_figure(instance)
        return "" if figure is None else f"{figure.display} ({figure.year})"


class TargetColumn(Column):
    def get_value(self, instance):
        return f"{services.format_figure(instance.target_value)} {instance.unit} ({instance.target_year})"


class PlanIndicatorViewSet(SnippetViewSet):
    model = PlanIndicator
    icon = "table"
    menu_label = _("Plan indicators")
    menu_name = "plan-indicators"
    menu_order = 210  # after the "Registry" group (200)
    add_view_class = SnippetCreateWithoutAutosave
    chooser_viewset_class = RegistryChooserViewSet  # its create view answers 400, not 500, to a post
    add_to_admin_menu = True
    # The listing's search goes through the ORM (icontains), which finds Chinese substrings.
    search_backend_name = None
    search_fields = ["name", "name_en"]
    copy_view_enabled = False
    list_display = [
        "number",
        "name",
        TargetColumn("target", label=_("Target")),
        "kind",
        LatestValueColumn("latest", label=_("Latest value")),
        "computed_source",
    ]
    list_filter = ["kind", "computed_source", "is_demo"]
    ordering = ["sort_order", "number"]


register_snippet(PlanIndicatorViewSet)
