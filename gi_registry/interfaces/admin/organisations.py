"""Organisations (对接机构) in the admin: packing houses, logistics firms, platforms and other
registries that hold API tokens and webhook subscriptions.

Registry officers (登记管理员) and superusers add, edit, delete and list them (Wagtail's model
permissions, given by ``interfaces.setup``); everyone else sees no menu item and is refused every
URL. The producers an organisation records for are chosen one at a time with the registry's
producer chooser on the organisation's "producers" page (a plain many-to-many has no multiple
chooser in Wagtail), each addition and removal written to the organisation's history.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter, log
from wagtail.snippets.widgets import AdminSnippetChooser

from gi_registry.models import Producer

from ..models import Organisation

CHANGE_PERMISSION = "interfaces.change_organisation"
PRODUCERS_ACTION = "interfaces.organisation.producers"


class ProducersColumn(Column):
    """How many producers the organisation records for, linking to the page that chooses them."""

    cell_template_name = "interfaces/admin/organisations/producers_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = reverse("interfaces_organisations:producers", args=[instance.pk])
        context["count"] = getattr(instance, "producer_count", None)
        return context


class AddProducerForm(forms.Form):
    producer = forms.ModelChoiceField(
        label=gettext_lazy("Add a producer"),
        queryset=Producer.objects.all(),
        widget=AdminSnippetChooser(Producer),
        error_messages={
            "required": gettext_lazy("Choose a producer to add."),
            "invalid_choice": gettext_lazy("There is no such producer: choose one with the chooser."),
        },
    )


class OrganisationProducersView(WagtailAdminTemplateMixin, TemplateView):
    """GET: the producers the organisation records for, and a chooser to add one. POST: add the
    chosen producer, or remove one (``remove=<id>``)."""

    template_name = "interfaces/admin/organisations/producers.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.has_perm(CHANGE_PERMISSION)):
            raise PermissionDenied
        self.organisation = get_object_or_404(Organisation, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Producers it records for")

    def get_page_subtitle(self):
        return self.organisation.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("interfaces_organisations:index"), "label": _("Organisations")},
            {"url": reverse("interfaces_organisations:edit", args=[self.organisation.pk]), "label": self.organisation},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AddProducerForm())
        context.update(
            organisation=self.organisation,
            producers=self.organisation.producers.select_related("township").order_by("name"),
        )
        return context

    def change_producers(self, producer, change: str) -> None:
        """Add (``"added"``) or remove (``"removed"``) a producer, written in the organisation's history."""
        with transaction.atomic():
            producers = self.organisation.producers
            (producers.add if change == "added" else producers.remove)(producer)
            log(
                instance=self.organisation,
                action=PRODUCERS_ACTION,
                user=self.request.user,
                data={change: producer.name},
            )

    def post(self, request, pk):
        remove = request.POST.get("remove")
        if remove:
            producer = self.organisation.producers.filter(pk=remove if remove.isdigit() else None).first()
            if producer is None:
                messages.error(request, _("That producer is not in this organisation's list."))
            else:
                self.change_producers(producer, "removed")
                messages.success(
                    request,
                    _("%(organisation)s no longer records for %(producer)s.")
                    % {"organisation": self.organisation.name, "producer": producer.name},
                )
            return redirect("interfaces_organisations:producers", pk=self.organisation.pk)
        form = AddProducerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("No producer was added: choose one with the chooser."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        producer = form.cleaned_data["producer"]
        if self.organisation.producers.filter(pk=producer.pk).exists():
            messages.info(request, _("%(producer)s is already in the list.") % {"producer": producer.name})
        else:
            self.change_producers(producer, "added")
            messages.success(
                request,
                _("%(organisation)s now records for %(producer)s.")
                % {"organisation": self.organisation.name, "producer": producer.name},
            )
        return redirect("interfaces_organisations:producers", pk=self.organisation.pk)


class OrganisationCreateView(generic.CreateView):
    """After adding an organisation, go straight on to choosing the producers it records for."""

    def get_success_url(self):
        return reverse("interfaces_organisations:producers", args=[self.object.pk])


class OrganisationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(producer_count=Count("producers"))


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "interfaces_organisations"
    url_prefix = "interfaces/organisations"
    icon = "globe"
    menu_label = gettext_lazy("Organisations")
    index_view_class = OrganisationIndexView
    add_view_class = OrganisationCreateView
    form_fields = ["name", "kind", "credit_code", "contact_email", "is_active"]
    list_display = [
        "name",
        "kind",
        ProducersColumn("producers", accessor="producer_count", label=gettext_lazy("Producers")),
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    list_export = ["name", "kind", "credit_code", "contact_email", "is_active", "created_at"]
    export_filename = "organisations"
    search_fields = ["name", "credit_code", "contact_email"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/producers/", OrganisationProducersView.as_view(), name="producers"),
        ]


class ProducersChangedFormatter(LogFormatter):
    """The organisation's history names the producer added or removed."""

    label = gettext_lazy("Producers it records for changed")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if data.get("added"):
            return _("Now records for %(producer)s") % {"producer": data["added"]}
        if data.get("removed"):
            return _("No longer records for %(producer)s") % {"producer": data["removed"]}
        return self.label


def register_log_actions(actions) -> None:
    actions.register_action(PRODUCERS_ACTION)(ProducersChangedFormatter)
