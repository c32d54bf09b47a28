"""The demo's compliance certificate and yearly usage report (``gi_registry/trace/demo.py``): made
through the real services, marked as demo data, seen by the demo producer and officer accounts in
the admin, and not made twice."""

import io
import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from core.demo import load_demo_data
from gi_registry.trace import certificates, demo, usage
from gi_registry.trace.models import Batch, ComplianceCertificate, UsageReport


def load() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO_USERS", "DEMO_PASSWORD")}
    with mock.patch.dict(os.environ, env, clear=True):
        load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)


class DemoCertificateAndUsageReport(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()
        users = get_user_model().objects
        cls.producer_account, cls.officer = users.get(username="producer"), users.get(username="officer")

    def setUp(self):
        translation.activate("zh-hans")

    def test_the_first_batch_has_its_certificate(self):
        batch = Batch.objects.get(lot_number=demo.BATCHES[0][0])
        self.assertTrue(certificates.certificate_requirement(batch).needed)
        cert = ComplianceCertificate.objects.get()
        self.assertEqual(cert.batch, batch)
        self.assertTrue(cert.is_demo and cert.is_current)
        self.assertEqual(cert.producer_name, batch.producer.name)
        self.assertEqual(cert.issued_by, self.producer_account)
        self.client.force_login(self.producer_account)
        page = self.client.get(reverse("trace_admin:certificate", args=[batch.pk])).content.decode()
        self.assertIn(f'data-certificate="{cert.pk}"', page)

    def test_last_years_usage_report_is_submitted_and_waits_for_review(self):
        report = UsageReport.objects.get()
        year = timezone.localdate().year - 1
        self.assertEqual((report.year, report.status), (year, UsageReport.Status.SUBMITTED))
        self.assertEqual(report.authorisation.number, demo.demo_authorisation_number())
        self.assertEqual(report.labels_used, usage.prefill(report.authorisation, year)["labels_used"])
        self.assertEqual(report.submitted_by, self.producer_account)
        self.assertTrue(report.is_demo)
        self.assertTrue(ModelLogEntry.objects.filter(object_id=str(report.pk), action="trace.usage_report.submit"))

        self.client.force_login(self.producer_account)
        listing = self.client.get(reverse("usage_reports:index")).content.decode()
        self.assertIn(report.authorisation.number, listing)
        self.assertIn("已提交", listing)
        self.client.force_login(self.officer)
        waiting = self.client.get(reverse("usage_reports:index")).content.decode()
        self.assertIn("待审核 (1)", waiting)
        self.assertIn(report.authorisation.producer.name, waiting)

    def test_a_second_run_adds_neither(self):
        load()
        self.assertEqual(ComplianceCertificate.objects.count(), 1)
        self.assertEqual(UsageReport.objects.count(), 1)

    def test_the_report_pages_are_in_chinese_for_each_group(self):
        """The English-fragment check of ``test_admin_chinese`` on the pages it cannot reach (their
        addresses need an authorisation and a year): listing, form, review, and their error states."""
        from website.tests.test_admin_chinese import english_in, user_text

        report = UsageReport.objects.get()
        url = reverse("usage_reports:report", args=[report.authorisation_id, report.year])
        this_year = reverse("usage_reports:report", args=[report.authorisation_id, report.year + 1])
        review = reverse("usage_reports:review", args=[report.pk])
        user_data, leaks = user_text(), []
        pages = {
            self.producer_account: [("get", reverse("usage_reports:index"), {}), ("get", url, {}),
                                    ("get", this_year, {}), ("post", this_year, {"submit": "1", "quantity_sold": "x"})],
            self.officer: [("get", reverse("usage_reports:index"), {}), ("get", url, {}),
                           ("get", reverse("wagtailadmin_home"), {}), ("post", review, {"decision": "return"})],
        }  # fmt: skip
        for user, requests in pages.items():
            self.client.force_login(user)
            for method, address, data in requests:
                response = getattr(self.client, method)(address, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
                self.assertIn(response.status_code, (200, 400), address)
                leaks += [f"{user} {method} {address}: {f}" for f in english_in(response.content.decode(), user_data)]
        self.assertEqual(leaks, [])
