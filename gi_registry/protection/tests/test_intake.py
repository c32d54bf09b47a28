"""Taking in a report: its case (new, or an open one about the same code or shop), the evidence
attached by itself (signature check, batch, producer, authorisation, GI, scan history, related
cases), and never the sender's address."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from gi_registry.protection import evidence
from gi_registry.protection.intake import ReportDetails, submit_report
from gi_registry.protection.models import Case, Report
from gi_registry.trace import scans, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import Scan

pytestmark = pytest.mark.django_db

FORGED = "DEMOXFAKEXCODEX2345X"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def batch():
    return BatchFactory(lot_number="LP2026-0101")


@pytest.fixture
def code(batch):
    return issue_codes(batch, 1)[0]


def details(**kw):
    values = {
        "where_bought": "shop",
        "shop_name": "双桂农贸市场 3号摊",
        "place": "梁平区双桂街道",
        "problems": ["fake_mark"],
    }
    values.update(kw)
    return ReportDetails(**values)


def test_a_forged_code_opens_a_case_with_its_normalised_text(batch):
    report = submit_report(details(code="demox-fakex codex 2345x"))
    case = report.case
    assert case.number.startswith("LPWQ-") and case.status == Case.Status.NEW
    assert case.code_text == FORGED and case.trace_code is None and case.batch is None
    assert case.place == "梁平区双桂街道" and case.shop_key == "shop:梁平区双桂街道|双桂农贸市场3号摊"
    assert report.code_typed == "demox-fakex codex 2345x" and report.code_normalised == FORGED
    assert report.verdict == "unknown"
    assert report.evidence["signature"] == evidence.INVALID
    assert report.evidence["code"]["normalised"] == FORGED
    assert "batch" not in report.evidence and "scans" not in report.evidence


def test_a_genuine_code_copies_batch_producer_family_and_evidence(code, batch):
    for ip, ua in (("203.0.113.9", "MicroMessenger/8"), ("198.51.100.4", "AlipayClient/10"), ("203.0.113.10", "")):
        scans.log_scan(code, _request(ip, ua))
    scans.flush_scans()
    report = submit_report(details(code=signing.display(code.printed_code), problems=["quality"]))
    case = report.case
    assert case.trace_code == code and case.batch == batch and case.producer == batch.producer
    assert case.product_family == batch.authorisation.geographical_indication.product_family
    assert case.kind == Case.Kind.COMPLAINT  # genuine code, quality only
    proof = report.evidence
    assert proof["signature"] == evidence.VALID and proof["verdict"] == "genuine"
    assert proof["batch"]["lot_number"] == "LP2026-0101"
    assert proof["producer"]["credit_code"] == batch.producer.credit_code
    assert proof["authorisation"]["number"] == batch.authorisation.number
    assert proof["authorisation"]["in_force"] is True
    assert proof["gi"]["name"] == batch.authorisation.geographical_indication.name
    history = proof["scans"]
    assert history["count"] == 3 and history["counted"] == 2  # no User-Agent: not counted
    assert history["distinct_origins"] == 2  # two /24 networks
    assert history["clients"] == {"alipay": 1, "crawler": 1, "wechat": 1}
    assert history["timeline"] == [{"day": timezone.localdate().isoformat(), "scans": 3, "origins": 2}]
    assert history["first_at"]
    json.dumps(proof)  # stored as JSON


def test_checking_the_code_logs_no_scan(code):
    before = Scan.objects.count()
    submit_report(details(code=code.printed_code))
    scans.flush_scans()
    assert Scan.objects.count() == before
    code.refresh_from_db()
    assert code.scan_count == 0


def test_a_withdrawn_code_is_a_tip_with_its_verdict(code, batch):
    batch.withdraw(batch.Status.RECALLED, reason="农残超标")
    report = submit_report(details(code=code.printed_code, problems=["quality"]))
    assert report.verdict == "withdrawn" and report.case.kind == Case.Kind.TIP
    assert report.evidence["batch"]["status"] == "recalled"


def test_signed_but_never_issued_code_is_not_issued():
    report = submit_report(details(code=signing.sign(b"12345678")))
    assert report.evidence["signature"] == evidence.NOT_ISSUED and report.verdict == "unknown"


def test_second_report_about_the_same_code_joins_the_open_case(code):
    first = submit_report(details(code=code.printed_code, shop_name="甲店"))
    second = submit_report(details(code=code.printed_code, shop_name="乙店", place="万州"))
    assert second.case == first.case and Case.objects.count() == 1
    assert second.evidence["related_cases"]["same_code"] == [first.case.number]
    assert second.evidence["related_cases"]["same_batch"] == [first.case.number]


def test_same_shop_joins_even_with_another_code(code, batch):
    other = issue_codes(batch, 1)[0]
    first = submit_report(details(code=code.printed_code, shop_name="双桂 农贸市场３号摊"))
    second = submit_report(details(code=other.printed_code, shop_name="双桂农贸市场3号摊"))
    assert second.case == first.case


def test_an_online_shop_matches_by_its_link_not_its_query():
    first = submit_report(
        details(where_bought="online", shop_name="", online_url="https://www.shop.example/s/123?spm=a")
    )
    second = submit_report(details(where_bought="online", shop_name="", online_url="http://shop.example/s/123/"))
    assert first.case.shop_key == "online:shop.example/s/123"
    assert second.case == first.case


def test_a_closed_or_merged_case_is_not_joined(code):
    first = submit_report(details(code=code.printed_code))
    Case.objects.filter(pk=first.case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
    second = submit_report(details(code=code.printed_code))
    assert second.case != first.case
    target = submit_report(details(code=FORGED, shop_name="别家", place="别处")).case
    Case.objects.filter(pk=second.case.pk).update(merged_into=target)
    third = submit_report(details(code=code.printed_code))
    assert third.case not in (first.case, second.case)
    # the evidence still names the earlier cases about this code
    assert set(third.evidence["related_cases"]["same_code"]) >= {first.case.number, second.case.number}


def test_phone_kept_only_with_consent():
    without = submit_report(details(phone="13800138000", contact_consent=False))
    assert without.phone == "" and without.contact_consent is False
    with_consent = submit_report(details(code=FORGED, shop_name="另一家", phone="13800138000", contact_consent=True))
    assert with_consent.phone == "13800138000" and with_consent.contact_consent is True


def test_deadlines_are_set_on_the_new_case():
    case = submit_report(details()).case
    assert case.accept_due > timezone.localdate() and case.verify_due > case.accept_due
    assert case.accept_due - timezone.localdate() <= datetime.timedelta(days=14)


def test_related_cases_by_batch(batch):
    a, b = issue_codes(batch, 2)
    first = submit_report(details(code=a.printed_code, shop_name="一", place="甲地"))
    second = submit_report(details(code=b.printed_code, shop_name="二", place="乙地"))
    assert second.case != first.case
    assert second.evidence["related_cases"] == {"same_code": [], "same_batch": [first.case.number], "same_shop": []}
    assert Report.objects.count() == 2


def _request(ip, ua):
    from django.test import RequestFactory

    return RequestFactory().get("/t/x", REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)
