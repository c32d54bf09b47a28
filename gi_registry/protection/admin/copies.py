"""Suspected copies of genuine codes (疑似复制), the copy thresholds per product family, and the
protection dashboard, in the admin's "维权打假" menu.

Who: enforcement staff (the group ``执法人员`` or anyone holding ``protection.handle_case``) and
registry officers (superusers too). Officers see the listing and the dashboard and may edit the
thresholds like enforcement staff. Producer accounts and brand editors reach none of it: the menu
items are hidden and every URL answers 403.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from gi_registry.models import ProductFamily
from gi_registry.permissions import is_officer
from gi_registry.trace.admin.scan_figures import NARROW, WIDE, day_chart

from .. import dashboard
from ..copies import suspected_batches, suspected_copies, window_days
from ..models import CopyThreshold

#: enforcement staff's group (created by the case queue's setup) and permission
ENFORCEMENT_GROUP = "执法人员"
HANDLE_PERMISSION = "protection.handle_case"
#: the case queue's listing, filtered by code (``?trace_code=<id>``), when the case admin has it
CASE_LIST_URL_NAMES = ("protection_cases:index",)
LISTING_LIMIT = 100


def can_see_copies(user) -> bool:
    """Enforcement staff and registry officers (and superusers); nobody else."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_officer(user) or user.has_perm(HANDLE_PERMISSION):
        return True
    return user.groups.filter(name=ENFORCEMENT_GROUP).exists()


def case_list_url_for(query: str = "") -> str:
    """The case queue's listing (with ``query``), or '' while no case listing is registered."""
    for name in CASE_LIST_URL_NAMES:
        try:
            return reverse(name) + query
        except NoReverseMatch:
            continue
    return ""


def case_list_url(code_id: int) -> str:
    """The case queue filtered to one code, or '' while no case listing is registered."""
    for name in CASE_LIST_URL_NAMES:
        try:
            return f"{reverse(name)}?trace_code={code_id}"
        except NoReverseMatch:
            continue
    return ""


class CopiesAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_see_copies(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CopiesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_see_copies(request.user)


class FamilyFilterForm(forms.Form):
    family = forms.ModelChoiceField(
        label=gettext_lazy("product family"),
        queryset=ProductFamily.objects.all(),
        required=False,
        empty_label=gettext_lazy("All families"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].error_messages["invalid_choice"] = gettext_lazy(
            "There is no such product family: choose one from the list."
        )


class SuspectedCopiesView(CopiesAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "protection/admin/copies/index.html"
    page_title = gettext_lazy("Suspected copies")
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        form = FamilyFilterForm(request.GET or None)
        valid = form.is_valid() if request.GET else True
        family = form.cleaned_data.get("family") if request.GET and valid else None
        copies = suspected_copies(family_id=family.pk if family else None) if valid else []
        for copy in copies[:LISTING_LIMIT]:
            copy.cases_url = case_list_url(copy.code_id)
        context = self.get_context_data(
            form=form,
            copies=copies[:LISTING_LIMIT],
            total=len(copies),
            limit=LISTING_LIMIT,
            batches=suspected_batches(copies)[:20],
            window_days=window_days(),
            thresholds_url=reverse("protection_copy_thresholds:index"),
            **kwargs,
        )
        return self.render_to_response(context, status=200 if valid else 400)


class ProtectionDashboardView(CopiesAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "protection/admin/copies/dashboard.html"
    page_title = gettext_lazy("Protection dashboard")
    header_icon = "view"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = dashboard.figures()
        context.update(
            figures=figures,
            report_charts=[
                ("wide", day_chart(figures.reports_per_week, WIDE)),
                ("narrow", day_chart(figures.reports_per_week, NARROW)),
            ],
            copy_charts=[
                ("wide", day_chart(figures.copies_per_week, WIDE)),
                ("narrow", day_chart(figures.copies_per_week, NARROW)),
            ],
            copies_url=reverse("protection_copies:index"),
            cases_url=case_list_url_for(),
        )
        return context


class SuspectedCopiesViewSet(ViewSet):
    name = "protection_copies"
    url_prefix = "protection/copies"
    icon = "warning"
    menu_label = gettext_lazy("Suspected copies")
    menu_item_class = CopiesMenuItem
    menu_order = 300

    def get_urlpatterns(self):
        return [path("", SuspectedCopiesView.as_view(), name="index")]


class ProtectionDashboardViewSet(ViewSet):
    name = "protection_dashboard"
    url_prefix = "protection/dashboard"
    icon = "view"
    menu_label = gettext_lazy("Protection dashboard")
    menu_item_class = CopiesMenuItem
    menu_order = 310

    def get_urlpatterns(self):
        return [path("", ProtectionDashboardView.as_view(), name="index")]


class CopyThresholdPolicy(BasePermissionPolicy):
    """Enforcement staff and officers may list, add, change and delete thresholds; nobody else."""

    def user_has_permission(self, user, action):
        return can_see_copies(user)

    def user_has_any_permission(self, user, actions):
        return can_see_copies(user)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(groups__name=ENFORCEMENT_GROUP)
                | Q(groups__permissions__codename__in=["publish_producer", "handle_case"]),
                is_active=True,
            )
            .distinct()
        )


register_permission_policy(CopyThreshold, CopyThresholdPolicy(CopyThreshold))


class CopyThresholdForm(WagtailAdminModelForm):
    """One row per family and one default row (no family): a second default is refused in Chinese."""

    class Meta:
        model = CopyThreshold
        fields = ["product_family", "max_networks", "max_places", "far_apart_hours"]

    def clean(self):
        data = super().clean()
        if "product_family" in data and data["product_family"] is None:
            others = CopyThreshold.objects.filter(product_family__isnull=True).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "product_family",
                    _("There is already a default row (no product family): change that row instead."),
                )
        return data


class CopyThresholdViewSet(ModelViewSet):
    model = CopyThreshold
    name = "protection_copy_thresholds"
    url_prefix = "protection/copy-thresholds"
    icon = "cogs"
    menu_label = gettext_lazy("Copy thresholds")
    menu_order = 320
    form_fields = ["product_family", "max_networks", "max_places", "far_apart_hours"]

    def get_form_class(self, for_update=False):
        return CopyThresholdForm

    list_display = ["__str__", "max_networks", "max_places", "far_apart_hours"]
    add_to_admin_menu = False


# viewsets shown in the protection menu (wagtail_hooks.ProtectionViewSetGroup)
MENU_ITEMS: tuple = (SuspectedCopiesViewSet, ProtectionDashboardViewSet, CopyThresholdViewSet)
