"""Traceability in the Wagtail admin: one "Traceability" menu (batches, trace events, the scan
dashboard); the views themselves are in ``admin``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from gi_registry.admin_scoping import owner_scoped
from gi_registry.admin_search import register_search_area
from gi_registry.permissions import is_officer

from .admin import BatchViewSet, TraceAdminViewSet, TraceEventViewSet
from .admin.bulk_actions import WithdrawBatchesBulkAction
from .admin.usage_reports import UsageReportPanel, UsageReportViewSet
from .admin.workspace import ProducerWorkspacePanel, has_workspace
from .models import Batch


class TraceViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Traceability")
    menu_icon = "tag"
    menu_order = 210
    items = (owner_scoped(BatchViewSet), owner_scoped(TraceEventViewSet), TraceAdminViewSet, UsageReportViewSet)


register_snippet(TraceViewSetGroup)
hooks.register("register_bulk_action", WithdrawBatchesBulkAction)
register_search_area(Batch, "tag", 150)  # the sidebar search finds batches by lot, product, producer


@hooks.register("register_log_actions")
def register_certificate_actions(actions):
    actions.register_action(
        "trace.certificate.supersede",
        _("Superseded by a new certificate"),
        _("Compliance certificate superseded by a new one"),
    )
    for action, label, message in (
        ("trace.usage_report.submit", _("Usage report submitted"), _("Usage report submitted")),
        ("trace.usage_report.accept", _("Usage report accepted"), _("Usage report accepted")),
        ("trace.usage_report.return", _("Usage report returned"), _("Usage report returned")),
    ):
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_usage_report_panel(request, panels):
    """Officers see on the dashboard what stands out in the yearly usage reports."""
    if is_officer(request.user):
        panels.append(UsageReportPanel())


@hooks.register("construct_homepage_panels")
def producer_workspace(request, panels):
    """A producer account's admin home opens on its own workspace; officers' and editors' are unchanged."""
    if has_workspace(request.user):
        panels.insert(0, ProducerWorkspacePanel(request.user))
