"""Who may see and change which batch (and its events and codes).

Registry officers (``gi_registry.permissions.OFFICER_PERMISSION``) and superusers act on every
batch. A producer account acts only on the batches of the producers that list it in
``Producer.accounts``, and can register a batch only under one of those producers' authorisations
(see ``admin.BatchForm``). The policy is the registry's one for producer-owned records.
"""

from django.db.models import QuerySet

from ..permissions import ProducerOwnedPolicy, is_officer


def batches_for(user) -> QuerySet:
    from .models import Batch

    policy = ProducerOwnedPolicy(Batch, "producer")
    return policy.instances_user_has_any_permission_for(user, ["change", "view"])


def authorisations_for(user) -> QuerySet:
    """Authorisations a user may register batches under: all for officers, else their producers'."""
    from ..models import Authorisation

    qs = Authorisation.objects.select_related("producer", "geographical_indication")
    if is_officer(user):
        return qs
    return qs.filter(producer__accounts=user).distinct()
