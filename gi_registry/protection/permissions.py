"""Who may see and handle cases (the groups are set up in ``setup.py``).

Enforcement staff hold ``protection.handle_case``: they act on cases. Holders of ``view_case``
without it (registry officers) see the queue and the case pages read-only, without the reporters'
phone numbers. Producers and brand editors hold neither.
"""

from .setup import HANDLE_PERMISSION, VIEW_PERMISSION


def can_handle_cases(user) -> bool:
    return bool(user.is_active and user.has_perm(HANDLE_PERMISSION))


def can_view_cases(user) -> bool:
    return bool(user.is_active and (user.has_perm(VIEW_PERMISSION) or user.has_perm(HANDLE_PERMISSION)))
