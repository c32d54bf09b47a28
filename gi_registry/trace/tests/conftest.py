"""Shared fixtures of the traceability tests (the project-wide ones are in the root conftest.py)."""

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every trace test starts with an empty cache: payloads, rate-limit windows and pages."""
    cache.clear()


@pytest.fixture
def english_messages():
    """Refusals matched on their English text (the site's default language is Chinese)."""
    with translation.override("en"):
        yield
