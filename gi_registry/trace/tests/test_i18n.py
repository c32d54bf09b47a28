"""The trace page speaks Chinese by default and English under /en/ (the project catalogue in locale/)."""

import gettext
import re

import pytest
from django.conf import settings
from django.core.cache import cache

from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes

from .conftest import PHONE as UA

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def with_trace_catalogue():
    cache.clear()
    yield


@pytest.fixture
def code():
    batch = BatchFactory()
    TraceEventFactory(batch=batch, business_step="packing")
    return issue_codes(batch, 1)[0]


def test_chinese_by_default(client, code):
    html = client.get(f"/t/{code.printed_code}", **UA).content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("正品", "生产主体", "地理标志使用授权", "从田间到", "包装", "已扫描"):
        assert text in html, text
    assert "Genuine" not in html and "Producer" not in html
    assert 'href="/en/t/' in html  # the language link


def test_english_under_en(client, code):
    html = client.get(f"/en/t/{code.printed_code}", **UA).content.decode()
    assert '<html lang="en">' in html
    assert "Genuine" in html and "From the field to you" in html and "正品" not in html
    assert f'href="/t/{code.printed_code}"' in html


def test_unknown_code_page_in_chinese(client):
    html = client.get("/t/AAAAAAAAAAAAAAAAAAAA", **UA).content.decode()
    assert "未登记的追溯码" in html and "12315" in html


def test_withdrawn_verdict_is_withdrawn_not_the_standards_word(client, code):
    code.batch.withdraw()
    html = client.get(f"/t/{code.printed_code}", **UA).content.decode()
    assert "已撤回" in html and "已废止" not in html


def test_compiled_catalogue_holds_every_message_of_the_po_file():
    """The .mo file is compiled from the current .po file (a stale one would show English)."""
    folder = settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    po = (folder / "django.po").read_text(encoding="utf-8")
    entries = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', po, re.M)
    assert len(entries) > 150
    for ctx, msgid in entries:
        msgid = msgid.replace('\\"', '"').replace("\\\\", "\\")
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        assert key in catalog or (key, 0) in catalog, key
