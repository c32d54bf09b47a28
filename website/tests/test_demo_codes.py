"""The demo traceability data (``gi_registry/trace/demo.py``): every verdict on a real demo code, the
home page's "try a demo code" links (only while the demo data is loaded), and the demo producer
account seeing its batches, codes and scans in the admin."""

import io
import os
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.demo import load_demo_data
from gi_registry.factories import AuthorisationFactory
from gi_registry.setup import PRODUCERS
from gi_registry.trace import demo, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import IssuanceError, issue_codes
from gi_registry.trace.models import Batch, Scan, TraceCode, TraceEvent
from gi_registry.trace.scans import ScanLog, ScanRecord

WECHAT = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 MicroMessenger/8.0"}
TRY_HEADING = "试一试示例追溯码"


def load() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO_USERS", "DEMO_PASSWORD")}
    with mock.patch.dict(os.environ, env, clear=True):
        load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)


class DemoCodes(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()

    def setUp(self):
        translation.activate("zh-hans")

    def batch(self, verdict: str) -> Batch:
        lot = next(lot for lot, *_rest, v in demo.BATCHES if v == verdict)
        return Batch.objects.get(lot_number=lot)

    def test_the_demo_batches_are_real_boxes(self):
        self.assertEqual(Batch.objects.filter(is_demo=True).count(), len(demo.BATCHES))
        for lot, *_rest, count, _verdict in demo.BATCHES:
            batch = Batch.objects.get(lot_number=lot)
            with self.subTest(lot=lot):
                self.assertEqual(batch.producer.credit_code, demo.DEMO_PRODUCER_ACCOUNT_FOR)
                self.assertEqual(
                    list(batch.events.values_list("business_step", flat=True)),
                    ["commissioning", "inspecting", "packing", "shipping"],
                )
                self.assertTrue(all(row["pass"] for row in batch.inspection_results))
                self.assertEqual(batch.codes.count(), count)
                # signed with the configured key: every printed code verifies
                for code in batch.codes.all():
                    self.assertEqual(signing.verify(code.printed_code).serial_hex, code.serial)
        withdrawn = self.batch(demo.WITHDRAWN)
        self.assertEqual(withdrawn.status, Batch.Status.WITHDRAWN)
        self.assertEqual(withdrawn.status_reason, demo.WITHDRAWAL_REASON)
        self.assertFalse(withdrawn.codes.filter(status=TraceCode.Status.ACTIVE).exists())
        # ordinary scans over the last weeks, for the scan dashboard
        genuine = Scan.objects.filter(code__batch=self.batch(demo.GENUINE))
        self.assertEqual(genuine.count(), len(demo.ORDINARY_SCANS))
        self.assertGreater(genuine.dates("scanned_at", "day").count(), 10)

    def test_a_second_run_creates_and_changes_nothing(self):
        def state():
            return (
                list(Batch.objects.values_list("lot_number", "status", "updated_at").order_by("pk")),
                list(TraceCode.objects.values_list("serial", "status", "scan_count", "origin_count").order_by("pk")),
                Scan.objects.count(),
                TraceEvent.objects.count(),
            )

        before = state()
        load()
        self.assertEqual(state(), before)

    def test_each_demo_code_gives_its_verdict(self):
        codes = demo.demo_codes()
        self.assertEqual(set(codes), {"genuine", "suspicious", "withdrawn", "unknown"})
        expected = {"genuine": (200, "正品"), "suspicious": (200, "存疑"), "withdrawn": (410, "已撤回")}
        expected["unknown"] = (404, "未登记的追溯码")
        for verdict, (status, word) in expected.items():
            with self.subTest(verdict=verdict):
                response = self.client.get(f"/t/{codes[verdict]}", **WECHAT)
                self.assertEqual(response.status_code, status)
                self.assertContains(response, f"verdict-{verdict}", status_code=status)
                self.assertContains(response, word, status_code=status)
        self.assertIsNone(signing.verify(codes["unknown"]))  # forged: fails the signature

    def test_the_command_prints_the_demo_codes(self):
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"DEMO_USERS": "1"}):
            load_demo_data(out, io.StringIO(), verbosity=1, app_labels=["trace"])
        for verdict, code in demo.demo_codes().items():
            self.assertIn(f"demo code, {verdict}: /t/{code}", out.getvalue())

    def test_the_codes_are_stable(self):
        """Derived from the lot, not drawn at random: the same key prints the same demo codes."""
        codes = demo.demo_codes()
        first = TraceCode.objects.get(serial=demo.demo_serial(self.batch(demo.GENUINE).lot_number, 0))
        self.assertEqual(codes["genuine"], first.printed_code)
        self.assertEqual(codes["unknown"], demo.FORGED_CODE)

    def test_the_genuine_link_moves_on_when_its_code_has_been_tried_too_often(self):
        codes = demo.demo_codes()
        first = TraceCode.objects.get(serial=signing.verify(codes["genuine"]).serial_hex)
        now = first.issued_at
        ScanLog().write([ScanRecord(first.pk, now, "", Scan.Client.WECHAT, True)] * 25, settle=False)
        self.assertEqual(self.client.get(f"/t/{codes['genuine']}", **WECHAT).status_code, 200)
        moved = demo.demo_codes()["genuine"]
        self.assertNotEqual(moved, codes["genuine"])
        self.assertContains(self.client.get(f"/t/{moved}", **WECHAT), "verdict-genuine")

    def test_the_home_page_offers_a_demo_code_per_verdict(self):
        response = self.client.get("/")
        self.assertContains(response, TRY_HEADING)
        for verdict, code in demo.demo_codes().items():
            with self.subTest(verdict=verdict):
                self.assertContains(response, f'href="/t/{code}"')
                self.assertContains(response, f"demo-code-{verdict}")
                self.assertContains(response, signing.display(code))
        self.assertContains(response, "伪造的追溯码")

    def test_no_demo_links_without_demo_batches_and_one_query_for_them(self):
        self.client.get("/")  # warm: the site root and other once-per-process lookups
        with CaptureQueriesContext(connection) as with_demo:
            self.client.get("/")
        Batch.objects.update(is_demo=False)  # real batches: not offered to try
        with CaptureQueriesContext(connection) as without_demo:
            response = self.client.get("/")
        self.assertNotContains(response, TRY_HEADING)
        self.assertNotContains(response, 'href="/t/')
        self.assertEqual(len(with_demo), len(without_demo))  # the lookup is one query either way

    def test_the_demo_producer_sees_its_batches_codes_and_scans_in_the_admin(self):
        self.assertTrue(self.client.login(username="producer", password="liangping-demo"))
        listing = self.client.get("/admin/snippets/gi_registry/batch/")
        self.assertEqual(listing.status_code, 200)
        for lot, *_rest in demo.BATCHES:
            self.assertContains(listing, lot)
        genuine = self.batch(demo.GENUINE)
        codes = self.client.get(f"/admin/trace/batch/{genuine.pk}/")
        self.assertEqual(codes.status_code, 200)
        self.assertContains(codes, demo.demo_authorisation_number())
        self.assertContains(codes, "<td>12</td><td>12</td>", html=False)  # one issuance: 12 codes, 12 valid
        csv = self.client.get(f"/admin/trace/batch/{genuine.pk}/codes.csv")
        self.assertEqual(csv.status_code, 200)
        for code in genuine.codes.all():
            self.assertIn(code.printed_code, csv.content.decode())
        dashboard = self.client.get("/admin/trace/scans/")
        self.assertEqual(dashboard.status_code, 200)
        self.assertContains(dashboard, "CX2611-02")  # the suspicious code's batch

    def test_another_producer_sees_none_of_them(self):
        other = AuthorisationFactory().producer
        user = get_user_model().objects.create_user("other-producer", password="pw-for-tests-only")
        user.groups.add(Group.objects.get(name=PRODUCERS))
        other.accounts.add(user)
        self.client.force_login(user)
        listing = self.client.get("/admin/snippets/gi_registry/batch/")
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, "CX2611-01")
        guessed = self.client.get(f"/admin/trace/batch/{self.batch(demo.GENUINE).pk}/", follow=True)
        self.assertNotContains(guessed, "CX2611-01")  # refused (redirected away), nothing shown
        self.assertNotEqual(guessed.redirect_chain, [])


@pytest.mark.django_db
def test_given_serials_still_go_through_the_issuance_rules():
    """The demo passes its serials to the real service: validity and quota still hold, bad serials
    are refused before anything is written, and without them serials stay random."""
    batch = BatchFactory(authorisation=AuthorisationFactory(yearly_quota=3))
    serials = [demo.demo_serial("TEST-LOT", i) for i in range(4)]
    with pytest.raises(IssuanceError):
        issue_codes(batch, 4, serials=serials)
    for count, bad in ((3, serials[:2]), (2, [serials[0], serials[0]]), (1, ["not hex at all!"])):
        with pytest.raises(ValueError):
            issue_codes(batch, count, serials=bad)
    assert not TraceCode.objects.exists()
    codes = issue_codes(batch, 2, serials=serials[:2])
    assert [c.serial for c in codes] == serials[:2]
    assert all(signing.verify(c.printed_code).serial_hex == c.serial for c in codes)
    assert issue_codes(batch, 1)[0].serial not in serials  # random again
