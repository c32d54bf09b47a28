"""Demo traceability data, and its step of the demo loader (``core.demo``, ``manage.py load_demo_data``).

A real box for every verdict, all for the demo producer account's cooperative
(``gi_registry.demo.DEMO_PRODUCER_ACCOUNT_FOR``, 梁平区礼让镇川西柚子专业合作社) under its
authorisation in force (``demo_authorisation_number``), so the ``producer`` account sees them in the admin:

* three batches of 梁平柚 (``BATCHES``), each with its trace events (harvest, inspection with
  structured results as the batch form stores them, packing, shipping);
* codes issued through the real service (``issuance.issue_codes``: validity, quota, the
  configured signing key); their serials are derived from the producer, lot and position
  (``demo_serial``) instead of drawn at random, so with the same key (development's fixed
  ``dev1`` key) every machine prints the same demo codes and the README can list them. Real codes
  are always random;
* the third batch withdrawn, as the admin's withdraw does (``Batch.withdraw``);
* a compliance certificate (承诺达标合格证) for the first batch (fresh 梁平柚 needs one), issued
  through the certificate service (``certificates.issue_certificate``) from its prefill;
* the yearly usage report of the authorisation for last year, submitted by the producer account
  and waiting for an officer's review (its labels used prefilled from issuance, as the form does);
* one code of the second batch scanned from many networks (``SUSPICIOUS_SCANS`` scans from
  ``SUSPICIOUS_ORIGINS`` /24 networks), so it reads "suspicious", and a few ordinary scans of
  other codes spread over the weeks before the first run, so the scan dashboard has something to
  draw. Scans are written through the scan log's own writer (``ScanLog.write``), with coarse
  origins of documentation networks (198.18.0.0/15, RFC 2544), so the codes' counters agree.

Every batch is found by its natural key (producer, lot number); events by their hash; codes and
scans are added only to a batch that has none, so a second run creates and changes nothing. The
batches are ``is_demo=True``; the public trace page badges them.

``demo_codes()`` gives the printed demo code for each verdict (and a made-up one that fails the
signature), or ``{}`` when the demo data is not loaded: the home page's "try a demo code" links.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from wagtail.log_actions import log

from core.cache import bump_version
from core.demo import RECORDS, DemoRun, Outcome, Step
from gi_registry.demo import AUTHORISATIONS, DEMO_PRODUCER_ACCOUNT_FOR, PRODUCERS, authorisation_number, month_start
from gi_registry.models import Authorisation, Producer

from . import certificates, signing, usage
from .issuance import issue_codes
from .models import Batch, Scan, TraceCode, TraceEvent, UsageReport
from .scans import ScanLog, ScanRecord, coarse_origin, suspicious_origins, suspicious_scans

GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN = "genuine", "suspicious", "withdrawn", "unknown"
VERDICT_ORDER = (GENUINE, SUSPICIOUS, WITHDRAWN, UNKNOWN)

#: A code-shaped string (20 base32 characters) that no key signs: the "forged" demo code.
FORGED_CODE = "DEMOXFAKEXCODEX2345X"

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, fixed so event hashes are stable

INSPECTION = [
    {"item": "可溶性固形物", "value": 11.6, "unit": "%", "limit": "≥ 10", "pass": True},
    {"item": "可滴定酸", "value": 0.52, "unit": "%", "limit": "≤ 0.8", "pass": True},
    {"item": "单果重", "value": 1.35, "unit": "kg", "limit": "0.9–1.8", "pass": True},
    {"item": "农药残留（毒死蜱）", "value": "未检出", "unit": "mg/kg", "limit": "≤ 0.5", "pass": True},
]

# lot, product name, harvest day (fixed dates), quantity (boxes), grade, codes, verdict its codes show
BATCHES = [
    ("CX2611-01", "梁平柚 礼盒装（2枚）", datetime.date(2026, 11, 3), 120, "特级", 12, GENUINE),
    ("CX2611-02", "梁平柚 家庭装（6枚）", datetime.date(2026, 11, 10), 80, "一级", 6, SUSPICIOUS),
    ("CX2610-03", "梁平柚 礼盒装（2枚）", datetime.date(2026, 10, 20), 60, "一级", 6, WITHDRAWN),
]
WITHDRAWAL_REASON = "演示数据：包装箱印错等级，整批撤回重新包装。"

#: the copied label: this many counted scans from this many /24 networks (above both thresholds)
SUSPICIOUS_SCANS, SUSPICIOUS_ORIGINS = 32, 9
#: ordinary scans: (code position in the genuine batch, days before the first run, network)
ORDINARY_SCANS = [
    (1, 26, 1), (1, 25, 1), (2, 21, 2), (3, 19, 3), (3, 12, 3), (4, 16, 4), (5, 14, 5), (5, 13, 5),
    (6, 11, 6), (7, 9, 7), (7, 9, 7), (8, 7, 8), (9, 5, 9), (10, 4, 10), (10, 2, 10), (11, 1, 11),
]  # fmt: skip


def demo_serial(lot: str, position: int) -> str:
    """The serial of the demo code at ``position`` (0-based) of ``lot``: 16 hex digits."""
    seed = f"lp-gi-trace-demo:{DEMO_PRODUCER_ACCOUNT_FOR}:{lot}:{position}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


def demo_authorisation_number() -> str:
    """The demo producer's authorisation in force (its first active one in ``AUTHORISATIONS``)."""
    seed = next(row[0] for row in PRODUCERS if row[2] == DEMO_PRODUCER_ACCOUNT_FOR)
    for position, (producer_seed, _gi, start, _months, status, _quota) in enumerate(AUTHORISATIONS, 1):
        if producer_seed == seed and status == "active":
            return authorisation_number(position, month_start(start))
    raise LookupError("the demo producer has no active authorisation")


def events(harvest: datetime.date, plot: str) -> list[dict]:
    def at(days: int, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(harvest + datetime.timedelta(days=days), datetime.time(hour), TZ)

    return [
        {"business_step": "commissioning", "event_time": at(0, 8), "read_point": plot,
         "disposition": "active", "note": "人工采收，当天入库预冷。"},
        {"business_step": "inspecting", "event_time": at(1, 10), "read_point": "梁平区农产品质量安全检测站",
         "disposition": "conformant", "note": "抽样检测：可溶性固形物、可滴定酸、单果重、农药残留，全部合格。"},
        {"business_step": "packing", "event_time": at(2, 14), "read_point": "礼让镇川西村合作社包装车间",
         "disposition": "in_progress", "note": "分级装箱，每箱贴一枚溯源码。"},
        {"business_step": "shipping", "event_time": at(4, 9), "read_point": "梁平区物流园",
         "disposition": "in_transit", "note": "冷链发往重庆主城商超。"},
    ]  # fmt: skip


def load(run: DemoRun) -> None:
    """The demo batches, their events, codes, the withdrawal and the scans (see the module's text)."""
    producer = Producer.objects.filter(credit_code=DEMO_PRODUCER_ACCOUNT_FOR).first()
    authorisation = Authorisation.objects.filter(number=demo_authorisation_number()).first()
    if producer is None or authorisation is None:
        run.warn("trace: the demo producer or its authorisation is missing; no demo batches loaded.")
        return
    changed = False
    for position, (lot, product, harvest, boxes, grade, count, verdict) in enumerate(BATCHES, 1):
        outcome = load_batch(producer, authorisation, lot, product, harvest, boxes, grade, count, verdict)
        changed |= outcome is not Outcome.UNCHANGED
        run.record("trace batches", lot, outcome, position, len(BATCHES))
    if changed:
        bump_version()  # the home page's "try a demo code" links depend on these batches
    run.record("trace certificates", BATCHES[0][0], load_certificate(producer, BATCHES[0][0]), 1, 1)
    report = load_usage_report(producer, authorisation)
    if report is not None:
        run.record("trace usage reports", authorisation.number, report, 1, 1)
    if run.verbosity:
        run.end_section()
        for verdict, code in demo_codes().items():
            run.stdout.write(f"    demo code, {verdict}: /t/{code}")


def load_batch(producer, authorisation, lot, product, harvest, boxes, grade, count, verdict) -> Outcome:
    outcome = Outcome.UNCHANGED
    batch = Batch.objects.filter(producer=producer, lot_number=lot).first()
    if batch is None:
        batch = Batch(
            producer=producer,
            authorisation=authorisation,
            lot_number=lot,
            product_name=product,
            production_date=harvest,
            plot="川西村3组柚园",
            quantity=Decimal(boxes),
            unit=Batch.Unit.BOX,
            grade=grade,
            standard=authorisation.geographical_indication.standards.order_by("code").first(),
            inspection_results=INSPECTION,
            is_demo=True,
        )
        batch.full_clean()
        batch.save()
        outcome = Outcome.CREATED
    for fields in events(harvest, batch.plot):
        _event, created = TraceEvent.record(batch, **fields)
        if created and outcome is Outcome.UNCHANGED:
            outcome = Outcome.UPDATED
    if not batch.codes.exists():
        if not batch.is_active:
            return outcome  # withdrawn by hand before it had codes: leave it
        issue_codes(batch, count, serials=[demo_serial(lot, i) for i in range(count)])
        outcome = outcome if outcome is Outcome.CREATED else Outcome.UPDATED
        add_scans(batch, verdict)
        if verdict == WITHDRAWN:
            batch.withdraw(Batch.Status.WITHDRAWN, WITHDRAWAL_REASON)
    return outcome


def load_certificate(producer, lot: str) -> Outcome:
    """The genuine batch's compliance certificate, from the certificate form's prefill."""
    batch = Batch.objects.select_related("producer", "authorisation__geographical_indication").get(
        producer=producer, lot_number=lot
    )
    if batch.certificates.exists():
        return Outcome.UNCHANGED
    fields = certificates.prefill(batch)
    fields["signatory"] = fields["signatory"] or "陈女士"
    fields["producer_contact"] = fields["producer_contact"] or "023-00000101"
    certificates.issue_certificate(batch, producer.accounts.first(), is_demo=True, **fields)
    return Outcome.CREATED


#: the demo usage report's figures (made up, marked as demo data)
USAGE_REPORT = {
    "quantity_sold": Decimal("18600"),
    "unit": Batch.Unit.KG,
    "sales_regions": "重庆市主城区、成都市、上海市（演示数据）",
    "notes": "演示数据：本年度的包装箱使用的是本系统上线前印制的标志。",
}


def load_usage_report(producer, authorisation) -> Outcome | None:
    """Last year's usage report of the demo authorisation, submitted, waiting for review (None
    when the authorisation was not in force last year)."""
    year = timezone.localdate().year - 1
    if not usage.in_force_during(authorisation, year):
        return None
    if UsageReport.objects.filter(authorisation=authorisation, year=year).exists():
        return Outcome.UNCHANGED
    account = producer.accounts.order_by("pk").first()
    report = UsageReport(
        authorisation=authorisation,
        year=year,
        status=UsageReport.Status.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=account,
        is_demo=True,
        **USAGE_REPORT,
        **usage.prefill(authorisation, year),
    )
    report.full_clean()
    report.save()
    log(report, "trace.usage_report.submit", user=account)
    return Outcome.CREATED


def network(n: int) -> str:
    """A coarse origin: the n-th /24 of the benchmarking range 198.18.0.0/15 (RFC 2544)."""
    return coarse_origin(f"198.18.{n}.7")


def add_scans(batch: Batch, verdict: str) -> None:
    codes = {code.serial: code for code in batch.codes.all()}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    records = []
    if verdict == GENUINE:
        for position, days, net in ORDINARY_SCANS:
            code = codes[demo_serial(batch.lot_number, position)]
            when = now - datetime.timedelta(days=days, hours=(position * 5) % 11)
            records.append(ScanRecord(code.pk, when, network(net), Scan.Client.WECHAT, True))
    elif verdict == SUSPICIOUS:
        code = codes[demo_serial(batch.lot_number, 0)]
        scans = max(SUSPICIOUS_SCANS, suspicious_scans() + 2)
        origins = max(SUSPICIOUS_ORIGINS, suspicious_origins() + 2)
        clients = (Scan.Client.WECHAT, Scan.Client.ALIPAY, Scan.Client.BROWSER)
        for n in range(scans):
            when = now - datetime.timedelta(days=10 - n * 9 / scans, hours=n % 7)
            records.append(ScanRecord(code.pk, when, network(100 + n % origins), clients[n % 3], True))
    elif verdict == WITHDRAWN:
        code = codes[demo_serial(batch.lot_number, 0)]
        records.append(ScanRecord(code.pk, now - datetime.timedelta(days=20), network(50), Scan.Client.WECHAT, True))
    if records:
        ScanLog().write(records, settle=False)


def demo_codes() -> dict[str, str]:
    """The printed demo code of each verdict, or ``{}`` when the demo batches are not loaded.

    One query (by serial, a unique index). The genuine one is the first code of the genuine batch
    that still reads genuine, so visitors who try it many times (it would read "suspicious", as a
    copied label does) move the link on to the next code instead of spoiling it.
    """
    lots = {verdict: lot for lot, *_rest, verdict in BATCHES}
    counts = {lot: count for lot, *_rest, count, _verdict in BATCHES}
    wanted = {demo_serial(lots[GENUINE], i): (GENUINE, i) for i in range(counts[lots[GENUINE]])}
    wanted[demo_serial(lots[SUSPICIOUS], 0)] = (SUSPICIOUS, 0)
    wanted[demo_serial(lots[WITHDRAWN], 0)] = (WITHDRAWN, 0)
    rows = TraceCode.objects.filter(serial__in=wanted, batch__is_demo=True).values_list(
        "serial", "key_id", "status", "batch__status", "scan_count", "origin_count"
    )
    found: dict[str, tuple[int, str]] = {}
    for serial, key_id, status, batch_status, scans, origins in rows:
        verdict, position = wanted[serial]
        printed = signing.sign(bytes.fromhex(serial), key_id)
        if printed is None:
            continue
        if verdict == GENUINE:
            if status != TraceCode.Status.ACTIVE or batch_status != Batch.Status.ACTIVE:
                continue
            # a margin under the thresholds, for the scans a page adds before it answers
            if scans >= settings.TRACE_SUSPICIOUS_SCANS - 1 or origins >= settings.TRACE_SUSPICIOUS_ORIGINS - 1:
                continue
        if verdict not in found or position < found[verdict][0]:
            found[verdict] = (position, printed)
    if not found:
        return {}
    codes = {verdict: printed for verdict, (_position, printed) in found.items()}
    codes[UNKNOWN] = FORGED_CODE
    return codes


DEMO_STEPS = [Step(RECORDS + 50, load)]
