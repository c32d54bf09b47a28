from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InterfacesConfig(AppConfig):
    """Machine interfaces: EPCIS capture/query, API tokens, registry change feeds and webhooks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry.interfaces"
    label = "interfaces"
    verbose_name = _("Open interfaces")

    def ready(self) -> None:
        # feeds: record the registry's public changes (interfaces/changes.py)
        from . import changes

        changes.connect()
        # --- epcis-query: hand-entered trace events answer EPCIS queries (epcis/mirror.py)
        from django.db.models.signals import post_save, pre_delete

        from gi_registry.trace.models import TraceEvent

        from .epcis import mirror

        post_save.connect(mirror.on_trace_event_saved, sender=TraceEvent, dispatch_uid="epcis_mirror_save")
        pre_delete.connect(mirror.on_trace_event_deleted, sender=TraceEvent, dispatch_uid="epcis_mirror_delete")
        # --- end epcis-query
        # -- tokens: organisations' and API tokens' permissions for the groups (after the registry's setup)
        from .setup import on_post_migrate as tokens_post_migrate

        post_migrate.connect(tokens_post_migrate, sender=self, dispatch_uid="interfaces_token_permissions")
        # -- end tokens
        # webhooks: deliveries for each recorded change; the officers' permissions after migrate
        from .setup import on_post_migrate_webhooks
        from .signals import change_recorded
        from .webhooks import on_change_recorded

        change_recorded.connect(on_change_recorded, dispatch_uid="interfaces_webhook_deliveries")
        post_migrate.connect(on_post_migrate_webhooks, sender=self, dispatch_uid="interfaces_webhook_permissions")
