"""Shared fixtures and User-Agents of the traceability tests (the project-wide fixtures, users
among them, are in the root conftest.py)."""

import pytest
from django.core.cache import cache
from django.utils import translation

from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

#: WeChat's in-app browser on Android and on an iPhone, Alipay's, and Safari: the clients a scan
#: of a printed label comes from.
WECHAT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0.47"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47"
ALIPAY = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 AlipayClient/10.5.90"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
#: A phone's request headers, for ``client.get(url, **PHONE)``.
PHONE = {"HTTP_USER_AGENT": PHONE_UA}
#: Link-preview fetchers and crawlers whose scans are logged but not counted ("": no User-Agent,
#: as WeChat's own preview fetcher sends).
CRAWLERS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Sogou web spider/4.0",
    "Mozilla/5.0 (compatible; YandexBot/3.0)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "SomeCrawler/1.0",
    "",
]


def scan(client, code, ua=SAFARI, ip="203.0.113.9", method="get", path="/t/"):
    """Scan ``code`` (``path`` ``/t/`` for the page, ``/api/v1/trace/`` for the JSON) as ``ua`` from ``ip``."""
    return getattr(client, method)(f"{path}{code.printed_code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every trace test starts with an empty cache: payloads, rate-limit windows and pages."""
    cache.clear()


@pytest.fixture
def english_messages():
    """Refusals matched on their English text (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def phone(client):
    """The test client as WeChat on an iPhone."""
    client.defaults["HTTP_USER_AGENT"] = PHONE_UA
    return client


@pytest.fixture
def batch(db):
    return BatchFactory()


@pytest.fixture
def code(batch):
    """One issued code of ``batch``."""
    return issue_codes(batch, 1)[0]
