"""Wagtail's ``PageQuerySet.public()`` without its query on every call.

``public()`` reads every ``PageViewRestriction`` each time it is called (wagtail/query.py,
``private_q``), so a page listing brands, families and announcements paid one query per list.
Here the restricted sections are read once per content version (core/memo.py; a restriction's
save or delete bumps it: ``PageViewRestriction`` is in ``PAGE_CACHE_MODELS``) and the same filter
is built from them. ``core/tests/test_pages.py`` checks it gives what ``public()`` gives.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import PageViewRestriction

from .memo import memoized


def restricted_sections() -> tuple[tuple[str, int], ...]:
    """(path, depth) of every page with a view restriction: it and its descendants are private."""
    return memoized(
        "page-view-restrictions",
        lambda: tuple(PageViewRestriction.objects.order_by("page__path").values_list("page__path", "page__depth")),
    )


def public(queryset):
    """``queryset.public()``: the pages outside every private section."""
    private = Q()
    for path, depth in restricted_sections():
        private |= Q(path__startswith=path) & Q(depth__gte=depth)
    return queryset.exclude(private) if private else queryset
