"""The scan dashboard as each group uses it: a date range (last 30 days by default, a bad range
refused in Chinese), scans per day on dated axes, breakdowns by GI, producer, batch and client,
the CSV of the same figures; a producer sees only its own codes' scans, whatever ids it tries;
brand editors are refused; the number of queries does not grow with the number of scans."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory
from gi_registry.trace.admin.scan_figures import NARROW, day_chart, local_bounds
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan

URL = "/admin/trace/scans/"
TZ = timezone.get_default_timezone()


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def add_scans(code, when: datetime.datetime, n: int = 1, client: str = "wechat", counted: bool = True) -> None:
    Scan.objects.bulk_create(Scan(code=code, scanned_at=when, client=client, counted=counted) for _ in range(n))


@pytest.fixture
def world(db, producer_user):
    """Producer A (the producer account's) with a 梁平柚 batch, producer B with a 梁平竹笋 batch."""
    pomelo = GeographicalIndicationFactory(name="梁平柚")
    shoots = GeographicalIndicationFactory(name="梁平竹笋")
    mine = BatchFactory(
        authorisation=AuthorisationFactory(
            producer=ProducerFactory(name="梁平区礼让镇川西柚子专业合作社"), geographical_indication=pomelo
        ),
        lot_number="MINE-001",
    )
    mine.producer.accounts.add(producer_user)
    mine.producer.save()
    theirs = BatchFactory(
        authorisation=AuthorisationFactory(
            producer=ProducerFactory(name="重庆梁平竹乡笋制品有限公司"), geographical_indication=shoots
        ),
        lot_number="THEIRS-77",
        product_name="清水笋",
    )
    today = timezone.localdate()
    my_code, their_code = issue_codes(mine, 2)[0], issue_codes(theirs, 1)[0]
    add_scans(my_code, at(today - datetime.timedelta(days=2)), 3, "wechat")
    add_scans(my_code, at(today - datetime.timedelta(days=1)), 2, "alipay")
    add_scans(my_code, at(today - datetime.timedelta(days=45)), 7, "browser")  # outside the default range
    add_scans(my_code, at(today), 4, "crawler", counted=False)  # link previews are not counted
    add_scans(their_code, at(today - datetime.timedelta(days=3)), 11, "browser")
    return {"mine": mine, "theirs": theirs, "pomelo": pomelo, "shoots": shoots, "my_code": my_code}


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def chart(html: str, size: str = "wide") -> str:
    """The SVG of one of the two drawings (wide screens, phones)."""
    return re.search(rf'<svg[^>]*data-scan-chart="{size}".*?</svg>', html, re.DOTALL).group(0)


def total(html: str) -> int:
    return int(re.search(r"data-scan-total>(\d+)<", html).group(1))


def test_officer_sees_the_last_30_days_with_dated_axes_and_every_breakdown(client, officer, world):
    response = page(client, officer)
    assert response.status_code == 200
    html = response.content.decode()
    assert total(html) == 16  # 3 + 2 mine, 11 theirs; not the 45-day-old ones, not the crawler
    today = timezone.localdate()
    start = today - datetime.timedelta(days=29)
    assert f'value="{start.isoformat()}"' in html and f'value="{today.isoformat()}"' in html
    ticks = re.findall(r"data-date-tick>([^<]+)<", chart(html))
    assert 4 <= len(ticks) <= 8
    assert 2 <= len(re.findall(r"data-date-tick>", chart(html, "narrow"))) <= 5  # the phone's drawing
    assert ticks[0] == start.isoformat()  # the first tick carries the year
    assert all(re.fullmatch(r"(\d{4}-)?\d{2}-\d{2}", t) for t in ticks)
    assert chart(html).count("<rect") == chart(html, "narrow").count("<rect") == 30
    for name in (
        "梁平柚",
        "梁平竹笋",
        "梁平区礼让镇川西柚子专业合作社",
        "重庆梁平竹乡笋制品有限公司",
        "MINE-001",
        "THEIRS-77",
    ):
        assert name in html
    for client_label in ("微信", "支付宝", "浏览器"):
        assert client_label in html
    for kind in ("gi", "producer", "batch", "client"):
        assert f'data-breakdown="{kind}"' in html


def test_a_date_range_counts_local_days(client, officer, world):
    code = world["my_code"]
    # 23:30 in Liangping on 1 October is 15:30 UTC: it counts on 1 October, not on the UTC day
    add_scans(code, at(datetime.date(2025, 10, 1), 23, 30), 5)
    add_scans(code, at(datetime.date(2025, 10, 2), 0, 10), 1)
    html = page(client, officer, start="2025-10-01", end="2025-10-01").content.decode()
    assert total(html) == 5
    assert re.findall(r"data-date-tick>([^<]+)<", chart(html)) == ["2025-10-01"]
    html = page(client, officer, start="2025-09-01", end="2025-10-31").content.decode()
    assert total(html) == 6
    assert "THEIRS-77" not in html  # its scans are outside this range


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-10-31", "end": "2025-10-01"}, "开始日期晚于结束日期"),
        ({"start": "2025-13-01", "end": "2025-10-01"}, "请按 YYYY-MM-DD 输入日期"),
        ({"start": "2020-01-01", "end": "2025-10-01"}, "最多选择 366 天"),
        ({"end": "2999-01-01"}, "结束日期在未来"),
    ],
)
def test_a_bad_range_is_refused_in_chinese_and_kept_in_the_form(client, officer, world, params, message):
    response = page(client, officer, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    for value in params.values():
        assert f'value="{value}"' in html  # what was typed is still there
    assert "data-scan-total" not in html and "THEIRS-77" not in html
    csv_response = client.get(URL, {**params, "format": "csv"})
    assert csv_response.status_code == 400 and message in csv_response.content.decode()


def test_a_producer_sees_only_its_own_scans(client, producer_user, world):
    html = page(client, producer_user).content.decode()
    assert total(html) == 5
    assert "MINE-001" in html and "梁平柚" in html
    for theirs in ("THEIRS-77", "重庆梁平竹乡笋制品有限公司", "梁平竹笋", "清水笋"):
        assert theirs not in html


@pytest.mark.parametrize("param", ["batch", "producer"])
def test_a_producer_guessing_another_producers_ids_gets_nothing_of_it(client, producer_user, world, param):
    theirs = world["theirs"]
    pk = theirs.pk if param == "batch" else theirs.producer_id
    response = page(client, producer_user, **{param: pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "在您可查看的记录中没有" in html
    for leaked in ("THEIRS-77", "重庆梁平竹乡笋制品有限公司", "清水笋", "data-scan-total"):
        assert leaked not in html
    csv_response = client.get(URL, {param: pk, "format": "csv"})
    assert csv_response.status_code == 400 and "THEIRS-77" not in csv_response.content.decode()


def test_a_producer_asking_for_another_gi_gets_only_its_own_scans_of_it(client, producer_user, world):
    html = page(client, producer_user, gi=world["shoots"].pk).content.decode()
    assert total(html) == 0 and "THEIRS-77" not in html and "重庆梁平竹乡笋制品有限公司" not in html
    text = client.get(URL, {"gi": world["shoots"].pk, "format": "csv"}).content.decode("utf-8-sig")
    assert "THEIRS" not in text and "竹乡" not in text


def test_officers_narrow_to_one_batch_gi_or_producer(client, officer, world):
    assert total(page(client, officer, batch=world["theirs"].pk).content.decode()) == 11
    assert total(page(client, officer, gi=world["pomelo"].pk).content.decode()) == 5
    html = page(client, officer, producer=world["mine"].producer_id).content.decode()
    assert total(html) == 5 and "THEIRS-77" not in html
    assert "梁平区礼让镇川西柚子专业合作社" in html  # the filter is named, with a way to remove it


def test_brand_editors_are_refused(client, brand_editor, world):
    for params in ({}, {"format": "csv"}):
        response = page(client, brand_editor, **params)
        assert response.status_code in (302, 403)
        assert b"MINE-001" not in response.content and b"THEIRS" not in response.content


def test_the_csv_has_the_same_figures_and_is_formula_safe(client, officer, world):
    world["theirs"].producer.name = "=HYPERLINK(1)合作社"
    world["theirs"].producer.save()
    response = page(client, officer, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    today = timezone.localdate()
    assert (
        f"scans-{(today - datetime.timedelta(days=29)).isoformat()}-{today.isoformat()}.csv"
        in (response["Content-Disposition"])
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["分类", "日期或编号", "名称", "扫码次数", "被扫追溯码数", "占比（%）"]
    days = [r for r in rows if r[0] == "日"]
    assert len(days) == 30 and sum(int(r[3]) for r in days) == 16
    assert [d[1] for d in days][-1] == today.isoformat()
    gis = {r[2]: int(r[3]) for r in rows if r[0] == "地理标志"}
    assert gis == {"梁平竹笋": 11, "梁平柚": 5}
    producers = {r[2]: int(r[3]) for r in rows if r[0] == "生产主体"}
    assert producers["'=HYPERLINK(1)合作社"] == 11  # through core/spreadsheets.py: shown, not run
    batches = {r[1]: int(r[3]) for r in rows if r[0] == "批次"}
    assert batches == {"THEIRS-77": 11, "MINE-001": 5}
    clients = {r[2]: int(r[3]) for r in rows if r[0] == "客户端"}
    assert clients == {"浏览器": 11, "微信": 3, "支付宝": 2}
    assert rows[-1][0] == "合计" and rows[-1][3] == "16"


@pytest.mark.parametrize("user_fixture", ["officer", "producer_user"])
def test_the_number_of_queries_does_not_grow_with_the_scans(client, world, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    client.get(URL)  # warm the session, permissions and translations

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
            assert client.get(URL, {"format": "csv"}).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    today = timezone.localdate()
    more = issue_codes(world["mine"], 20)
    for i, code in enumerate(more):
        add_scans(code, at(today - datetime.timedelta(days=i % 25)), 10, ("wechat", "alipay", "browser")[i % 3])
    assert Scan.objects.count() > 200
    assert queries() == before


def test_the_day_chart_has_round_counts_and_few_dated_ticks():
    days = [(datetime.date(2025, 12, 1) + datetime.timedelta(days=i), i % 7) for i in range(62)]
    drawing = day_chart(days)
    assert len(drawing.bars) == 62
    labels = [t["label"] for t in drawing.x_ticks]
    assert 4 <= len(labels) <= 8
    assert labels[0] == "2025-12-01"
    assert any(label.startswith("2026-") for label in labels[1:])  # the year again where it changes
    assert [t["label"] for t in drawing.y_ticks] == ["0", "2", "4", "6"]
    tallest = max(drawing.bars, key=lambda b: b["height"])
    assert tallest["count"] == 6 and tallest["y"] == drawing.y_ticks[-1]["y"]
    narrow = day_chart(days, NARROW)
    assert 2 <= len(narrow.x_ticks) <= 5 and narrow.width < drawing.width
    assert all(b["x"] + b["width"] <= narrow.right for b in narrow.bars)


def test_local_bounds_cover_whole_local_days():
    since, until = local_bounds(datetime.date(2025, 10, 1), datetime.date(2025, 10, 1))
    assert since.astimezone(datetime.UTC).isoformat() == "2025-09-30T16:00:00+00:00"
    assert until - since == datetime.timedelta(days=1)


def test_suspicious_codes_are_listed_only_to_those_who_may_see_them(client, officer, producer_user, world, settings):
    from gi_registry.trace.models import TraceCode

    settings.TRACE_SUSPICIOUS_SCANS = 5
    their_code = TraceCode.objects.get(batch=world["theirs"])
    TraceCode.objects.filter(pk=their_code.pk).update(scan_count=11)
    TraceCode.objects.filter(pk=world["my_code"].pk).update(scan_count=16)
    officer_html = page(client, officer).content.decode()
    assert their_code.printed_code in officer_html and world["my_code"].printed_code in officer_html
    producer_html = page(client, producer_user).content.decode()
    assert world["my_code"].printed_code in producer_html
    assert their_code.printed_code not in producer_html
