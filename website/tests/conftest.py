"""Fixtures shared by the site's tests: an empty cache, the page cache on, a phone's User-Agent."""

import pytest
from django.core.cache import cache

#: WeChat's browser on a phone: the visitor who scans a box (a request without a User-Agent is
#: counted as a crawler's)
PHONE_USER_AGENT = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 MicroMessenger/8.0"


@pytest.fixture
def phone():
    """Request headers of a visitor on a phone: ``client.get(path, **phone)``."""
    return {"HTTP_USER_AGENT": PHONE_USER_AGENT}


@pytest.fixture
def empty_cache():
    """The cache (page cache, rate-limit counters) is empty when the test starts and when it ends."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cached_pages(empty_cache, settings):
    """The anonymous page cache on (60 s), starting empty."""
    settings.PAGE_CACHE_SECONDS = 60
