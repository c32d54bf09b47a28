"""The brands app's public surface for other apps (the home page): what the public may see."""

from __future__ import annotations

from django.db.models import QuerySet

from core.i18n import localize, source_pages
from core.pages import public

from .models import BrandIndexPage, BrandPage


def public_brands() -> QuerySet[BrandPage]:
    """Published, unrestricted brand pages in Chinese (the source language), in the editors' order
    (the page tree); ``core.i18n.localize`` a slice to show it in the visitor's language."""
    return source_pages(public(BrandPage.objects.live())).select_related("logo").order_by("path")


def brand_index() -> BrandIndexPage | None:
    """The published brand index, in the visitor's language where translated."""
    index = source_pages(public(BrandIndexPage.objects.live())).first()
    return localize([index])[0] if index else None
