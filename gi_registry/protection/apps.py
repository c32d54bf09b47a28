from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    """Protection (维权): consumers' reports of fakes, the cases enforcement staff handle, suspected
    copies of genuine codes. An app of its own (label ``protection``) that builds on traceability."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry.protection"
    label = "protection"
    verbose_name = _("Protection")

    def ready(self) -> None:
        from .deadlines import on_holiday_changed
        from .models import Holiday
        from .setup import on_post_migrate

        # the registry's handler (its groups) is connected first: gi_registry is installed before us
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="protection_groups")
        # a holiday entered after a case arrived moves its deadlines
        post_save.connect(on_holiday_changed, sender=Holiday, dispatch_uid="protection_holiday_saved")
        post_delete.connect(on_holiday_changed, sender=Holiday, dispatch_uid="protection_holiday_deleted")
