from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class GiRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry"
    verbose_name = _("GI registry")

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from .media_collections import on_accounts_changed, on_link_deleted, on_producer_saved
        from .models import Producer, ProducerCollection
        from .permissions import ProducerOwnedPolicy
        from .setup import on_post_migrate

        register_permission_policy(Producer, ProducerOwnedPolicy(Producer, ""))  # the producer records themselves
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="gi_registry_groups")
        # a producer's accounts are the members of its image and document collection's group
        m2m_changed.connect(on_accounts_changed, sender=Producer.accounts.through, dispatch_uid="producer_media")
        post_delete.connect(on_link_deleted, sender=ProducerCollection, dispatch_uid="producer_media_group")
        post_save.connect(on_producer_saved, sender=Producer, dispatch_uid="producer_media_name")
