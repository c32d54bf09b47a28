"""The registry in the Wagtail admin: one "Registry" menu with a viewset per record type."""

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_views import ModerationViewSetMixin

from . import (
    admin_access,  # noqa: F401  (registers the report and form-submission hooks)
    admin_media_api,  # noqa: F401  (the admin API's images and documents: only the choosable)
)
from .admin_bulk_actions import ChangeStatusBulkAction, ExportSelectedBulkAction, register_log_action
from .admin_forms import AuthorisationForm, ProducerForm
from .admin_scoping import RegistryChooserViewSet, ScopedDeleteBulkAction, owner_scoped
from .admin_search import (
    AdminSearchIndexMixin,
    AdminSearchViewSetMixin,
    RegistrySearchArea,
    RegistrySearchView,
    register_search_area,
)
from .import_views import RegistryImportViewSet
from .models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from .permissions import OFFICER_PERMISSION

#: a producer's public profile shows at most this many photos
PROFILE_PHOTOS_MAX = 6


class RegistryViewSet(AdminSearchViewSetMixin, ModerationViewSetMixin, SnippetViewSet):
    """Listing, chooser and sidebar search go through ``admin_search``: any substring of the name,
    the township or a code, the name's pinyin or initials (``search_fields`` only turns the
    listing's search box on). Records under the registry's workflow (``setup.py``) say what each
    moderation step did and show "审核中" in the listing (``core.admin_workflow``)."""

    index_view_class = type("IndexView", (AdminSearchIndexMixin, ModerationViewSetMixin.index_view_class), {})
    inspect_view_enabled = True
    copy_view_enabled = False
    chooser_viewset_class = RegistryChooserViewSet


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
    chooser_columns = ("registration_number",)
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
    chooser_columns = ("credit_code", "township")
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
                    FieldPanel("website"),
                ],
                heading=_("Producer"),
            ),
            # The producer's public profile: written by its accounts, published through moderation.
            ObjectList(
                [
                    FieldPanel("description"),
                    FieldPanel("genuine_box"),
                    InlinePanel(
                        "profile_photos",
                        label=_("Photos of the genuine package and mark"),
                        max_num=PROFILE_PHOTOS_MAX,
                        panels=[FieldPanel("image"), FieldPanel("kind"), FieldPanel("caption")],
                    ),
                ],
                heading=_("Public profile"),
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
        ],
        base_form_class=ProducerForm,
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
    chooser_columns = ("producer", "geographical_indication", "valid_until")
    edit_handler = ObjectList(
        [
            FieldPanel("number"),
            FieldPanel("producer"),
            FieldPanel("geographical_indication"),
            FieldPanel("scope"),
            FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
            FieldPanel("status"),
            FieldPanel("yearly_quota"),
            FieldPanel("certificate"),
            FieldPanel("is_demo"),
        ],
        base_form_class=AuthorisationForm,  # the number shown before save, given on save
    )

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
    chooser_columns = ("code",)
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
    search_fields = ["name", "name_en"]


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


# The sidebar search: the registry's records first for those who may see them (``admin_search``).
@hooks.register("register_admin_urls")
def register_registry_search_url():
    return [path("registry/search/", RegistrySearchView.as_view(), name="registry_search")]


hooks.register("register_admin_search_area", RegistrySearchArea)
register_search_area(Producer, "group", 110)
register_search_area(Authorisation, "doc-full-inverse", 120)
register_search_area(GeographicalIndication, "pick", 130)
register_search_area(Standard, "doc-full", 140)
