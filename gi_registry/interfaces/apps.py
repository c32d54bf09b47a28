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
        # -- tokens: organisations' and API tokens' permissions for the groups (after the registry's setup)
        from .setup import on_post_migrate as tokens_post_migrate

        post_migrate.connect(tokens_post_migrate, sender=self, dispatch_uid="interfaces_token_permissions")
        # -- end tokens
