"""The demo protection data (``gi_registry/protection/demo.py``): a suspected copy scanned in four
cities, cases in every state with one overdue, no real personal data, and a second run of the
loader that creates and changes nothing."""

import io
import os
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from core.demo import Outcome, load_demo_data
from gi_registry.protection import demo
from gi_registry.protection.copies import suspected_copies
from gi_registry.protection.models import Case, Report
from gi_registry.trace.models import Scan, TraceCode


def load():
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO_USERS", "DEMO_PASSWORD")}
    with mock.patch.dict(os.environ, env, clear=True):
        return load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)


class DemoProtection(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_run = load()

    def test_the_copied_code_tops_the_suspected_copies_with_its_cities(self):
        code = demo.copied_code()
        copies = suspected_copies()
        top = copies[0]
        self.assertEqual(top.code_id, code.pk)
        self.assertEqual(top.place_names, sorted(["重庆市", "成都市", "上海市", "广州市"]))
        self.assertTrue(top.too_many_places and top.too_many_networks and top.far_apart_within_window)
        self.assertEqual(top.far_apart_hours, 3.0)  # 重庆市 29 h → 成都市 26 h before the first run
        self.assertEqual(top.reports, 1)
        self.assertTrue(all(place for place in Scan.objects.filter(code=code).values_list("place", flat=True)))

    def test_cases_in_every_state_one_overdue_all_marked_demo(self):
        cases = Case.objects.filter(is_demo=True)
        self.assertEqual(
            sorted(cases.values_list("status", flat=True)),
            sorted(["new", "new", "accepted", "investigating", "closed"]),
        )
        self.assertEqual(
            list(Case.objects.overdue(timezone.localdate()).values_list("shop_key", flat=True)),
            ["演示·重庆观音桥水果店"],
        )
        closed = cases.get(status=Case.Status.CLOSED)
        self.assertEqual(closed.outcome, Case.Outcome.CONFIRMED_FAKE)
        self.assertTrue(closed.public_outcome and closed.closed_at)
        self.assertEqual(Report.objects.filter(is_demo=True).count(), 5)
        self.assertFalse(Report.objects.filter(is_demo=False).exists())
        phones = set(Report.objects.exclude(phone="").values_list("phone", "contact_consent"))
        self.assertEqual(phones, {(demo.DEMO_PHONE, True)})
        about_copy = cases.get(shop_key="演示·成都荷花池批发市场")
        self.assertEqual(about_copy.trace_code, demo.copied_code())
        self.assertEqual(about_copy.product_family.slug, "pomelo")

    def test_a_second_run_creates_and_changes_nothing(self):
        def state():
            return (
                list(Case.objects.values_list("number", "status", "received_at", "accept_due").order_by("pk")),
                list(Report.objects.values_list("pk", "case_id", "phone").order_by("pk")),
                Scan.objects.count(),
                list(TraceCode.objects.values_list("scan_count", "origin_count").order_by("pk")),
            )

        before = state()
        run = load()
        self.assertEqual(state(), before)
        protection = [o for (section, _key), o in run.outcomes.items() if section.startswith("protection")]
        self.assertEqual(len(protection), 7)  # the account, the copy, five cases
        self.assertEqual(set(protection), {Outcome.UNCHANGED})
        first = [o for (section, _key), o in self.first_run.outcomes.items() if section.startswith("protection")]
        self.assertEqual(set(first), {Outcome.CREATED})


class DemoEnforcer(TestCase):
    def test_the_demo_enforcement_account_opens_the_case_queue(self):
        load()
        from gi_registry.demo import DEFAULT_DEMO_PASSWORD

        self.assertTrue(self.client.login(username="enforcer", password=DEFAULT_DEMO_PASSWORD))
        response = self.client.get("/admin/protection/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "LPWQ-")

    def test_no_demo_account_with_demo_users_off(self):
        with mock.patch.dict(os.environ, {"DEMO_USERS": "0"}):
            load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)
        from django.contrib.auth import get_user_model

        self.assertFalse(get_user_model().objects.filter(username="enforcer").exists())
