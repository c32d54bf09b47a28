"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from gi_registry.setup import BRAND_EDITORS, PRODUCERS, REGISTRY_OFFICERS


def _user(username: str, group: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only", **extra)  # noqa: S106
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer(db):
    return _user("officer", REGISTRY_OFFICERS)


@pytest.fixture
def brand_editor(db):
    return _user("editor", BRAND_EDITORS)


@pytest.fixture
def producer_user(db):
    return _user("producer", PRODUCERS)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-for-tests-only")
