"""Who may see and change which batch (and its events and codes).

Registry officers (``publish_producer``) and superusers act on every batch. A producer account
acts only on the batches of the producers that list it in ``Producer.accounts``, and can register
a batch only under one of those producers' authorisations (see ``admin.BatchForm``).
"""

from django.db.models import Q, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

OFFICER_PERMISSION = "gi_registry.publish_producer"


def sees_all_batches(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(OFFICER_PERMISSION)))


class ProducerOwnedPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the records of the user's own producers."""

    def __init__(self, model, producer_path: str) -> None:
        super().__init__(model)
        self.producer_path = producer_path

    def _own(self, user) -> Q:
        return Q(**{f"{self.producer_path}__accounts": user})

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if not self.user_has_any_permission(user, actions):
            return False
        if sees_all_batches(user):
            return True
        return instance.pk is not None and self.model.objects.filter(self._own(user), pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        if sees_all_batches(user):
            return self.model.objects.all()
        return self.model.objects.filter(self._own(user)).distinct()


def batches_for(user) -> QuerySet:
    from .models import Batch

    policy = ProducerOwnedPolicy(Batch, "producer")
    return policy.instances_user_has_any_permission_for(user, ["change", "view"])


def authorisations_for(user) -> QuerySet:
    """Authorisations a user may register batches under: all for officers, else their producers'."""
    from ..models import Authorisation

    qs = Authorisation.objects.select_related("producer", "geographical_indication")
    if sees_all_batches(user):
        return qs
    return qs.filter(producer__accounts=user).distinct()
