"""The retention rule (PIPL): phone numbers and photos, files included, go PROTECTION_RETENTION_DAYS
after a case closed; open cases and recently closed ones keep theirs; --dry-run removes nothing;
the command says what it removed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gi_registry.factories import TEST_PASSWORD
from gi_registry.protection.models import Case, Report, ReportPhoto, private_storage

from . import staff_fixtures
from .staff_fixtures import PHONE, make_case

staff = staff_fixtures.staff
pytestmark = pytest.mark.django_db


def closed_case(days_ago: int, status=Case.Status.CLOSED, **fields):
    case = make_case(**fields)
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=timezone.now() - datetime.timedelta(days=days_ago))
    case.refresh_from_db()
    return case


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("erase_case_personal_data", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_phones_and_photos_of_long_closed_cases_are_erased_files_included(
    settings, client, staff, django_capture_on_commit_callbacks
):
    settings.PROTECTION_RETENTION_DAYS = 180
    old = closed_case(200, code_text="OLD", shop_key="A")
    refused = closed_case(181, status=Case.Status.REJECTED, code_text="REF", shop_key="B")
    recent = closed_case(30, code_text="NEW", shop_key="C")
    still_open = make_case(code_text="OPEN", shop_key="D", received_at=timezone.now() - datetime.timedelta(days=400))
    old_photo = old.reports.get().photos.get()
    old_file = old_photo.image.name
    assert private_storage.exists(old_file)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure is committed
        output = run()
    assert "removed 2 phone number(s) and 2 photo(s)" in output
    assert "from 2 report(s) in 2 case(s)" in output
    assert "reports [" in output  # the progress bar

    for case in (old, refused):
        report = Report.objects.get(case=case)
        assert report.phone == "" and report.personal_data_erased_at is not None
        assert not ReportPhoto.objects.filter(report=report).exists()
        case.refresh_from_db()
        assert case.personal_data_erased_at is not None
        assert report.description == "盒子上的标志印得很模糊"  # the rest of the report stays
    assert not private_storage.exists(old_file)
    for case in (recent, still_open):
        report = Report.objects.get(case=case)
        assert report.phone == PHONE and report.photos.count() == 1 and report.personal_data_erased_at is None

    # the photo's address now answers 404, and the case page says when the data was erased
    client.login(username="staff", password=TEST_PASSWORD)
    assert client.get(reverse("protection_cases:photo", args=[old_photo.pk])).status_code == 404
    page = client.get(reverse("protection_cases:inspect", args=[old.pk])).content.decode()
    assert PHONE not in page and "个人信息已删除" in page

    assert "removed 0 phone number(s) and 0 photo(s)" in run()  # a second run finds nothing


def test_dry_run_removes_nothing(settings):
    settings.PROTECTION_RETENTION_DAYS = 10
    case = closed_case(11)
    name = case.reports.get().photos.get().image.name
    output = run("--dry-run")
    assert "would remove 1 phone number(s) and 1 photo(s)" in output and "(dry run)" in output
    report = case.reports.get()
    assert report.phone == PHONE and report.photos.count() == 1 and report.personal_data_erased_at is None
    assert private_storage.exists(name)


def test_the_retention_period_comes_from_the_setting(settings):
    case = closed_case(20)
    settings.PROTECTION_RETENTION_DAYS = 30
    assert "removed 0 phone number(s)" in run()
    settings.PROTECTION_RETENTION_DAYS = 15
    assert "removed 1 phone number(s)" in run()
    assert case.reports.get().phone == ""
