"""Spreadsheet import: CSV/XLSX in, all rows or none written, live records with revisions, idempotent.

Covers the service (``gi_registry.services.importer``), the ``import_registry`` command and the
admin upload → preview → confirm flow with its permissions.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from wagtail.models import ModelLogEntry, Revision
from wagtail.users.models import UserProfile

from gi_registry.factories import (
    GeographicalIndicationFactory,
    ProducerFactory,
    StandardFactory,
    family,
    make_credit_code,
    make_user,
)
from gi_registry.models import Authorisation, GeographicalIndication, Producer, Standard
from gi_registry.services.importer import (
    CellError,
    ImportFileError,
    parse_bool,
    parse_choice,
    parse_date,
    read_table,
    run_import,
)
from gi_registry.setup import PRODUCERS, REGISTRY_OFFICERS

pytestmark = pytest.mark.django_db

CODE_A, CODE_B, CODE_C = make_credit_code(901), make_credit_code(902, "91"), make_credit_code(903)
PRODUCER_HEADER = ["credit_code", "name", "kind", "township", "product_families", "contact_public"]


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def import_bytes(kind, data, filename="data.csv", *, commit=True, user=None):
    return run_import(kind, read_table(io.BytesIO(data), filename), commit=commit, user=user)


def producers_csv():
    return csv_bytes(
        [
            PRODUCER_HEADER,
            [CODE_A, "梁平区礼让柚子专业合作社", "cooperative", "礼让镇", "pomelo; rice", "是"],
            [CODE_B, "重庆梁平张鸭子食品有限公司", "企业", "梁山街道", "鸭子", "否"],
        ]
    )


def bad_credit_code():
    """A credit code whose 18th (check) character is wrong."""
    return CODE_C[:17] + ("1" if CODE_C[17] != "1" else "2")


def write_counts():
    return Producer.objects.count(), Revision.objects.count(), ModelLogEntry.objects.count()


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the site's default language is Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    """Uploads waiting for confirmation go to a per-test folder."""
    settings.REGISTRY_IMPORT_STAGING_DIR = str(tmp_path / "staging")
    return tmp_path / "staging"


def english_admin(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def officer(officer):
    """The shared registry officer (conftest.py), with the admin in English."""
    return english_admin(officer)


@pytest.fixture
def producer_account():
    return english_admin(make_user("farmer", PRODUCERS))


# -- the service ---------------------------------------------------------------------------------


def test_good_csv_creates_live_records_with_revision_and_audit_log(officer):
    report = import_bytes("producers", producers_csv(), user=officer)

    assert report.ok and report.committed
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    coop = Producer.objects.get(credit_code=CODE_A)
    assert coop.live and not coop.has_unpublished_changes
    assert coop.kind == Producer.Kind.COOPERATIVE and coop.township.name == "礼让镇" and coop.contact_public
    assert set(coop.product_families.values_list("slug", flat=True)) == {"pomelo", "rice"}
    assert coop.live_revision.user == officer
    actions = set(ModelLogEntry.objects.for_instance(coop).values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.publish"} <= actions
    company = Producer.objects.get(credit_code=CODE_B)
    assert company.kind == Producer.Kind.ENTERPRISE and not company.contact_public
    assert list(company.product_families.all()) == [family("duck")]


def test_reimporting_the_same_file_changes_nothing():
    import_bytes("producers", producers_csv())
    before = write_counts()

    report = import_bytes("producers", producers_csv())

    assert report.ok and [r.action for r in report.rows] == ["unchanged", "unchanged"]
    assert write_counts() == before


def test_a_changed_row_updates_and_publishes_a_new_revision():
    import_bytes("producers", producers_csv())
    coop = Producer.objects.get(credit_code=CODE_A)
    revisions = coop.revisions.count()
    data = csv_bytes([["credit_code", "address", "status", "产品类别"], [CODE_A, "礼让镇川西村3组", "暂停", "鸭子"]])

    report = import_bytes("producers", data)

    assert [r.action for r in report.rows] == ["update"]
    assert {"Address", "Status", "Product families"} <= set(report.rows[0].changes)
    coop.refresh_from_db()
    assert coop.address == "礼让镇川西村3组" and coop.status == Producer.Status.SUSPENDED
    assert list(coop.product_families.all()) == [family("duck")]
    assert coop.name == "梁平区礼让柚子专业合作社"  # columns not in the file are left alone
    assert coop.revisions.count() == revisions + 1 and coop.live and not coop.has_unpublished_changes


def test_one_bad_row_writes_nothing_and_reports_its_row_number():
    ProducerFactory()
    before = write_counts()
    data = csv_bytes(
        [
            PRODUCER_HEADER,
            [CODE_A, "好合作社一", "cooperative", "礼让镇", "", ""],
            [CODE_B, "好公司二", "enterprise", "梁山街道", "", ""],
            [make_credit_code(904), "坏合作社", "cooperative", "火星镇", "", ""],
        ]
    )

    report = import_bytes("producers", data)

    assert not report.ok and not report.committed
    assert (report.created, report.errors) == (2, 1)
    bad = report.error_rows[0]
    assert bad.row == 4 and "Township" in bad.messages[0] and "火星镇" in bad.messages[0]
    assert write_counts() == before


def test_every_bad_row_is_reported_not_just_the_first():
    data = csv_bytes(
        [
            PRODUCER_HEADER,
            [bad_credit_code(), "甲", "cooperative", "礼让镇", "", ""],
            [CODE_A, "乙", "合作社", "礼让镇", "", "也许"],
            [CODE_B, "", "沙龙", "礼让镇", "西瓜", ""],
        ]
    )

    report = import_bytes("producers", data)

    by_row = {r.row: " ".join(r.messages) for r in report.error_rows}
    assert set(by_row) == {2, 3, 4}
    assert "check character" in by_row[2]
    assert "Publish contact" in by_row[3]
    assert "Name" in by_row[4] and "Type" in by_row[4] and "西瓜" in by_row[4]
    assert Producer.objects.count() == 0


def test_invalid_credit_code_check_character_is_reported():
    data = csv_bytes([PRODUCER_HEADER, [bad_credit_code(), "某合作社", "cooperative", "礼让镇", "", ""]])

    report = import_bytes("producers", data)

    [row] = report.error_rows
    assert row.row == 2 and "Unified social credit code" in row.messages[0] and "check character" in row.messages[0]
    assert not Producer.objects.exists()


def test_gb18030_csv_with_chinese_headers_and_labels():
    data = csv_bytes(
        [
            ["统一社会信用代码", "名称", "类型", "乡镇", "产品类别", "纬度", "经度", "公开联系方式", "备注"],
            [CODE_A, "梁平区竹山笋子家庭农场", "家庭农场", "竹山", "笋子、其他", "30.6712345", "107.8", "", "新"],
        ],
        encoding="gb18030",
    )

    report = import_bytes("producers", data, "名录.csv")

    assert report.ok, report.error_lines()
    assert "备注" in report.notes[0]  # an unknown column is named, not silently dropped
    farm = Producer.objects.get(credit_code=CODE_A)
    assert farm.name == "梁平区竹山笋子家庭农场" and farm.kind == Producer.Kind.FAMILY_FARM
    assert farm.township.name == "竹山镇"
    assert set(farm.product_families.values_list("slug", flat=True)) == {"bamboo", "other"}
    assert str(farm.latitude) == "30.671235"  # rounded to the six places the registry keeps


def test_xlsx_with_excel_date_cells():
    producer = ProducerFactory()
    gi = GeographicalIndicationFactory(name="梁平柚", registration_number="AGI00123")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["授权编号", "统一社会信用代码", "地理标志", "有效期起", "有效期至", "年度标签配额", "状态"])
    sheet.append(
        ["LPGI-2025-00101", producer.credit_code, "梁平柚", datetime.date(2025, 1, 1), "2027/12/31", 5000, "有效"]
    )
    sheet.append(
        ["LPGI-2025-00102", producer.credit_code, "AGI00123", "2025.03.01", datetime.date(2026, 2, 28), 20000.0]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_bytes("authorisations", buffer.getvalue(), "授权.xlsx")

    assert report.ok, report.error_lines()
    first = Authorisation.objects.get(number="LPGI-2025-00101")
    assert first.geographical_indication == gi and first.producer == producer
    assert (first.valid_from, first.valid_until, first.yearly_quota) == (
        datetime.date(2025, 1, 1),
        datetime.date(2027, 12, 31),
        5000,
    )
    second = Authorisation.objects.get(number="LPGI-2025-00102")
    assert second.valid_from == datetime.date(2025, 3, 1) and second.yearly_quota == 20000 and second.live


def test_authorisation_for_a_gi_that_is_not_registered_is_rejected():
    producer = ProducerFactory()
    GeographicalIndicationFactory(
        name="梁平豆筋", status=GeographicalIndication.Status.APPLIED, registration_number="", registration_date=None
    )
    data = csv_bytes(
        [
            ["number", "producer", "geographical_indication", "valid_from", "valid_until"],
            ["LPGI-2025-00201", producer.credit_code, "梁平豆筋", "2025-01-01", "2026-01-01"],
        ]
    )

    report = import_bytes("authorisations", data)

    [row] = report.error_rows
    assert row.row == 2 and "Only a registered GI can be authorised" in " ".join(row.messages)
    assert not Authorisation.objects.exists()


def test_authorisation_dates_out_of_order_and_unknown_producer_are_reported():
    GeographicalIndicationFactory(name="梁平柚")
    producer = ProducerFactory()
    data = csv_bytes(
        [
            ["授权编号", "统一社会信用代码", "地理标志", "有效期起", "有效期至"],
            ["LPGI-2025-00001", producer.credit_code, "梁平柚", "2026-01-01", "2025-01-01"],
            ["LPGI-2025-00002", CODE_C, "梁平柚", "2025-01-01", "2025-13-01"],
        ]
    )

    report = import_bytes("authorisations", data)

    by_row = {r.row: " ".join(r.messages) for r in report.error_rows}
    assert "must come after its start" in by_row[2]
    assert "import the producers first" in by_row[3] and "not a date" in by_row[3]


def test_standard_replaced_by_a_row_later_in_the_same_file():
    data = csv_bytes(
        [
            ["标准号", "标准名称", "级别", "被替代为", "产品类别"],
            ["db50/t 3001—2018", "梁平柚栽培技术规程", "", "DB50/T 3001-2023", "柚子"],
            ["DB50/T 3001-2023", "梁平柚栽培技术规程（修订）", "地方标准", "", "柚子"],
        ]
    )

    report = import_bytes("standards", data)

    assert report.ok, report.error_lines()
    old, new = Standard.objects.get(code="DB50/T 3001-2018"), Standard.objects.get(code="DB50/T 3001-2023")
    assert old.replaced_by == new and old.status == Standard.Status.SUPERSEDED and old.level == Standard.Level.LOCAL
    assert new.status == Standard.Status.CURRENT and old.live and new.live
    assert [r.action for r in report.rows] == ["create", "create"]  # reported in file order


def test_replaced_by_circle_inside_the_file_is_rejected():
    data = csv_bytes(
        [
            ["code", "title", "status", "replaced_by"],
            ["DB50/T 4001-2020", "甲", "superseded", "DB50/T 4002-2021"],
            ["DB50/T 4002-2021", "乙", "superseded", "DB50/T 4001-2020"],
            ["DB50/T 4003-2022", "丙", "current", ""],
        ]
    )

    report = import_bytes("standards", data)

    assert {r.row for r in report.error_rows} == {2, 3}
    assert all("circle" in " ".join(r.messages) for r in report.error_rows)
    assert not Standard.objects.exists()


def test_replaced_by_circle_through_the_database_is_rejected():
    old = StandardFactory(code="DB50/T 5001-2019")
    StandardFactory(code="DB50/T 5002-2020", status=Standard.Status.SUPERSEDED, replaced_by=old)
    data = csv_bytes([["code", "replaced_by"], ["DB50/T 5001-2019", "DB50/T 5002-2020"]])

    report = import_bytes("standards", data)

    [row] = report.error_rows
    assert "circle" in " ".join(row.messages)
    old.refresh_from_db()
    assert old.replaced_by is None and old.status == Standard.Status.CURRENT


def test_preview_writes_nothing_but_reports_what_would_happen():
    before = write_counts()

    report = import_bytes("producers", producers_csv(), commit=False)

    assert report.ok and not report.committed and report.created == 2
    assert write_counts() == before


def test_record_with_unpublished_draft_is_not_overwritten():
    producer = ProducerFactory(credit_code=CODE_A, name="原名")
    producer.name = "草稿名"
    producer.save_revision()  # a draft an officer has not published yet
    data = csv_bytes([["credit_code", "name"], [CODE_A, "导入名"]])

    report = import_bytes("producers", data)

    [row] = report.error_rows
    assert "unpublished draft changes" in row.messages[0]
    producer.refresh_from_db()
    assert producer.name == "原名" and producer.get_latest_revision_as_object().name == "草稿名"


def test_locked_record_is_not_overwritten(officer):
    colleague = User.objects.create_user("colleague")
    producer = ProducerFactory(credit_code=CODE_A, name="原名", locked=True, locked_by=colleague)

    report = import_bytes("producers", csv_bytes([["credit_code", "name"], [CODE_A, "导入名"]]), user=officer)

    assert "locked by colleague" in report.error_rows[0].messages[0]
    producer.refresh_from_db()
    assert producer.name == "原名"


def test_duplicate_keys_and_missing_key_column_are_refused():
    duplicate = csv_bytes([PRODUCER_HEADER, [CODE_A, "甲", "企业", "礼让镇"], [CODE_A.lower(), "乙", "企业", "礼让镇"]])
    report = import_bytes("producers", duplicate)
    assert [r.row for r in report.error_rows] == [3] and "also on row 2" in report.error_rows[0].messages[0]

    no_key = import_bytes("producers", csv_bytes([["名称", "乡镇"], ["甲", "礼让镇"]]))
    assert not no_key.ok and "统一社会信用代码" in no_key.file_errors[0]
    assert not Producer.objects.exists()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("tool.exe", b"MZ\x90\x00binary", "Only .csv and .xlsx"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG"),
        ("junk.csv", b"name,code\n\x00\x01\x02\x03", "binary"),
        ("fake.xlsx", b"credit_code,name\n1,2\n", "not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as .xlsx"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(filename, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(io.BytesIO(data), filename)


def test_too_large_and_too_long_files_are_refused():
    with pytest.raises(ImportFileError, match="larger than"):
        read_table(io.BytesIO(b"a,b\n" + b"1,2\n" * 100), "big.csv", max_bytes=200)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(io.BytesIO(b"a,b\n" + b"1,2\n" * 4), "long.csv", max_rows=3)


@pytest.mark.parametrize(
    ("model", "field", "spelling", "value"),
    [
        (Producer, "kind", "专业合作社", "cooperative"),
        (Producer, "kind", "Cooperative (专业合作社)", "cooperative"),
        (Producer, "kind", "个体户", "individual"),
        (Producer, "kind", " FAMILY_FARM ", "family_farm"),
        (Standard, "level", "地方标准", "local"),
        (Standard, "level", "DB50/T", "local"),
        (Standard, "level", "ＧＢ／Ｔ", "national"),
        (Standard, "level", "NY/T", "industry"),
        (Standard, "status", "废止", "withdrawn"),
        (Authorisation, "status", "已过期", "expired"),
    ],
)
def test_choice_spellings(model, field, spelling, value):
    assert parse_choice(model, field, spelling) == value


def test_unknown_choice_lists_the_choices():
    with pytest.raises(CellError, match="Enterprise"):
        parse_choice(Producer, "kind", "沙龙")


@pytest.mark.parametrize(
    "cell",
    [
        "2024-05-01",
        "2024/5/1",
        "2024.05.01",
        "2024年5月1日",
        "20240501",
        "2024-05-01 00:00:00",
        45413,
        datetime.datetime(2024, 5, 1),
    ],
)
def test_date_spellings(cell):
    assert parse_date(cell) == datetime.date(2024, 5, 1)


@pytest.mark.parametrize(("cell", "value"), [("是", True), ("否", False), ("TRUE", True), ("0", False), (1.0, True)])
def test_yes_no_spellings(cell, value):
    assert parse_bool(cell) is value


# -- the management command ----------------------------------------------------------------------


def test_command_imports_with_progress_and_a_summary_line(tmp_path):
    file = tmp_path / "producers.csv"
    file.write_bytes(producers_csv())
    out, err = io.StringIO(), io.StringIO()

    call_command("import_registry", "producers", str(file), stdout=out, stderr=err)

    assert "2/2" in err.getvalue() and "[" in err.getvalue()
    assert out.getvalue().strip().splitlines()[-1].endswith("2 new, 0 updated, 0 unchanged, 0 with errors (2 rows)")
    assert Producer.objects.filter(live=True).count() == 2

    out = io.StringIO()
    call_command("import_registry", "producers", str(file), stdout=out, stderr=io.StringIO())
    assert "0 new, 0 updated, 2 unchanged" in out.getvalue()


def test_command_dry_run_writes_nothing(tmp_path):
    file = tmp_path / "producers.csv"
    file.write_bytes(producers_csv())
    out = io.StringIO()

    call_command("import_registry", "producers", str(file), "--dry-run", stdout=out, stderr=io.StringIO())

    assert "nothing was written" in out.getvalue() and "2 new" in out.getvalue()
    assert not Producer.objects.exists()


def test_command_fails_with_a_row_report_and_writes_nothing(tmp_path, officer):
    file = tmp_path / "producers.csv"
    file.write_bytes(csv_bytes([PRODUCER_HEADER, [CODE_A, "甲", "企业", "礼让镇"], [CODE_B, "乙", "企业", "无此镇"]]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_registry", "producers", str(file), "--user", "officer", stdout=io.StringIO(), stderr=err)

    assert "Row 3" in err.getvalue() and "township D3 “无此镇”" in err.getvalue()  # the row and the cell
    assert not Producer.objects.exists()


def test_command_refuses_a_user_without_permission_and_a_bad_file(tmp_path, producer_account):
    file = tmp_path / "producers.csv"
    file.write_bytes(producers_csv())
    with pytest.raises(CommandError, match="may not add and change"):
        call_command("import_registry", "producers", str(file), "--user", "farmer", stderr=io.StringIO())
    picture = tmp_path / "producers.png"
    picture.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(CommandError, match="Only .csv and .xlsx"):
        call_command("import_registry", "producers", str(picture), stderr=io.StringIO())
    assert not Producer.objects.exists()


# -- the admin -----------------------------------------------------------------------------------

UPLOAD_URL = "/admin/registry-import/"


def upload(client, data, filename="producers.csv", kind="producers"):
    return client.post(UPLOAD_URL, {"kind": kind, "file": SimpleUploadedFile(filename, data)})


def test_officer_uploads_previews_and_confirms(client, officer, staging):
    client.force_login(officer)
    assert reverse("registry_import:upload") == UPLOAD_URL
    assert client.get(UPLOAD_URL).status_code == 200

    preview = upload(client, producers_csv())

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "data-import-rows" in html and CODE_A in html and CODE_B in html
    assert not Producer.objects.exists()  # the preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    confirmed = client.post(reverse("registry_import:confirm"), {"token": token})

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("wagtailsnippets_gi_registry_producer:list")
    assert Producer.objects.filter(live=True).count() == 2
    assert Producer.objects.get(credit_code=CODE_A).live_revision.user == officer
    again = client.post(reverse("registry_import:confirm"), {"token": token})  # the token is spent
    assert again.status_code == 302 and again.url == UPLOAD_URL
    assert Revision.objects.count() == 2
    assert not any(staging.iterdir())  # the staged upload is deleted once imported


def test_preview_with_a_bad_row_offers_no_confirmation(client, officer):
    client.force_login(officer)
    data = csv_bytes([PRODUCER_HEADER, [CODE_A, "甲", "企业", "礼让镇"], [bad_credit_code(), "乙", "企业", "礼让镇"]])

    html = upload(client, data).content.decode()

    assert 'name="token"' not in html
    assert "data-import-errors" in html and "check character" in html
    assert not Producer.objects.exists()


def test_another_users_token_is_refused(client, officer):
    client.force_login(officer)
    html = upload(client, producers_csv()).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    colleague = make_user("colleague", REGISTRY_OFFICERS)
    client.force_login(colleague)

    response = client.post(reverse("registry_import:confirm"), {"token": token})

    assert response.status_code == 302 and response.url == UPLOAD_URL
    assert not Producer.objects.exists()


def test_confirm_after_the_data_changed_writes_nothing_and_shows_why(client, officer):
    client.force_login(officer)
    gi = GeographicalIndicationFactory(name="梁平柚")
    producer = ProducerFactory()
    data = csv_bytes(
        [
            ["授权编号", "统一社会信用代码", "地理标志", "有效期起", "有效期至"],
            ["LPGI-2025-00301", producer.credit_code, "梁平柚", "2025-01-01", "2026-12-31"],
        ]
    )
    html = upload(client, data, kind="authorisations").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    GeographicalIndication.objects.filter(pk=gi.pk).update(status=GeographicalIndication.Status.SUSPENDED)

    response = client.post(reverse("registry_import:confirm"), {"token": token})

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-import-errors" in html and "Only a registered GI can be authorised" in html
    assert 'name="token"' not in html
    assert not Authorisation.objects.exists()


def test_template_download_has_the_chinese_headers(client, officer):
    client.force_login(officer)

    response = client.get(reverse("registry_import:template", args=["producers"]) + "?format=csv")

    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["统一社会信用代码*", "名称*", "类型*", "乡镇*"]  # * marks a required column


def test_producer_account_is_refused_and_does_not_see_the_menu_item(client, officer, producer_account):
    client.force_login(producer_account)
    for response in (
        client.get(UPLOAD_URL),
        upload(client, producers_csv()),
        client.get(reverse("registry_import:template", args=["producers"])),
    ):
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert UPLOAD_URL not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert not Producer.objects.exists()

    client.force_login(officer)
    assert UPLOAD_URL in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Only .csv and .xlsx files can be imported."),
        ("logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "PNG file, not CSV text"),
        ("huge.csv", b"credit_code,name\n" + b"x" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_admin_refuses_files_that_are_not_spreadsheets_or_too_large(client, officer, filename, data, message):
    client.force_login(officer)

    response = upload(client, data, filename)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'name="token"' not in response.content.decode()
