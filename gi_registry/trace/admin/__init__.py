"""Traceability in the Wagtail admin: batches, trace events, code issuance, labels, withdrawal, scans.

Registry officers see every batch; a producer account sees and registers only the batches of its
own producers, under their own authorisations, with the remaining yearly quota shown. The batch's
"codes and labels" page issues codes, downloads labels (PDF sheets, CSV, ZIP) and withdraws or
recalls the batch. The scan dashboard charts the scans a user may see per day over a date range, breaks them down
by GI, producer, batch and client, and lists suspicious codes.

* ``policies`` — who may see and change which batches and events (registered once, at import);
* ``forms`` — the batch and event editors' forms and the codes-and-labels page's forms;
* ``viewsets`` — the snippet viewsets of batches and events, and the batch pages' and dashboard's;
* ``batch_views`` — the codes-and-labels page, issuing, withdrawing, downloads and label jobs;
* ``flow`` — the guided flow of a new batch (batch → events → codes → print preview → certificate);
* ``scan_dashboard`` — the scan dashboard (its form, page and CSV);
* ``scan_figures`` — its figures (aggregate queries) and the daily chart's geometry.
"""

from .batch_views import (
    AlignmentSheetView,
    BatchAccessMixin,
    BatchCodesView,
    CodeImageView,
    IssueCodesView,
    LabelDownloadView,
    LabelJobFileView,
    LabelJobMixin,
    LabelJobView,
    WithdrawBatchView,
    code_runs,
)
from .forms import AuthorisationChoiceField, BatchForm, IssueForm, LabelOptionsForm, TraceEventForm, WithdrawForm
from .policies import batch_policy, event_policy
from .scan_dashboard import ScanDashboardMenuItem, ScanDashboardView, ScanRangeForm
from .scan_figures import day_chart, scan_figures, suspicious_codes, visible_scans
from .viewsets import (
    BatchIndexView,
    BatchViewSet,
    RegistryPaths,
    TraceAdminViewSet,
    TraceEventViewSet,
    registry_bulk_action,
)

__all__ = [
    "AlignmentSheetView",
    "AuthorisationChoiceField",
    "BatchAccessMixin",
    "BatchCodesView",
    "BatchForm",
    "BatchIndexView",
    "BatchViewSet",
    "CodeImageView",
    "IssueCodesView",
    "IssueForm",
    "LabelDownloadView",
    "LabelJobFileView",
    "LabelJobMixin",
    "LabelJobView",
    "LabelOptionsForm",
    "RegistryPaths",
    "ScanDashboardMenuItem",
    "ScanDashboardView",
    "TraceAdminViewSet",
    "TraceEventForm",
    "TraceEventViewSet",
    "WithdrawBatchView",
    "WithdrawForm",
    "batch_policy",
    "code_runs",
    "event_policy",
    "registry_bulk_action",
    "ScanRangeForm",
    "day_chart",
    "scan_figures",
    "suspicious_codes",
    "visible_scans",
]
