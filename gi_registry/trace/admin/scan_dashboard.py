"""The scan dashboard (officers): scans per day for a month, suspicious codes, scans by client."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import scans
from ..models import Scan, TraceCode


def scans_per_day(days: int = 30) -> list[dict]:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    tz = timezone.get_default_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    counts = dict.fromkeys((start + datetime.timedelta(days=i) for i in range(days)), 0)
    for scanned_at in Scan.objects.filter(scanned_at__gte=since, counted=True).values_list("scanned_at", flat=True):
        day = timezone.localtime(scanned_at).date()
        if day in counts:
            counts[day] += 1
    peak = max(counts.values()) or 1
    bars = []
    for i, (day, n) in enumerate(counts.items()):
        height = round(100 * n / peak)
        bars.append({"day": day, "count": n, "x": i * 12, "y": 110 - height, "height": height})
    return bars


def suspicious_codes(limit: int = 50):
    """Codes past the scan or origin threshold (the counters ``scans.log_scan`` keeps), most scanned first."""
    return (
        TraceCode.objects.filter(
            Q(scan_count__gt=scans.suspicious_scans()) | Q(origin_count__gt=scans.suspicious_origins())
        )
        .annotate(last_scan=Max("scans__scanned_at"))
        .select_related("batch__producer")
        .order_by("-scan_count")[:limit]
    )


class ScanDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "gi_registry/trace/admin/scan_dashboard.html"
    page_title = gettext_lazy("Scan dashboard")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("trace.view_scan"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = scans_per_day()
        context.update(
            days=days,
            total=sum(d["count"] for d in days),
            peak=max(d["count"] for d in days),
            suspicious=suspicious_codes(),
            threshold_scans=scans.suspicious_scans(),
            threshold_origins=scans.suspicious_origins(),
            by_client=Scan.objects.filter(counted=True).values("client").annotate(n=Count("id")).order_by("-n"),
        )
        return context


class ScanDashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("trace.view_scan")
