"""axe-core on the admin pages of the producers' issue (issue 12), with the demo data, at 390 and
1280 px: the producer's workspace (the admin home of the demo ``producer``), the usage-report
listing and form (as the producer, and the listing and a submitted report with its review form as an officer), the compliance
certificate form, and the guided flow's events step with its error messages shown. No serious or
critical violation; screenshots ``a11y-*.png`` in the screenshot directory."""

import io

import pytest
from playwright.sync_api import expect

from browser import DESKTOP, PHONE, log_in
from core.demo import load_demo_data
from gi_registry.demo import DEFAULT_DEMO_PASSWORD
from gi_registry.models import Authorisation
from gi_registry.trace.models import Batch, UsageReport
from website.tests.test_browser_pages import AXE, AXE_OPTIONS, FAILING_IMPACTS, describe, require_axe, settle_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def violations(page) -> list[dict]:
    settle_messages(page)
    page.add_script_tag(path=str(AXE))
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def check(page, url: str, name: str, screenshot_dir, problems: list[str]) -> None:
    page.goto(url)
    page.screenshot(path=screenshot_dir / f"a11y-{name}.png", full_page=True)
    found = violations(page)
    # the moderate and minor ones, for people to read (they do not fail the test)
    (screenshot_dir / f"a11y-{name}.txt").write_text(describe(found) or "no violation\n")
    serious = [v for v in found if v["impact"] in FAILING_IMPACTS]
    if serious:
        details = "\n".join(f"      {n['html'][:140]}: {n['failureSummary']}" for v in serious for n in v["nodes"][:3])
        problems.append(f"{name} ({url}):\n{describe(serious)}\n{details}")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_issue_12_admin_pages_pass_axe(live_server, browser, screenshot_dir, size):
    require_axe()
    load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)
    base = live_server.url
    width = size["width"]
    batch = Batch.objects.filter(producer__accounts__username="producer", status=Batch.Status.ACTIVE).first()
    auth = Authorisation.objects.filter(producer__accounts__username="producer", status="active").latest("valid_until")
    report = UsageReport.objects.filter(authorisation__producer__accounts__username="producer").first()
    problems: list[str] = []

    page = browser.new_context(viewport=size, locale="zh-CN").new_page()
    log_in(page, base, "producer", DEFAULT_DEMO_PASSWORD)
    check(page, f"{base}/admin/", f"workspace-{width}", screenshot_dir, problems)
    check(page, f"{base}/admin/trace/usage/", f"usage-listing-{width}", screenshot_dir, problems)
    year = report.year + 1 if report else 2025
    check(page, f"{base}/admin/trace/usage/{auth.pk}/{year}/", f"usage-form-{width}", screenshot_dir, problems)
    check(
        page, f"{base}/admin/trace/batch/{batch.pk}/certificate/", f"certificate-form-{width}", screenshot_dir, problems
    )
    # the certificate form with an error shown
    page.fill("input[name=quantity]", "0")
    page.click("button[type=submit]:has-text('开具合格证')")
    page.get_by_text("数量必须大于零").first.wait_for()
    serious = [v for v in violations(page) if v["impact"] in FAILING_IMPACTS]
    if serious:
        problems.append(f"certificate form with an error:\n{describe(serious)}")
    # the flow's events step with its error messages
    page.goto(f"{base}/admin/trace/flow/{batch.pk}/events/")
    page.select_option("select[name=business_step]", "inspecting")
    page.fill("input[name=event_time]", "")
    page.click("button[data-add-event]")
    error = page.get_by_text("请填写事件的日期和时间").first
    error.wait_for()
    expect(error).to_be_in_viewport()  # the page comes back at the form, not at its top
    page.screenshot(path=screenshot_dir / f"a11y-flow-errors-{width}.png")
    serious = [v for v in violations(page) if v["impact"] in FAILING_IMPACTS]
    if serious:
        problems.append(f"flow events with errors:\n{describe(serious)}")
    page.close()

    officer = browser.new_context(viewport=size, locale="zh-CN").new_page()
    log_in(officer, base, "officer", DEFAULT_DEMO_PASSWORD)
    check(officer, f"{base}/admin/", f"officer-home-{width}", screenshot_dir, problems)
    check(officer, f"{base}/admin/trace/usage/", f"officer-usage-listing-{width}", screenshot_dir, problems)
    if report is not None:
        url = f"{base}/admin/trace/usage/{report.authorisation_id}/{report.year}/"  # with the review form
        check(officer, url, f"usage-review-{width}", screenshot_dir, problems)
    officer.close()
    assert not problems, "\n".join(problems)
