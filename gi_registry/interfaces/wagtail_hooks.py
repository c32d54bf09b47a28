"""The interfaces' admin: organisations, API tokens, webhook subscriptions and deliveries."""

# -- tokens: the "Open interfaces" menu with organisations and API tokens (admin/organisations.py,
# admin/tokens.py). Other areas add their viewsets to MENU_ITEMS before the group is built.
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin import organisations, tokens
from .admin.webhooks import WebhooksViewSetGroup

MENU_ITEMS: list = [organisations.OrganisationViewSet, tokens.TokenViewSet]


class InterfacesViewSetGroup(ViewSetGroup):
    menu_label = _("Open interfaces")
    menu_icon = "globe"
    menu_order = 230
    items = MENU_ITEMS


@hooks.register("register_admin_viewset")
def register_interfaces_menu():
    return InterfacesViewSetGroup()


@hooks.register("register_log_actions")
def register_token_log_actions(actions):
    tokens.register_log_actions(actions)
    organisations.register_log_actions(actions)


# -- end tokens
# ---- webhooks (admin/webhooks.py): subscriptions and the delivery log, for registry officers ----


@hooks.register("register_admin_viewset")
def register_webhooks_admin():
    return WebhooksViewSetGroup()
