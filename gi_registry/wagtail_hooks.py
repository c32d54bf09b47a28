"""The registry in the Wagtail admin: one "Registry" menu with a viewset per record type."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .import_views import RegistryImportViewSet
from .models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from .trace.admin import BatchViewSet, TraceAdminViewSet, TraceEventViewSet

OFFICER = "gi_registry.publish_producer"


class OwnRecordsOnlyMixin:
    """Refuse any view of one record that the permission policy does not allow for this user.

    Wagtail's generic object views check model-level permissions only; a producer account holds
    ``change_producer`` yet may act only on its own producer (see ``permissions.py``).
    """

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = policy_registry.get(obj)
        if not policy.user_has_any_permission_for_instance(self.request.user, ["change", "view"], obj):
            raise PermissionDenied
        return obj


def _own_records_only(viewset_cls: type[SnippetViewSet]) -> type[SnippetViewSet]:
    """Put ``OwnRecordsOnlyMixin`` in front of every single-record view class of a viewset."""
    not_single_record = {"add_view_class", "preview_on_add_view_class", "copy_view_class", "index_view_class"}
    for name in dir(viewset_cls):
        view_class = getattr(viewset_cls, name)
        if name.endswith("_view_class") and hasattr(view_class, "get_object") and name not in not_single_record:
            setattr(viewset_cls, name, type(view_class.__name__, (OwnRecordsOnlyMixin, view_class), {}))
    return viewset_cls


class RegistryViewSet(SnippetViewSet):
    """Admin listing search goes through the ORM (``icontains``) over ``search_fields``: it finds
    any Chinese substring ("山羊" in "梁平山羊"), which a full-text index without segmentation
    does not."""

    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False


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


@_own_records_only
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
                    FieldPanel("status", permission=OFFICER),
                    FieldPanel("accounts", permission=OFFICER),
                    FieldPanel("is_demo", permission=OFFICER),
                ],
                heading=_("Registry"),
                permission=OFFICER,
            ),
        ]
    )

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("township")


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
        _own_records_only(BatchViewSet),
        _own_records_only(TraceEventViewSet),
        TraceAdminViewSet,
    )


register_snippet(RegistryViewSetGroup)
