"""A producer account's view of reports about its own codes: a listing (维权打假 › 关于本社产品的举报)
and a line on its admin home. Built on ``producer_reports`` (no personal data of the reporter)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from gi_registry.models import Producer
from gi_registry.permissions import is_officer

from ..models import Case
from ..producer_reports import ProducerReportRow, reports_about_producer

PAGE_SIZE = 30
LATEST_ON_HOME = 3


def own_producers(user):
    """The producers an account acts for; officers act for the registry, not a producer (the same
    rule as the trace workspace's)."""
    if not user.is_authenticated or not user.is_active or is_officer(user):
        return Producer.objects.none()
    return Producer.objects.filter(accounts=user)


class ProducerReportsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "protection/admin/producer_reports.html"
    page_title = gettext_lazy("Reports about our products")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        self.producers = own_producers(request.user)
        if not self.producers.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(reports_about_producer(self.producers), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context["page_obj"] = page
        context["rows"] = [ProducerReportRow.from_report(report) for report in page.object_list]
        return context


class ProducerReportsPanel(Component):
    name = "producer_reports"
    order = 15  # under the producer's workspace
    template_name = "protection/admin/producer_reports_panel.html"

    def __init__(self, producers):
        self.producers = producers

    def get_context_data(self, parent_context=None):
        reports = reports_about_producer(self.producers)
        return {
            "total": reports.count(),
            "open": reports.exclude(case__status__in=[Case.Status.CLOSED, Case.Status.REJECTED]).count(),
            # the latest few, as the listing shows them (no personal data of the reporter)
            "latest": [ProducerReportRow.from_report(report) for report in reports[:LATEST_ON_HOME]],
        }


@hooks.register("register_admin_urls")
def producer_reports_urls():
    return [path("protection/our-reports/", ProducerReportsView.as_view(), name="protection_producer_reports")]


class ProducerReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return own_producers(request.user).exists()


@hooks.register("register_admin_menu_item")
def producer_reports_menu_item():
    return ProducerReportsMenuItem(
        gettext_lazy("Reports about our products"),
        reverse("protection_producer_reports"),
        icon_name="warning",
        order=230,
    )


@hooks.register("construct_homepage_panels")
def producer_reports_panel(request, panels):
    producers = own_producers(request.user)
    if producers.exists():
        panels.append(ProducerReportsPanel(producers))
