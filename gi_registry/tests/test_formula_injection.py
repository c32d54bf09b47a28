"""No registry CSV or XLSX hands a spreadsheet a formula: open data, admin listing exports, the
site-history report and the print-shop codes CSV/ZIP."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log

from gi_registry.factories import ProducerFactory
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'
SAFE = "'" + FORMULA


def csv_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def xlsx_cells(response) -> list:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


def assert_neutralised(cells: list) -> None:
    assert SAFE in cells
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "@", "\t", "\r"))]


def test_open_data_csv_neutralises_and_raw_gives_the_stored_value(client):
    ProducerFactory(name=FORMULA, address="@SUM(1+1)*cmd|' /C calc'!A0")
    escaped = csv_cells(csv_text(client.get("/api/v1/registry/producers", {"format": "csv"})))
    assert_neutralised(escaped)
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in escaped
    raw = csv_cells(csv_text(client.get("/api/v1/registry/producers", {"format": "csv", "raw": "1"})))
    assert FORMULA in raw and SAFE not in raw
    # the JSON is always the stored value
    assert client.get("/api/v1/registry/producers").json()["results"][0]["name"] == FORMULA


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_listing_exports_neutralise(client, superuser, fmt):
    ProducerFactory(name=FORMULA, address="-1+2")
    client.force_login(superuser)
    response = client.get("/admin/snippets/gi_registry/producer/", {"export": fmt})
    assert response.status_code == 200
    cells = csv_cells(csv_text(response)) if fmt == "csv" else xlsx_cells(response)
    assert_neutralised(cells)
    assert "'-1+2" in cells


def test_admin_batch_export_keeps_numbers_as_numbers(client, superuser):
    BatchFactory(product_name=FORMULA, quantity=1200)
    client.force_login(superuser)
    cells = xlsx_cells(client.get("/admin/snippets/gi_registry/batch/", {"export": "xlsx"}))
    assert_neutralised(cells)
    assert 1200 in cells  # a number, not the text "1200" nor "'1200"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_site_history_report_export_neutralises(client, superuser, fmt):
    producer = ProducerFactory(name=FORMULA)
    log(instance=producer, action="wagtail.create", user=superuser)
    client.force_login(superuser)
    response = client.get("/admin/reports/site-history/", {"export": fmt})
    assert response.status_code == 200
    cells = csv_cells(csv_text(response)) if fmt == "csv" else xlsx_cells(response)
    assert_neutralised(cells)


def test_print_shop_codes_csv_and_zip_neutralise(client, superuser, settings):
    settings.TRACE_BASE_URL = "https://gi.example.cn"
    batch = BatchFactory(lot_number="+LP-7", product_name=FORMULA)
    issue_codes(batch, 2)
    client.force_login(superuser)
    csv_response = client.get(reverse("trace_admin:download", args=[batch.pk, "csv"]))
    cells = csv_cells(csv_response.content.decode("utf-8-sig"))
    assert_neutralised(cells)
    assert cells.count("'+LP-7") == 2
    zip_response = client.get(reverse("trace_admin:download", args=[batch.pk, "zip"]))
    archived = zipfile.ZipFile(io.BytesIO(zip_response.content)).read("codes.csv").decode("utf-8-sig")
    assert_neutralised(csv_cells(archived))


def test_issue_codes_command_csv_neutralises(tmp_path, settings):
    settings.TRACE_BASE_URL = "https://gi.example.cn"
    BatchFactory(lot_number="LP-CMD", product_name=FORMULA)
    out_csv = tmp_path / "codes.csv"
    call_command("issue_codes", "--lot", "LP-CMD", "--count", "2", "--csv", out_csv)
    assert_neutralised(csv_cells(out_csv.read_text(encoding="utf-8")))
