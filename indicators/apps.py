from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Plan indicators")

    def ready(self) -> None:
        from website.cache import bump_version

        from .models import IndicatorValue, PlanIndicator
        from .setup import on_post_migrate

        # The dashboard shows these: a change must make the cached public pages stale (website/cache.py).
        for model in (PlanIndicator, IndicatorValue):
            post_save.connect(bump_version, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}")
            post_delete.connect(bump_version, sender=model, dispatch_uid=f"page-cache-delete-{model._meta.label}")
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="indicators_officer_permissions")
