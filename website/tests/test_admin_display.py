"""What the zh-hans admin shows for stored values (core/admin_display.py), in listings, inspect
views and CSV/XLSX exports, as the registry officer who uses them: choice labels not codes,
是/否 not True/False/None, "6" not "6.000", times in Asia/Shanghai not UTC."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from wagtail.models import ModelLogEntry

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory
from gi_registry.models import Producer
from gi_registry.trace.factories import BatchFactory

pytestmark = pytest.mark.django_db

PRODUCERS = "/admin/snippets/gi_registry/producer/"


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    return list(sheet.iter_rows(values_only=True))


def test_producer_export_has_labels_and_yes_no_not_codes(client, officer):
    ProducerFactory(name="梁平区导出测试柚子专业合作社", kind=Producer.Kind.COOPERATIVE, is_demo=True)
    client.force_login(officer)
    for fmt, rows in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        table = rows(client.get(f"{PRODUCERS}?export={fmt}"))
        row = next(r for r in table if r[0] == "梁平区导出测试柚子专业合作社")
        assert "专业合作社" in row and "有效" in row and "是" in row, (fmt, row)
        for code in ("cooperative", "active", "True", "False", "None"):
            assert code not in row, (fmt, code, row)


def test_batch_export_writes_quantities_without_trailing_zeros(client, officer):
    batch = BatchFactory(quantity=Decimal("6.00"), lot_number="LP-DISPLAY-6")
    BatchFactory(authorisation=batch.authorisation, quantity=Decimal("2.50"), lot_number="LP-DISPLAY-2")
    client.force_login(officer)
    table = csv_rows(client.get("/admin/snippets/gi_registry/batch/?export=csv"))
    header = table[0]
    by_lot = {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}
    quantity = next(h for h in header if h in ("数量", "Quantity", "quantity"))
    assert by_lot["LP-DISPLAY-6"][quantity] == "6"
    assert by_lot["LP-DISPLAY-2"][quantity] == "2.5"
    assert "正常" in by_lot["LP-DISPLAY-6"].values()  # the status label, not "active"
    sheet = xlsx_rows(client.get("/admin/snippets/gi_registry/batch/?export=xlsx"))
    row = next(r for r in sheet if r[0] == "LP-DISPLAY-6")
    assert 6 in row and "6.00" not in [str(v) for v in row]


def test_listing_and_inspect_show_yes_no_not_python(client, officer):
    gi = GeographicalIndicationFactory(name="梁平显示测试柚", is_demo=True)
    client.force_login(officer)
    listing = client.get("/admin/snippets/gi_registry/geographicalindication/").content.decode()
    row = listing[listing.index("梁平显示测试柚") :]
    row = row[: row.index("</tr>")]
    assert "是" in row
    for python in (">True<", ">False<", ">None<", "True\n", "False\n"):
        assert python not in row.replace(" ", ""), python
    inspect = client.get(f"/admin/snippets/gi_registry/geographicalindication/inspect/{gi.pk}/").content.decode()
    body = inspect[inspect.index("<main") :]
    for python in ("True", "False", "None"):
        assert f">{python}<" not in body.replace(" ", "").replace("\n", ""), python


def test_exported_times_are_in_shanghai_time_not_utc(client, officer):
    gi = GeographicalIndicationFactory(name="梁平时区测试柚")
    at = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=datetime.UTC)  # 08:30 in Liangping
    ModelLogEntry.objects.log_action(instance=gi, action="wagtail.edit", user=officer, timestamp=at)
    client.force_login(officer)
    text = "\n".join(",".join(r) for r in csv_rows(client.get("/admin/reports/site-history/?export=csv")))
    assert "2025-01-01 08:30:00" in text and "00:30:00" not in text
    cells = [v for row in xlsx_rows(client.get("/admin/reports/site-history/?export=xlsx")) for v in row]
    assert datetime.datetime(2025, 1, 1, 8, 30) in cells
    page = client.get("/admin/reports/site-history/").content.decode()
    assert "2025-01-01T08:30:00+08:00" in page or "2025年1月1日 08:30" in page


def test_edit_forms_show_decimals_without_trailing_zeros(client, officer):
    from indicators.factories import IndicatorValueFactory, PlanIndicatorFactory

    indicator = PlanIndicatorFactory(target_value=Decimal("6.000"))
    IndicatorValueFactory(indicator=indicator, year=2024, value=Decimal("2.500"))
    client.force_login(officer)
    html = client.get(f"/admin/snippets/indicators/planindicator/edit/{indicator.pk}/").content.decode()
    assert 'name="target_value" value="6"' in html
    assert 'value="2.5"' in html
    assert "6.000" not in html and "2.500" not in html


# --- the enforcement pages (issue 13) ------------------------------------------------------------


def test_case_and_holiday_listings_and_exports_show_labels_yes_no_and_shanghai_time(client, officer):
    """The case queue's 12315 export and listing, and the holidays' listing, as the officers and
    enforcement staff read them: 举报/新收到, 是/否, received at 08:30 Liangping time."""
    from gi_registry.factories import ProducerFactory, make_user
    from gi_registry.protection.models import Case, Holiday
    from gi_registry.protection.setup import ENFORCEMENT_STAFF
    from gi_registry.protection.tests.staff_fixtures import make_case

    at = datetime.datetime(2026, 12, 1, 0, 30, tzinfo=datetime.UTC)  # 08:30 in Liangping
    case = make_case(producer=ProducerFactory(), received_at=at)
    Holiday.objects.create(date="2027-02-07", name="春节调休上班", is_working_day=True)
    codes = [*Case.Status.values, *Case.Kind.values, "True", "False", "None"]
    for user in (officer, make_user("staff", ENFORCEMENT_STAFF)):
        client.force_login(user)
        for fmt, rows in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            table = rows(client.get(f"/admin/protection/cases/?export={fmt}"))
            row = ["" if v is None else str(v) for v in next(r for r in table if r[0] == case.number)]
            assert str(Case.Status.NEW.label) in row and str(Case.Kind(case.kind).label) in row, (fmt, row)
            assert [cell for cell in row if cell in codes] == [], (user.username, fmt, row)
            assert any("08:30" in cell for cell in row) and not any("00:30" in cell for cell in row), row
        listing = client.get("/admin/protection/cases/").content.decode()
        line = listing[listing.index(case.number) :]
        line = line[: line.index("</tr>")]
        assert str(Case.Status.NEW.label) in line and "08:30" in line, line
        holidays = client.get("/admin/protection/holidays/").content.decode()
        line = holidays[holidays.index("春节调休上班") :]
        line = line[: line.index("</tr>")]
        assert "是" in line and ">True<" not in line.replace(" ", ""), line
