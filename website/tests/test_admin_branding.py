"""The admin wears the registry's name, mark and colours, not Wagtail's bird (Wagtail's branding
template blocks in templates/wagtailadmin/ and its custom colour properties in admin-brand.css)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAME = "梁平地理标志与农产品品牌登记"
LOGO = "/static/img/registry-logo.svg"


def test_login_page_shows_the_registry_name_and_mark(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert re.search(r"<title>[^<]*- " + NAME + "</title>", html)
    assert NAME in html and LOGO in html
    assert "Wagtail" not in re.sub(r"<(script|link|svg)[^>]*>|wagtail[a-z_/.-]*|w-[a-z-]+", "", html, flags=re.I)
    assert f'<link rel="icon" href="{LOGO}"' in html
    assert "/static/css/admin-brand.css" in html


@pytest.mark.parametrize("user", ["officer", "brand_editor", "producer_user"])
def test_every_group_sees_the_mark_in_the_sidebar_and_the_name_on_the_dashboard(client, request, user):
    client.force_login(request.getfixturevalue(user))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    sidebar_logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html, re.S).group(1)
    assert LOGO in sidebar_logo and NAME in sidebar_logo  # the image and its text alternative
    assert re.search(r'<h1 class="w-h1[^"]*">.*?' + NAME, html, re.S)  # the dashboard's welcome
    assert "/static/css/admin-brand.css" in html


def test_the_colours_are_wagtails_documented_properties():
    css = Path(finders.find("css/admin-brand.css")).read_text(encoding="utf-8")
    for part in ("primary-hue", "primary-saturation", "primary-lightness", "secondary-hue", "secondary-lightness"):
        assert f"--w-color-{part}:" in css


@pytest.mark.parametrize("user", ["officer", "brand_editor", "producer_user"])
def test_no_link_to_wagtails_own_guide_or_release_notes(client, request, user):
    """The dashboard and the help menu (drawn from the sidebar's JSON) point at no wagtail.org page:
    no "Wagtail x.y editor guide", no "What's new in Wagtail" item or banner."""
    client.force_login(request.getfixturevalue(user))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "wagtail.org" not in html
    assert "editor-guide" not in html and "whats-new-in-wagtail" not in html
    assert "keyboard-shortcuts-dialog" in html  # the help menu keeps the shortcuts


@pytest.mark.parametrize("user", ["officer", "brand_editor"])
def test_the_content_checks_explainer_of_a_page_form_links_to_no_wagtail_guide(client, request, user, demo_site):
    """The page editor's checks panel explains its metrics without sending the clerk to
    guide.wagtail.org (templates/wagtailadmin/shared/side_panels/checks.html)."""
    from wagtail.models import Page

    client.force_login(request.getfixturevalue(user))
    page = next(
        p
        for p in Page.objects.filter(depth=3).order_by("path")
        if p.permissions_for_user(request.getfixturevalue(user)).can_edit()
    )
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "metrics-explainer-dialog" in html  # the explainer is still there, in Chinese
    assert "可读性" in html
    assert "wagtail.org" not in html
