"""The brands app's public surface for other apps (the home page): what the public may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import BrandIndexPage, BrandPage


def public_brands() -> QuerySet[BrandPage]:
    """Published, unrestricted brand pages, in the editors' order (the page tree)."""
    return BrandPage.objects.live().public().select_related("logo").order_by("path")


def brand_index() -> BrandIndexPage | None:
    """The published brand index, if there is one."""
    return BrandIndexPage.objects.live().public().first()
