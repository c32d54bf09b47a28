"""When a GI is registered and an authorisation is in force on a day: the rule, written once.

Each rule is a list of conditions (field path, comparison, value). The same list is read two
ways: as a ``Q`` for querysets (``Authorisation.objects.valid_on(day)``, used by the public pages,
brand licences and the dashboard) and against a loaded record (``Authorisation.is_valid_on``,
used by code issuance on its locked row, by the scan page and by the batch form). The two forms
cannot drift apart because neither is written by hand.

Publication (``live``) is not part of the rule: what the public may see is decided in
``gi_registry.services`` (``public_authorisations``), on top of this rule.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import Q


class Condition(NamedTuple):
    """``path`` (Django lookup path, ``__`` between relations) compared with ``value``.

    ``open_if_empty``: a blank field (no date) satisfies the condition (an open-ended window).
    """

    path: str
    lookup: str  # "exact", "in", "lte" or "gte"
    value: Any
    open_if_empty: bool = False


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "in": lambda field, values: field in values,
    "lte": operator.le,
    "gte": operator.ge,
}


def gi_registered_conditions(day: datetime.date, prefix: str = "") -> list[Condition]:
    """A GI is registered on ``day``: status registered, and inside its validity window (a
    trademark's ``valid_from``/``valid_until``) where it has one."""
    from .indications import GeographicalIndication as GI

    return [
        Condition(f"{prefix}status", "exact", GI.Status.REGISTERED),
        Condition(f"{prefix}valid_from", "lte", day, open_if_empty=True),
        Condition(f"{prefix}valid_until", "gte", day, open_if_empty=True),
    ]


def authorisation_valid_conditions(day: datetime.date, *, statuses=None) -> list[Condition]:
    """An authorisation is in force on ``day``: its status active (or one of ``statuses``), ``day``
    inside its own period, its GI registered on ``day``, and its producer active."""
    from .authorisations import Authorisation
    from .producers import Producer

    return [
        Condition("status", "in", tuple(statuses or (Authorisation.Status.ACTIVE,))),
        Condition("valid_from", "lte", day),
        Condition("valid_until", "gte", day),
        *gi_registered_conditions(day, prefix="geographical_indication__"),
        Condition("producer__status", "exact", Producer.Status.ACTIVE),
    ]


def as_q(conditions: list[Condition]) -> Q:
    """The conditions as one ``Q`` (all must hold)."""
    q = Q()
    for condition in conditions:
        test = Q(**{f"{condition.path}__{condition.lookup}": condition.value})
        if condition.open_if_empty:
            test |= Q(**{f"{condition.path}__isnull": True})
        q &= test
    return q


def holds(instance, conditions: list[Condition]) -> bool:
    """Whether a loaded record meets every condition (follows relations as attribute access)."""
    for condition in conditions:
        value = instance
        for name in condition.path.split("__"):
            value = getattr(value, name)
        if value is None and condition.open_if_empty:
            continue
        if value is None or not _COMPARE[condition.lookup](value, condition.value):
            return False
    return True
