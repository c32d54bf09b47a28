from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Plan indicators")

    def ready(self) -> None:
        from .setup import on_post_migrate  # reaches auth's models: only once the app registry is ready

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="indicators_officer_permissions")
