"""The shared spreadsheet writer: which cells are neutralised and which stay as they are; and the
contact form's submissions, planted by an anonymous visitor, exported by staff as CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission

from core.spreadsheets import SafeDictWriter, SafeWriter, csv_lines, neutralise
from website.models import ContactFormField, ContactPage, HomePage

from .test_contact import posted

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    "text",
    [FORMULA, "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1+1", "\r=1+1", "-", "=", "-5-5", "+86 138 0000"],
)
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+3.5", "-1,200", "-12%", "梁平柚", "", " =1", "a=1", "'=1", "1-2"])
def test_plain_text_and_signed_numbers_stay(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-5, -2.5, Decimal("-3.10"), None, True, datetime.date(2025, 1, 1)])
def test_values_that_are_not_text_stay_as_they_are(value):
    assert neutralise(value) is value


def test_writers_neutralise_every_cell_header_included_unless_raw():
    assert SafeWriter().writerow(["=1", -5, "-5", "ok"]) == "'=1,-5,-5,ok\r\n"
    assert SafeWriter(raw=True).writerow(["=1", "@x"]) == "=1,@x\r\n"
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=["=a", "b"])
    writer.writeheader()
    writer.writerows([{"=a": "+1+1", "b": "@x"}])
    assert out.getvalue() == "'=a,b\r\n'+1+1,'@x\r\n"
    assert "".join(csv_lines([["=1"]])) == "\ufeff'=1\r\n"


def test_every_spreadsheet_export_view_we_serve_is_guarded():
    """Every subclass of Wagtail's SpreadsheetExportMixin behind our URLs (each viewset's index
    view, the reports, form submissions) neutralises cells: none overrides the guard away."""
    from django.urls import get_resolver
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    get_resolver().url_patterns  # noqa: B018  (imports every admin view module)
    views = set(subclasses(SpreadsheetExportMixin))
    names = {view.__name__ for view in views}
    assert {"LogEntriesView", "AgingPagesView", "LockedPagesView", "SubmissionsListView", "IndexView"} <= names
    for view in views:
        for fmt in ("csv", "xlsx"):
            assert view.preprocess_field_value(view.__new__(view), "x", "=1+1", fmt) == "'=1+1", view


@pytest.fixture
def planted(client, db, empty_cache):
    """A visitor sends the contact form with a formula as the name (and the page has a field whose
    label, typed by an editor, starts with "@")."""
    home = HomePage.objects.get(locale__language_code="zh-hans")
    page = ContactPage(title="联系我们", slug="contact")
    page.form_fields = [
        ContactFormField(sort_order=0, label="name", field_type="singleline", required=True),
        ContactFormField(sort_order=1, label="message", field_type="multiline", required=True),
        ContactFormField(sort_order=2, label="@备注", field_type="singleline", required=False),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    response = client.post("/contact/", posted(name=FORMULA, message="-2+3+cmd|' /C calc'!A0"))
    assert response.status_code == 200
    assert FormSubmission.objects.get(page=page).get_data()["name"] == FORMULA  # stored as typed
    return page


def exported(client, user, page, fmt) -> list:
    client.force_login(user)
    response = client.get(f"/admin/forms/submissions/{page.pk}/", {"export": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    return [cell.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_form_submission_export_neutralises_what_a_visitor_planted(client, superuser, planted, fmt):
    cells = exported(client, superuser, planted, fmt)
    assert "'" + FORMULA in cells
    assert "'-2+3+cmd|' /C calc'!A0" in cells
    assert "'@备注" in cells  # the heading
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "-", "@"))]
