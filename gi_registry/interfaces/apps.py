from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterfacesConfig(AppConfig):
    """Machine interfaces: EPCIS capture/query, API tokens, registry change feeds and webhooks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry.interfaces"
    label = "interfaces"
    verbose_name = _("Open interfaces")

    def ready(self) -> None:
        # webhooks: deliveries for each recorded change; the officers' permissions after migrate
        from django.db.models.signals import post_migrate

        from .setup import on_post_migrate_webhooks
        from .signals import change_recorded
        from .webhooks import on_change_recorded

        change_recorded.connect(on_change_recorded, dispatch_uid="interfaces_webhook_deliveries")
        post_migrate.connect(on_post_migrate_webhooks, sender=self, dispatch_uid="interfaces_webhook_permissions")
