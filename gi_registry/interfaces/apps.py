from django.apps import AppConfig
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
