"""The registry in the Wagtail admin: one "Registry" menu with a viewset per record type."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_views import SnippetCreateWithoutAutosave

from . import (
    admin_access,  # noqa: F401  (registers the report and form-submission hooks)
    admin_media_api,  # noqa: F401  (the admin API's images and documents: only the choosable)
)
from .admin_bulk_actions import ChangeStatusBulkAction, ExportSelectedBulkAction, register_log_action
from .admin_scoping import RegistryChooserViewSet, ScopedDeleteBulkAction, owner_scoped
from .import_views import RegistryImportViewSet
from .models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from .permissions import OFFICER_PERMISSION


class RegistryViewSet(SnippetViewSet):
    """Admin listing search goes through the ORM (``icontains``) over ``search_fields``: it finds
    any Chinese substring ("山羊" in "梁平山羊"), which a full-text index without segmentation
    does not."""

    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    chooser_viewset_class = RegistryChooserViewSet
    add_view_class = SnippetCreateWithoutAutosave


class GeographicalIndicationViewSet(RegistryViewSet):
    model = GeographicalIndication
    icon = "pick"
    menu_label = _("Geographical indications")
    list_display = ["name", "kind", "registration_number", "product_family", "status", "is_demo", "live"]
    list_filter = ["kind", "product_family", "status", "townships", "is_demo"]
    list_export = [
        "name",
        "name_en",
        "kind",
        "registration_number",
        "authority",
        "holder",
        "product_family",
        "registration_date",
        "status",
        "nice_class",
        "valid_from",
        "valid_until",
        "is_demo",
    ]
    export_filename = "geographical-indications"
    search_fields = ["name", "registration_number", "holder"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("name_en"),
                FieldPanel("slug"),
                FieldPanel("kind"),
                FieldPanel("product_family", widget=forms.Select),
            ],
            heading=_("Name and kind"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("registration_number"), FieldPanel("registration_date")]),
                FieldPanel("authority"),
                FieldPanel("holder"),
                FieldPanel("status"),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("townships", widget=forms.CheckboxSelectMultiple),
                FieldPanel("protected_area"),
                FieldPanel("protected_area_geojson"),
            ],
            heading=_("Protected area"),
        ),
        MultiFieldPanel(
            [FieldPanel("specification"), FieldPanel("specification_number"), FieldPanel("summary")],
            heading=_("Specification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("nice_class"),
                FieldPanel("goods"),
                FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                FieldPanel("mark_image"),
            ],
            heading=_("Trademark (certification and collective marks only)"),
        ),
        FieldPanel("is_demo"),
    ]


@owner_scoped
class ProducerViewSet(RegistryViewSet):
    model = Producer
    icon = "group"
    menu_label = _("Producers")
    list_display = ["name", "credit_code", "kind", "township", "status", "is_demo", "live"]
    list_filter = ["kind", "township", "status", "product_families", "is_demo"]
    list_export = ["name", "credit_code", "kind", "township", "address", "status", "is_demo"]
    export_filename = "producers"
    search_fields = ["name", "credit_code", "address"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("credit_code"),
                    FieldPanel("kind"),
                    FieldPanel("township", widget=forms.Select),
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                    FieldPanel("product_families", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("description"),
                    FieldPanel("website"),
                ],
                heading=_("Producer"),
            ),
            ObjectList(
                [FieldPanel("contact_person"), FieldPanel("contact_phone"), FieldPanel("contact_public")],
                heading=_("Contact"),
            ),
            # Only registry officers change a producer's status, its accounts and the demo flag.
            ObjectList(
                [
                    FieldPanel("status", permission=OFFICER_PERMISSION),
                    FieldPanel("accounts", permission=OFFICER_PERMISSION),
                    FieldPanel("is_demo", permission=OFFICER_PERMISSION),
                ],
                heading=_("Registry"),
                permission=OFFICER_PERMISSION,
            ),
        ]
    )

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("township")


@owner_scoped
class AuthorisationViewSet(RegistryViewSet):
    model = Authorisation
    icon = "doc-full-inverse"
    menu_label = _("Authorisations")
    list_display = [
        "number",
        "producer",
        "geographical_indication",
        "valid_from",
        "valid_until",
        "status",
        "yearly_quota",
        "live",
    ]
    list_filter = ["status", "geographical_indication", "is_demo"]
    list_export = [
        "number",
        "producer",
        "geographical_indication",
        "scope",
        "valid_from",
        "valid_until",
        "status",
        "yearly_quota",
        "is_demo",
    ]
    export_filename = "authorisations"
    search_fields = ["number", "producer__name"]
    panels = [
        FieldPanel("number"),
        FieldPanel("producer"),
        FieldPanel("geographical_indication"),
        FieldPanel("scope"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("status"),
        FieldPanel("yearly_quota"),
        FieldPanel("certificate"),
        FieldPanel("is_demo"),
    ]

    def get_queryset(self, request):
        return Authorisation.objects.select_related("producer", "geographical_indication")


class StandardViewSet(RegistryViewSet):
    model = Standard
    icon = "doc-full"
    menu_label = _("Standards")
    list_display = ["code", "title", "level", "status", "implemented_on", "is_demo", "live"]
    list_filter = ["level", "status", "product_families", "is_demo"]
    list_export = [
        "code",
        "title",
        "level",
        "status",
        "issuing_body",
        "issued_on",
        "implemented_on",
        "replaced_by",
        "is_demo",
    ]
    export_filename = "standards"
    search_fields = ["code", "title"]
    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("status")]),
        FieldPanel("issuing_body"),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("implemented_on")]),
        FieldPanel("replaced_by"),
        FieldPanel("geographical_indications"),
        FieldPanel("product_families", widget=forms.CheckboxSelectMultiple),
        FieldPanel("scope"),
        FieldPanel("pdf"),
        FieldPanel("is_demo"),
    ]


class TownshipViewSet(RegistryViewSet):
    model = Township
    icon = "site"
    menu_label = _("Townships")
    list_display = ["name", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


class ProductFamilyViewSet(RegistryViewSet):
    model = ProductFamily
    icon = "tag"
    menu_label = _("Product families")
    list_display = ["name", "name_en", "slug", "is_five_zi"]


class RegistryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Registry")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        GeographicalIndicationViewSet,
        ProducerViewSet,
        AuthorisationViewSet,
        StandardViewSet,
        TownshipViewSet,
        ProductFamilyViewSet,
        RegistryImportViewSet,
    )


register_snippet(RegistryViewSetGroup)


# After Wagtail's own delete action (order 0), so that it replaces it for the scoped models.
hooks.register("register_bulk_action", ScopedDeleteBulkAction, order=1)

# Export the selected rows and change their status, beside delete (``admin_bulk_actions``).
hooks.register("register_bulk_action", ExportSelectedBulkAction)
hooks.register("register_bulk_action", ChangeStatusBulkAction)
hooks.register("register_log_actions", register_log_action)
