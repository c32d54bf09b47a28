"""The yearly usage report's "due" line on the producer's workspace: last year's report of each of
the producer's authorisations in force then, its due date (``USAGE_REPORT_DUE``), its state (not
started, draft, submitted, returned, accepted), overdue highlighted once the due day has passed and
the report is not filed, and a link to file, continue or view it. As the producer; another
producer's authorisation never appears."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory
from gi_registry.trace.admin.workspace import workspace_context
from gi_registry.trace.models import UsageReport

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
BEFORE_DUE = datetime.date(TODAY.year, 2, 1)  # the report is due on 03-31 (settings below)
AFTER_DUE = datetime.date(TODAY.year, 6, 1)


def years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


@pytest.fixture
def own(producer_user, settings):
    settings.USAGE_REPORT_DUE = "03-31"
    auth = AuthorisationFactory(number="LPGI-2024-00101", valid_from=years_ago(2), valid_until=years_ago(-2))
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    AuthorisationFactory(number="LPGI-2024-00202", valid_from=years_ago(2), valid_until=years_ago(-2))
    return auth


def panel(user, today) -> str:
    return render_to_string("gi_registry/trace/admin/workspace_panel.html", workspace_context(user, today))


def due_line(html: str) -> str:
    start = html.index('data-usage-report="LPGI-2024-00101"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


STATES = [
    # status, state label, link words, still to file?
    (None, "未开始", "填报", True),
    (UsageReport.Status.DRAFT, "草稿", "继续填报", True),
    (UsageReport.Status.RETURNED, "已退回", "继续填报", True),
    (UsageReport.Status.SUBMITTED, "已提交", "查看报告", False),
    (UsageReport.Status.ACCEPTED, "已通过", "查看报告", False),
]


@pytest.mark.parametrize(("status", "label", "link", "to_file"), STATES)
def test_the_due_line_says_the_year_the_due_date_the_state_and_links_to_the_report(
    producer_user, own, status, label, link, to_file
):
    if status is not None:
        UsageReport.objects.create(authorisation=own, year=LAST_YEAR, status=status, labels_used=0)
    url = reverse("usage_reports:report", args=[own.pk, LAST_YEAR])

    before = due_line(panel(producer_user, BEFORE_DUE))
    assert f"{LAST_YEAR} 年度使用情况报告" in before and f"截止 {TODAY.year}-03-31" in before
    assert f'data-usage-state="{status or "not_started"}"' in before
    assert f">{label}</span>" in before and f'<a href="{url}">{link}</a>' in before
    assert "data-overdue" not in before and "已逾期" not in before
    assert ("workspace-due" if to_file else "workspace-filed") in before

    after = due_line(panel(producer_user, AFTER_DUE))
    if to_file:  # past the due day and not filed: overdue, highlighted
        assert "data-overdue" in after and "workspace-urgent" in after and "已逾期" in after
    else:
        assert "data-overdue" not in after and "workspace-filed" in after and "已逾期" not in after


def test_the_producer_home_shows_its_own_due_line_and_the_link_opens_the_report(client, producer_user, own, settings):
    settings.USAGE_REPORT_DUE = "12-31"  # due at the end of this year: never overdue today
    client.force_login(producer_user)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-usage-report="LPGI-2024-00101"' in home and 'data-usage-state="not_started"' in home
    assert "LPGI-2024-00202" not in home  # another producer's authorisation
    url = reverse("usage_reports:report", args=[own.pk, LAST_YEAR])
    assert f'<a href="{url}">填报</a>' in home
    assert client.get(url).status_code == 200


def test_no_due_line_for_an_authorisation_that_started_this_year(producer_user, settings):
    settings.USAGE_REPORT_DUE = "03-31"
    auth = AuthorisationFactory(valid_from=datetime.date(TODAY.year, 1, 1), valid_until=years_ago(-2))
    auth.producer.accounts.add(producer_user)
    auth.producer.save()
    assert "data-usage-due" not in panel(producer_user, AFTER_DUE)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_overdue_report_stands_out_on_a_phone(live_server, browser, screenshot_dir, settings):
    """Last year's report not started, past its due day (01-01 of this year): the line is red and
    says 已逾期, fits a 390 px phone, and its link opens the report's form."""
    from browser import PHONE, log_in, no_overflow
    from gi_registry.factories import make_user
    from gi_registry.setup import PRODUCERS

    settings.USAGE_REPORT_DUE = "01-01"
    user = make_user("producer", PRODUCERS)
    auth = AuthorisationFactory(number="LPGI-2024-00101", valid_from=years_ago(2), valid_until=years_ago(-2))
    auth.producer.accounts.add(user)
    auth.producer.save()
    page = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2).new_page()
    log_in(page, live_server.url)
    line = page.locator('[data-usage-report="LPGI-2024-00101"]')
    line.scroll_into_view_if_needed()
    if (TODAY.month, TODAY.day) != (1, 1):  # on 1 January last year's report is due that very day
        assert "已逾期" in line.inner_text() and line.get_attribute("data-overdue") is not None
        stripe = line.evaluate("li => getComputedStyle(li).borderInlineStartColor")
        assert stripe == "rgb(180, 35, 24)", stripe  # the urgent red, not the text's colour
    assert no_overflow(page)
    page.screenshot(path=screenshot_dir / "workspace-usage-overdue-390.png")
    line.get_by_role("link", name="填报").click()
    page.wait_for_url(f"{live_server.url}/admin/trace/usage/{auth.pk}/{LAST_YEAR}/")
    assert page.locator("input[name=labels_used]").is_visible()
