"""Who may act on which registry record.

Registry officers (who hold the ``publish`` permission on producers) act on every producer. A
producer account holds ``change_producer`` too, but only for the producer records that list it
in ``Producer.accounts``: it sees and edits its own record and nothing else, and its edits go
through moderation because it cannot publish.
"""

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy


class ProducerPermissionPolicy(ModelPermissionPolicy):
    def sees_all_producers(self, user) -> bool:
        return user.is_active and (user.is_superuser or user.has_perm("gi_registry.publish_producer"))

    def _owns(self, user, instance) -> bool:
        return instance.pk is not None and self.model.objects.filter(pk=instance.pk, accounts=user).exists()

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if not self.user_has_any_permission(user, actions):
            return False
        return self.sees_all_producers(user) or self._owns(user, instance)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        if self.sees_all_producers(user):
            return self.model.objects.all()
        return self.model.objects.filter(accounts=user)
