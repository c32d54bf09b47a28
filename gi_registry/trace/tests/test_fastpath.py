"""The trace page's hand-made replacements of Django facilities (``fastpath``) give the same output
as the plain Django way: never-cache headers, dates, the pre-split page (and its scan counts),
code URLs and the raw code lookup (on SQLite, and on PostgreSQL when ``DATABASE_URL`` says so)."""

import datetime
import zoneinfo

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache as django_never_cache

from core.origin import absolute_url
from gi_registry.trace import fastpath, resolve, signing, views
from gi_registry.trace.factories import TraceEventFactory
from gi_registry.trace.models import TraceCode
from gi_registry.trace.scans import ScanStats

from .conftest import WECHAT, scan

LANGUAGES = ("zh-hans", "en")
ZONES = ("Asia/Shanghai", "UTC", "America/Los_Angeles", "Pacific/Kiritimati")
MOMENTS = (
    datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(2025, 6, 30, 16, 5, 59, tzinfo=datetime.UTC),  # the next day in Shanghai
    datetime.datetime(2024, 2, 29, 23, 59, 30, tzinfo=datetime.UTC),
    datetime.datetime(2025, 11, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    datetime.datetime(1999, 12, 31, 7, 0, 0, 123456, tzinfo=datetime.UTC),
)


@pytest.fixture(autouse=True)
def fresh_frames():
    views._FRAMES.clear()
    fastpath.CODE_QUERY.clear()
    yield
    views._FRAMES.clear()
    fastpath.CODE_QUERY.clear()


# -- never-cache headers -----------------------------------------------------------------------


@pytest.fixture
def frozen_time(monkeypatch):
    """Both ways read the clock within one second: fix it."""
    monkeypatch.setattr("time.time", lambda: 1_760_000_000.25)


def test_never_cache_headers_equal_djangos_on_a_plain_response(rf, frozen_time):
    reference = HttpResponse("x")
    add_never_cache_headers(reference)
    ours = fastpath.never_cache(lambda request: HttpResponse("x"))(rf.get("/"))
    assert ours["Cache-Control"] == reference["Cache-Control"] == fastpath.NEVER_CACHE
    assert ours["Expires"] == reference["Expires"]
    assert set(ours.headers) == set(reference.headers)


def test_a_response_with_caching_headers_gets_djangos_treatment(rf, frozen_time):
    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    reference = view(rf.get("/"))
    add_never_cache_headers(reference)
    ours = fastpath.never_cache(view)(rf.get("/"))
    assert ours["Cache-Control"] == reference["Cache-Control"]
    assert ours["Expires"] == reference["Expires"]


@pytest.mark.django_db
def test_trace_responses_carry_djangos_never_cache_headers(client, code, rf):
    reference = django_never_cache(lambda request: HttpResponse("x"))(rf.get("/"))
    for path in ("/t/", "/api/v1/trace/"):
        response = scan(client, code, WECHAT, path=path)
        assert response["Cache-Control"] == reference["Cache-Control"]
        assert response["Expires"].endswith(" GMT")
    forged = client.get("/t/AAAAAAAAAAAAAAAAAAAA", HTTP_USER_AGENT=WECHAT)
    assert forged.status_code == 404 and forged["Cache-Control"] == reference["Cache-Control"]


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("fmt", ["Y-m-d", "Y-m-d H:i"])
def test_dates_equal_djangos_date_filter_and_date_format(language, zone, fmt):
    template = Template(f'{{{{ value|date:"{fmt}" }}}}')
    with translation.override(language), timezone.override(zone):
        for moment in MOMENTS:
            ours = fastpath.format_date(moment, fmt)
            assert ours == template.render(Context({"value": moment})), (moment, zone)
            assert ours == date_format(timezone.localtime(moment), fmt)
        naive = datetime.datetime(2025, 3, 4, 5, 6)
        assert fastpath.format_date(naive, fmt) == date_format(naive, fmt)
    assert fastpath.format_date(None, fmt) == ""


# -- the pre-split page ------------------------------------------------------------------------

#: The scan counts as a template would write them (``fastpath.scan_counts`` replaces this).
SCAN_SUMMARY = Template(
    '{% load i18n %}<p>{% blocktrans count counter=stats.count with first=stats.first_at|date:"Y-m-d" '
    "origins=stats.origins %}This code is registered, but it has been scanned {{ counter }} time since "
    "{{ first }}, from {{ origins }} places.{% plural %}This code is registered, but it has been scanned "
    "{{ counter }} times since {{ first }}, from {{ origins }} places.{% endblocktrans %}</p>"
)
SCAN_LINE = Template(
    '{% load i18n %}<p class="verdict-scans">{% blocktrans count counter=stats.count %}Scanned {{ counter }} '
    "time{% plural %}Scanned {{ counter }} times{% endblocktrans %}{% if stats.first_at %} · "
    '{% trans "first scan" %} {{ stats.first_at|date:"Y-m-d H:i" }}{% endif %}</p>'
)


def django_scan_counts(stats, suspicious: bool) -> dict[str, str]:
    if stats is None:
        return {"scan_summary": "", "scan_line": ""}
    context = Context({"stats": stats})
    if suspicious:
        return {"scan_summary": SCAN_SUMMARY.render(context), "scan_line": ""}
    return {"scan_summary": "", "scan_line": SCAN_LINE.render(context)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("suspicious", [False, True])
@pytest.mark.parametrize("count", [1, 2, 21])
def test_scan_counts_equal_a_templates_blocktrans_count(language, suspicious, count):
    first = datetime.datetime(2025, 9, 18, 1, 2, tzinfo=datetime.UTC)
    with translation.override(language):
        for stats in (ScanStats(count, first, 3), ScanStats(count, None, 0)):
            assert fastpath.scan_counts(stats, suspicious=suspicious) == django_scan_counts(stats, suspicious)
        assert fastpath.scan_counts(None, suspicious=suspicious) == django_scan_counts(None, suspicious)


def django_page(request, resolution, typed: str) -> str:
    """The trace page rendered the plain way: the template with every value, no frame."""
    batch = resolution.batch
    details = None
    if batch is not None:
        full, events = resolve.full_batch(batch.pk)
        details = {
            "html": mark_safe(  # noqa: S308 — the template's own rendering
                render_to_string("gi_registry/trace/_batch_details.html", {"batch": full, "events": events}, request)
            ),
            "product": full.display_name,
            "producer": full.producer.name,
            "gi": full.authorisation.geographical_indication.name,
        }
    counts = django_scan_counts(resolution.stats, resolution.verdict == resolve.SUSPICIOUS)
    context = {
        "r": resolution,
        "verdict": resolution.verdict,
        "verdict_title": views.verdict_title(resolution),
        "code": resolution.code,
        "batch": batch,
        "printed": signing.display(resolution.printed) if resolution.printed else "",
        "typed": typed[:40],
        "details": details,
        "hotline": views.HOTLINE,
        "lang_switch": views.language_switch(request, resolution.printed),
        "page_url": absolute_url(request.path),
        "scan_summary": mark_safe(counts["scan_summary"]),  # noqa: S308 — rendered above
        "scan_line": mark_safe(counts["scan_line"]),  # noqa: S308 — rendered above
    }
    return render_to_string("gi_registry/trace/trace_page.html", context, request)


def page_request(rf, language: str, printed: str):
    path = f"/en/t/{printed}" if language == "en" else f"/t/{printed}"
    return rf.get(path, HTTP_USER_AGENT=WECHAT, REMOTE_ADDR="203.0.113.9")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("verdict", ["genuine", "suspicious", "withdrawn", "recalled", "unknown"])
def test_the_pre_split_page_equals_djangos_render(rf, batch, code, language, verdict):
    TraceEventFactory(batch=batch, business_step="packing", read_point="礼让镇 <分拣中心>")
    typed = '"><b>typed & 码</b>'
    if verdict in ("withdrawn", "recalled"):
        batch.withdraw(verdict, "农残 <超标>")
    with translation.override(language), override_settings(TRACE_SUSPICIOUS_SCANS=0 if verdict == "suspicious" else 20):
        for _ in range(2):  # the second time from the cached frame
            request = page_request(rf, language, code.printed_code)
            if verdict == "unknown":
                resolution = resolve.Resolution(resolve.UNKNOWN)
            else:
                resolution = resolve.resolve(code.printed_code, request)
            expected = "suspicious" if verdict == "suspicious" else "withdrawn" if verdict == "recalled" else verdict
            assert resolution.verdict == expected
            ours = views.render_resolution(request, resolution, typed=typed).content.decode()
            assert ours == django_page(request, resolution, typed)
    assert f'verdict-{expected}"' in ours


@pytest.mark.parametrize("prefix", ["/", "/sub/"])
def test_code_urls_equal_reverse(prefix):
    printed = "ABCDEFGHIJKLMNOPQRST"
    set_script_prefix(prefix)
    try:
        for name in ("trace:page", "trace:page_en", "trace:page_upper", "trace:api"):
            assert fastpath.code_url(name, printed) == reverse(name, args=[printed])
    finally:
        set_script_prefix("/")


# -- the raw lookup ----------------------------------------------------------------------------


def assert_same_instances(fast, orm) -> None:
    for a, b in ((fast, orm), (fast.batch, orm.batch)):
        assert type(a) is type(b)
        for field in type(b)._meta.concrete_fields:
            assert getattr(a, field.attname) == getattr(b, field.attname), field.name
            assert type(getattr(a, field.attname)) is type(getattr(b, field.attname)), field.name
        assert a._state.db == b._state.db and a._state.adding is b._state.adding is False


@pytest.mark.django_db
def test_the_raw_lookup_loads_what_the_orm_loads(code):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    batch = code.batch
    batch.photo = Image.objects.create(title="p", file=get_test_image_file())
    batch.gtin, batch.quantity, batch.status_reason = "6901234567892", 1234.5, "测试"
    batch.save()
    orm = TraceCode.objects.select_related("batch").get(serial=code.serial, key_id=code.key_id)
    assert_same_instances(fastpath.load_code(code.serial, code.key_id), orm)
    again = fastpath.load_code(code.serial, code.key_id)  # the batch from this process's copy
    assert_same_instances(again, orm)
    assert again.batch.inspection_results == batch.inspection_results
    assert again.batch.inspection_results is not fastpath.load_code(code.serial, code.key_id).batch.inspection_results
    batch.withdraw("recalled", "召回")
    orm = TraceCode.objects.select_related("batch").get(pk=code.pk)
    assert_same_instances(fastpath.load_code(code.serial, code.key_id), orm)
    assert fastpath.load_code("0" * 16, code.key_id) is None
