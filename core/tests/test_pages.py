"""``core.pages.public`` gives what Wagtail's ``PageQuerySet.public()`` gives, and a new view
restriction shows at once (it bumps the content version the memo is keyed on)."""

import pytest
from wagtail.models import Page, PageViewRestriction

from core.pages import public

pytestmark = pytest.mark.django_db


def test_public_gives_what_wagtails_public_gives():
    root = Page.objects.get(depth=1)
    section = root.add_child(instance=Page(title="section", slug="section"))
    private = section.add_child(instance=Page(title="private", slug="private"))
    inside = private.add_child(instance=Page(title="inside", slug="inside"))
    section.add_child(instance=Page(title="open", slug="open"))
    assert list(public(Page.objects.order_by("path"))) == list(Page.objects.public().order_by("path"))

    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    shown = list(public(Page.objects.order_by("path")))
    assert shown == list(Page.objects.public().order_by("path"))
    assert private not in shown and inside not in shown
    assert section in shown
