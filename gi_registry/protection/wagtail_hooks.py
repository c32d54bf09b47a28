"""Protection in the Wagtail admin: one "维权打假" menu holding the case queue and the suspected
copies; each admin module registers its own hooks when imported here."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin import cases, copies, producer_home, staff_home  # noqa: F401  (each registers its own hooks)

MENU_ITEMS = (*cases.MENU_ITEMS, *copies.MENU_ITEMS)


class ProtectionViewSetGroup(ViewSetGroup):
    menu_label = _("Protection")
    menu_icon = "warning"
    menu_order = 220
    items = MENU_ITEMS


@hooks.register("register_admin_viewset")
def register_protection_menu():
    return ProtectionViewSetGroup() if MENU_ITEMS else []
