"""Demo protection data, and its step of the demo loader (``core.demo``, ``manage.py load_demo_data``).

* A suspected copy: the second code of the demo batch whose labels were copied (``trace.demo``'s
  "suspicious" batch, CX2611-02) scanned in four cities within a day — 重庆市, 成都市, 上海市 and
  广州市, hours apart, from as many networks — so it tops the suspected copies with its cities and
  the shortest interval between two of them. The scans carry coarse places and origins of the
  benchmarking range 198.18.0.0/15 (RFC 2544), written through the scan log's own writer.
* Five cases in different states, each with one consumer report: new (about the copied code), one
  new and overdue (not decided within 7 working days), accepted, investigating, and closed as a
  confirmed fake with the outcome the consumer sees. No real personal data: one report has the
  obviously made-up phone number 13800000000 (with the consent text), the others none.

* The demo account ``enforcer`` (group 执法人员, display name 演示执法人员), with the other demo
  accounts' password, so that the case queue can be tried (``DEMO_USERS=0`` skips it like the others).

Every case is found by its shop key (``Case.shop_key``, ``演示·…``) and the scans are added only
to a code that has none, so a second run creates and changes nothing. Cases and reports are
``is_demo=True``. Dates are relative to the first run.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.demo import RECORDS, DemoRun, Outcome, Step
from gi_registry.trace.demo import BATCHES, FORGED_CODE, SUSPICIOUS, demo_serial
from gi_registry.trace.models import Scan, TraceCode
from gi_registry.trace.scans import ScanLog, ScanRecord, coarse_origin

from .models import Case, Report
from .setup import ENFORCEMENT_STAFF, ensure_enforcement_group

#: the demo account of enforcement staff: username, display name
DEMO_ENFORCER = ("enforcer", "演示执法人员")

#: the copied code's scans: (hours before the first run, network, city)
COPY_SCANS = [
    (30, 1, "重庆市"), (29, 1, "重庆市"), (26, 2, "成都市"), (24, 3, "成都市"),
    (20, 4, "上海市"), (18, 4, "上海市"), (15, 5, "广州市"), (11, 6, "广州市"), (6, 7, "重庆市"),
]  # fmt: skip

CONSENT = "演示数据：我同意执法人员通过此电话号码联系我，仅用于处理本举报。"
DEMO_PHONE = "13800000000"  # made up, marked demo

# shop key, status, outcome, days before the first run, report fields, case fields
CASES = [
    (
        "演示·成都荷花池批发市场",
        Case.Status.NEW,
        "",
        0,
        {
            "where_bought": Report.WhereBought.MARKET,
            "shop_name": "荷花池批发市场 3区18号",
            "place": "成都市",
            "price_paid": Decimal("38.00"),
            "problems": [Report.Problem.COPIED_CODE, Report.Problem.WRONG_ORIGIN],
            "description": "演示数据：同一摊位十几箱柚子贴的是同一个溯源码，扫出来都说是梁平柚。",
            "copied_code": True,
        },
        {},
    ),
    (
        "演示·重庆观音桥水果店",
        Case.Status.NEW,
        "",
        20,
        {
            "where_bought": Report.WhereBought.SHOP,
            "shop_name": "观音桥鲜果铺",
            "place": "重庆市江北区",
            "price_paid": Decimal("25.00"),
            "problems": [Report.Problem.CODE_FAILS, Report.Problem.FAKE_MARK],
            "description": "演示数据：扫码显示查无此码，包装上的地理标志图案印得很模糊。",
            "forged_code": True,
        },
        {},
    ),
    (
        "演示·网店梁平特产旗舰",
        Case.Status.ACCEPTED,
        "",
        5,
        {
            "where_bought": Report.WhereBought.ONLINE,
            "online_url": "https://shop.example.invalid/liangping-pomelo",
            "platform": "电商平台（演示）",
            "place": "上海市",
            "price_paid": Decimal("59.90"),
            "problems": [Report.Problem.WRONG_PRODUCT],
            "description": "演示数据：网店标注梁平柚，收到的是普通蜜柚，箱子上没有溯源码。",
            "phone": DEMO_PHONE,
            "contact_consent": True,
            "consent_text": CONSENT,
        },
        {"kind": Case.Kind.COMPLAINT},
    ),
    (
        "演示·万州农贸市场",
        Case.Status.INVESTIGATING,
        "",
        9,
        {
            "where_bought": Report.WhereBought.MARKET,
            "shop_name": "万州区农贸市场 摊位42",
            "place": "重庆市万州区",
            "price_paid": Decimal("30.00"),
            "problems": [Report.Problem.FAKE_MARK, Report.Problem.PACKAGING],
            "description": "演示数据：礼盒是梁平柚的，里面的柚子大小不一，像是重新装过的。",
        },
        {},
    ),
    (
        "演示·梁平城区超市",
        Case.Status.CLOSED,
        Case.Outcome.CONFIRMED_FAKE,
        40,
        {
            "where_bought": Report.WhereBought.SHOP,
            "shop_name": "城区便民超市",
            "place": "梁平区",
            "price_paid": Decimal("45.00"),
            "problems": [Report.Problem.CODE_FAILS],
            "description": "演示数据：溯源码扫不出来，店员说是新到的梁平柚。",
            "forged_code": True,
        },
        {
            "public_outcome": "经核查，该商品使用了伪造的溯源码和地理标志，已责令下架并依法处理。感谢您的举报。",
        },
    ),
]


def copied_code() -> TraceCode | None:
    lot = next(lot for lot, *_rest, verdict in BATCHES if verdict == SUSPICIOUS)
    return (
        TraceCode.objects.filter(serial=demo_serial(lot, 1), batch__is_demo=True)
        .select_related("batch__authorisation__geographical_indication")
        .first()
    )


def load_enforcer(run: DemoRun) -> None:
    """The demo account of enforcement staff (an existing account of that name is left untouched)."""
    from gi_registry.demo import DEFAULT_DEMO_PASSWORD

    if os.environ.get("DEMO_USERS", "1").strip() == "0":
        return
    username, display_name = DEMO_ENFORCER
    User = get_user_model()
    outcome = Outcome.UNCHANGED
    if not User.objects.filter(username=username).exists():
        if not Group.objects.filter(name=ENFORCEMENT_STAFF).exists():
            ensure_enforcement_group()
        user = User(username=username, first_name=display_name)
        user.set_password(os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=ENFORCEMENT_STAFF))
        outcome = Outcome.CREATED
    run.record("protection accounts", username, outcome, 1, 1)


def load(run: DemoRun) -> None:
    """The demo account of enforcement staff, the copied code's scans and the demo cases (see the
    module's text)."""
    load_enforcer(run)
    code = copied_code()
    if code is None:
        run.warn("protection: the demo batches are missing; no suspected copy or cases loaded.")
    else:
        run.record("protection copies", code.serial, add_copy_scans(code), 1, 1)
    for position, row in enumerate(CASES, 1):
        run.record("protection cases", row[0], load_case(code, *row), position, len(CASES))


def add_copy_scans(code: TraceCode) -> Outcome:
    if Scan.objects.filter(code=code).exists():
        return Outcome.UNCHANGED
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    records = [
        ScanRecord(
            code.pk,
            now - datetime.timedelta(hours=hours),
            coarse_origin(f"198.19.{network}.7"),
            Scan.Client.WECHAT,
            True,
            place,
        )
        for hours, network, place in COPY_SCANS
    ]
    ScanLog().write(records, settle=False)
    return Outcome.CREATED


def load_case(code, shop_key, status, outcome, days_ago, report_fields, case_fields) -> Outcome:
    if Case.objects.filter(shop_key=shop_key, is_demo=True).exists():
        return Outcome.UNCHANGED
    report_fields = dict(report_fields)
    about_copy = report_fields.pop("copied_code", False)
    forged = report_fields.pop("forged_code", False)
    received = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=days_ago, hours=2)
    case = Case(shop_key=shop_key, status=status, received_at=received, place=report_fields["place"], is_demo=True)
    for name, value in case_fields.items():
        setattr(case, name, value)
    if about_copy and code is not None:
        case.trace_code, case.code_text, case.batch = code, code.printed_code or "", code.batch
        case.producer_id = code.batch.producer_id
        case.product_family_id = code.batch.authorisation.geographical_indication.product_family_id
    elif forged:
        case.code_text = FORGED_CODE
    if status != Case.Status.NEW:
        case.decided_at = received + datetime.timedelta(days=1)
    if status == Case.Status.CLOSED:
        case.outcome = outcome
        case.closed_at = received + datetime.timedelta(days=12)
    case.save()
    Report.objects.create(
        case=case,
        code_typed=case.code_text,
        code_normalised=case.code_text,
        verdict="suspicious" if about_copy else "unknown" if forged else "",
        trace_code=case.trace_code,
        bought_on=timezone.localdate(received) - datetime.timedelta(days=1),
        language="zh-hans",
        submitted_at=received,
        is_demo=True,
        **report_fields,
    )
    return Outcome.CREATED


DEMO_STEPS = [Step(RECORDS + 60, load)]
