"""Add forms never autosave (a background post of a half-filled "add" form created the record, and
the user's own save then failed with "already exists"); edit forms keep autosave.

Walks every registered snippet model and every page type, so a new one cannot regress."""

import re

import pytest
from django.urls import reverse
from wagtail.models import Page, RevisionMixin, get_page_models
from wagtail.snippets.models import get_snippet_models

from gi_registry.factories import ProducerFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = re.compile(r'data-controller="[^"]*\bw-autosave\b')


def test_no_snippet_add_form_autosaves(client, superuser):
    client.force_login(superuser)
    checked = []
    for model in get_snippet_models():
        url = reverse(model.snippet_viewset.get_url_name("add"))
        response = client.get(url)
        assert response.status_code == 200, url
        assert not AUTOSAVE.search(response.content.decode()), url
        checked.append(model._meta.model_name)
    assert {"producer", "authorisation", "geographicalindication", "batch", "planindicator"} <= set(checked)


def test_snippet_edit_form_still_autosaves(client, superuser):
    producer = ProducerFactory()
    assert issubclass(type(producer), RevisionMixin)
    client.force_login(superuser)
    response = client.get(reverse(type(producer).snippet_viewset.get_url_name("edit"), args=[producer.pk]))
    assert AUTOSAVE.search(response.content.decode())


def test_no_page_add_form_autosaves(client, superuser):
    client.force_login(superuser)
    parents = [page.specific for page in Page.objects.all()]
    checked = []
    for model in get_page_models():
        if model is Page:
            continue
        parent = next((page for page in parents if model.can_create_at(page)), None)
        if parent is None:
            continue
        url = reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))
        response = client.get(url)
        assert response.status_code == 200, url
        assert not AUTOSAVE.search(response.content.decode()), url
        checked.append(model.__name__)
    assert {"ContentPage", "ContactPage", "ProductFamilyPage"} <= set(checked), checked


def test_page_edit_form_still_autosaves(client, superuser):
    client.force_login(superuser)
    home = Page.objects.filter(depth=2).first()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert AUTOSAVE.search(response.content.decode())
