"""The admin's listings and editors of batches and trace events (snippet viewsets at the paths
they had in the registry app), and the viewset of the batch pages and the scan dashboard."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_views import SnippetCreateWithoutAutosave
from gi_registry.admin_search import AdminSearchIndexMixin, AdminSearchViewSetMixin
from gi_registry.permissions import OFFICER_PERMISSION

from ..models import Batch, TraceEvent
from .batch_views import (
    AlignmentSheetView,
    BatchCodesView,
    CodeImageView,
    IssueCodesView,
    LabelDownloadView,
    LabelJobFileView,
    LabelJobView,
    WithdrawBatchView,
)
from .certificates import CertificateDeleteView, CertificatePdfView, CertificateView
from .flow import (
    FlowBatchCreateView,
    FlowBatchEditView,
    FlowCertificateView,
    FlowCodesView,
    FlowContinueView,
    FlowEventDeleteView,
    FlowEventEditView,
    FlowEventsView,
    FlowLabelPreviewView,
    FlowLabelsView,
)
from .forms import BatchForm, TraceEventForm
from .policies import batch_policy, event_policy
from .scan_dashboard import ScanDashboardMenuItem, ScanDashboardView


class BatchIndexView(AdminSearchIndexMixin, SnippetViewSet.index_view_class):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.add_url and batch_policy.user_has_permission(self.request.user, "add"):
            buttons.insert(
                0,
                HeaderButton(
                    _("Register a new batch"),
                    url=reverse("wagtailsnippets_gi_registry_batch:add") + "?flow=1",
                    icon_name="plus",
                    attrs={"data-flow-start": ""},
                ),
            )
        return buttons

    def get_list_more_buttons(self, instance):
        return [
            ListingButton(
                _("Codes and labels"),
                url=reverse("trace_admin:batch", args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            ),
            ListingButton(
                _("Compliance certificate"),
                url=reverse("trace_admin:certificate", args=[instance.pk]),
                icon_name="doc-full",
                priority=6,
            ),
            *super().get_list_more_buttons(instance),
        ]


class RegistryPaths:
    """The admin addresses these records had while they lived in the registry app
    (``/admin/snippets/gi_registry/batch/`` …), kept so that bookmarks and printed instructions
    still work."""

    @cached_property
    def url_prefix(self) -> str:
        return f"snippets/gi_registry/{self.model_name}"

    @cached_property
    def url_namespace(self) -> str:
        return f"wagtailsnippets_gi_registry_{self.model_name}"

    def get_chooser_admin_base_path(self) -> str:
        return f"snippets/choose/gi_registry/{self.model_name}"

    def get_chooser_admin_url_namespace(self) -> str:
        return f"wagtailsnippetchoosers_gi_registry_{self.model_name}"


def registry_bulk_action(request, model_name: str, action: str):
    """``/admin/bulk/gi_registry/batch/…``: bulk actions are addressed by app label, which changed
    to ``trace``; the old address redirects with its query (the selected ids) kept."""
    target = reverse("wagtail_bulk_action", args=["trace", model_name, action])
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)


class BatchViewSet(RegistryPaths, AdminSearchViewSetMixin, SnippetViewSet):
    model = Batch
    icon = "tag"
    menu_label = gettext_lazy("Batches")
    search_fields = ["lot_number", "product_name", "producer__name"]
    chooser_columns = ("producer", "production_date")
    index_view_class = BatchIndexView
    add_view_class = FlowBatchCreateView  # ``?copy=last``: like the latest batch; ``?flow=1``: the guided flow
    edit_view_class = FlowBatchEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "lot_number",
        "product_name",
        "producer",
        "authorisation",
        "production_date",
        "status",
        Column("code_count", label=gettext_lazy("Codes")),
    ]
    list_filter = ["status", "authorisation__geographical_indication", "is_demo"]
    list_export = [
        "lot_number",
        "product_name",
        "producer",
        "authorisation",
        "production_date",
        "quantity",
        "unit",
        "grade",
        "gtin",
        "status",
    ]
    export_filename = "batches"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("authorisation"),
                    FieldRowPanel([FieldPanel("lot_number"), FieldPanel("product_name")]),
                    FieldRowPanel([FieldPanel("production_date"), FieldPanel("plot")]),
                    FieldRowPanel([FieldPanel("quantity"), FieldPanel("unit"), FieldPanel("grade")]),
                    FieldPanel("gtin"),
                    FieldPanel("photo"),
                ],
                heading=gettext_lazy("Batch"),
            ),
            MultiFieldPanel(
                [FieldPanel("standard"), FieldPanel("inspection_results"), FieldPanel("inspection_report")],
                heading=gettext_lazy("Inspection"),
            ),
            FieldPanel("is_demo", permission=OFFICER_PERMISSION),
        ],
        base_form_class=BatchForm,
    )

    def get_queryset(self, request):
        return (
            batch_policy.instances_user_has_any_permission_for(request.user, ["change", "view"])
            .select_related("producer", "authorisation")
            .annotate(code_count=Count("codes"))
        )


class TraceEventViewSet(RegistryPaths, AdminSearchViewSetMixin, SnippetViewSet):
    model = TraceEvent
    icon = "history"
    menu_label = gettext_lazy("Trace events")
    index_view_class = type("IndexView", (AdminSearchIndexMixin, SnippetViewSet.index_view_class), {})
    search_fields = ["read_point", "note", "batch__lot_number"]
    chooser_columns = ("batch",)
    copy_view_enabled = False
    add_view_class = SnippetCreateWithoutAutosave
    list_display = ["batch", "business_step", "event_time", "read_point", "disposition"]
    list_filter = ["business_step"]
    edit_handler = ObjectList(
        [
            FieldPanel("batch"),
            FieldRowPanel([FieldPanel("business_step"), FieldPanel("event_time")]),
            FieldRowPanel([FieldPanel("read_point"), FieldPanel("disposition")]),
            FieldPanel("note"),
        ],
        base_form_class=TraceEventForm,
    )

    def get_queryset(self, request):
        return event_policy.instances_user_has_any_permission_for(request.user, ["change", "view"]).select_related(
            "batch"
        )


class TraceAdminViewSet(ViewSet):
    """The batch pages and downloads (reached from the batch listing) and the scan dashboard."""

    name = "trace_admin"
    url_prefix = "trace"
    icon = "view"
    menu_label = gettext_lazy("Scan dashboard")
    menu_item_class = ScanDashboardMenuItem

    @property
    def menu_url(self):
        return reverse("trace_admin:scans")

    def get_urlpatterns(self):
        return [
            path("scans/", ScanDashboardView.as_view(), name="scans"),
            path("batch/<int:pk>/", BatchCodesView.as_view(), name="batch"),
            path("batch/<int:pk>/issue/", IssueCodesView.as_view(), name="issue"),
            path("batch/<int:pk>/withdraw/", WithdrawBatchView.as_view(), name="withdraw"),
            path("batch/<int:pk>/codes.<str:fmt>", LabelDownloadView.as_view(), name="download"),
            path("batch/<int:pk>/certificate/", CertificateView.as_view(), name="certificate"),
            path("certificate/<int:pk>/<str:size>.pdf", CertificatePdfView.as_view(), name="certificate_pdf"),
            path("certificate/<int:pk>/delete/", CertificateDeleteView.as_view(), name="certificate_delete"),
            path("flow/<int:pk>/", FlowContinueView.as_view(), name="flow_continue"),
            path("flow/<int:pk>/events/", FlowEventsView.as_view(), name="flow_events"),
            path("flow/<int:pk>/events/<int:event_pk>/", FlowEventEditView.as_view(), name="flow_event_edit"),
            path(
                "flow/<int:pk>/events/<int:event_pk>/delete/", FlowEventDeleteView.as_view(), name="flow_event_delete"
            ),
            path("flow/<int:pk>/codes/", FlowCodesView.as_view(), name="flow_codes"),
            path("flow/<int:pk>/labels/", FlowLabelsView.as_view(), name="flow_labels"),
            path("flow/<int:pk>/labels/preview.png", FlowLabelPreviewView.as_view(), name="flow_preview"),
            path("flow/<int:pk>/certificate/", FlowCertificateView.as_view(), name="flow_certificate"),
            path("code/<int:pk>/qr.<str:fmt>", CodeImageView.as_view(), name="code_image"),
            path("labels/alignment-<str:layout>.pdf", AlignmentSheetView.as_view(), name="alignment_sheet"),
            path("labels/<uuid:token>/", LabelJobView.as_view(), name="label_job"),
            path("labels/<uuid:token>/file", LabelJobFileView.as_view(), name="label_job_file"),
        ]
