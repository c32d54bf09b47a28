"""The interfaces' admin: organisations, API tokens, webhook subscriptions and deliveries."""

# ---- webhooks (admin/webhooks.py): subscriptions and the delivery log, for registry officers ----
from wagtail import hooks

from .admin.webhooks import WebhooksViewSetGroup


@hooks.register("register_admin_viewset")
def register_webhooks_admin():
    return WebhooksViewSetGroup()
