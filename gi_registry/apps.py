from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GiRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry"
    verbose_name = _("GI registry")

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from .models import Producer
        from .permissions import ProducerOwnedPolicy
        from .setup import on_post_migrate

        register_permission_policy(Producer, ProducerOwnedPolicy(Producer, ""))  # the producer records themselves
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="gi_registry_groups")
