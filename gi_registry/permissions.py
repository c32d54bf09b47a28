"""Who may act on which registry record: the officer permission and one policy for producer-owned records.

Registry officers (the group 登记管理员, see ``setup.py``) hold ``OFFICER_PERMISSION``, the
``publish`` permission on producers; they and superusers act on every record. A producer account
holds the model permissions too (``change_producer``, ``add_batch``…), but only for the records of
the producers that list it in ``Producer.accounts``: its own producer record, and that producer's
batches and their events (``gi_registry.trace``). Its edits to its producer record go through
moderation because it cannot publish.
"""

from django.db.models import Q, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

#: the officers' permission: ``publish`` on producers, held by 登记管理员 (``setup.py``)
OFFICER_ACTION = "publish"
OFFICER_PERMISSION = f"gi_registry.{OFFICER_ACTION}_producer"


def is_officer(user) -> bool:
    """A registry officer or a superuser: acts on every record, sees the site history."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(OFFICER_PERMISSION)))


class ProducerOwnedPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the records of the user's own producers for all but officers.

    ``producer_path`` leads from the model to its producer: ``""`` for ``Producer`` itself,
    ``"producer"`` for a batch, ``"batch__producer"`` for a trace event.
    """

    def __init__(self, model, producer_path: str = "") -> None:
        super().__init__(model)
        self.producer_path = producer_path

    def _own(self, user) -> Q:
        prefix = f"{self.producer_path}__" if self.producer_path else ""
        return Q(**{f"{prefix}accounts": user})

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if not self.user_has_any_permission(user, actions):
            return False
        if is_officer(user):
            return True
        return instance.pk is not None and self.model.objects.filter(self._own(user), pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        if is_officer(user):
            return self.model.objects.all()
        own = self.model.objects.filter(self._own(user))
        # through a relation the join could repeat a record; a producer lists an account once
        return own.distinct() if self.producer_path else own
