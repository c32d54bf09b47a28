"""Crafted spreadsheets fail fast with a clear error and import nothing.

The files are built here as an attacker would: the sheet XML written straight into the ZIP. A few
hundred thousand cells or strings are enough to show each limit trips; the tests assert on the
error, not on time (the README gives the before/after figures on a 4.5-million-cell file).
"""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook
from openpyxl.reader.strings import read_string_table

from gi_registry.factories import make_credit_code
from gi_registry.models import Producer
from gi_registry.services.importer import ImportFileError, read_table
from gi_registry.services.importer.files import Limits, _read_shared_strings

pytestmark = pytest.mark.django_db

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{REL}/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>'
        f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/></Relationships>'
    ),
}
CODE = make_credit_code(911)
HEADER = ["credit_code", "name", "kind", "township"]
GOOD_ROW = [CODE, "梁平区测试专业合作社", "cooperative", "礼让镇"]


def _repeat(out, piece: bytes, times: int) -> None:
    while times > 0:
        n = min(times, 10_000)
        out.write(piece * n)
        times -= n


def crafted_xlsx(
    *,
    wide_row: int = 0,
    number_rows: int = 0,
    row_cells: int = 4,
    formatted_cells: int = 0,
    shared_strings: int = 0,
    first_row_at: int = 1,
    dimension: str = "A1:D3",
    extra_entries: int = 0,
) -> bytes:
    """A producers sheet: the header and one good row (inline strings), then optionally one row
    of ``wide_row`` number cells, ``number_rows`` rows of ``row_cells`` numbers, and a good row
    followed by ``formatted_cells`` empty formatted cells; plus ``shared_strings`` filler strings."""

    def inline_row(number: int, values) -> bytes:
        cells = "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in values)
        return f'<row r="{number}">{cells}</row>'.encode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        for number in range(extra_entries):
            archive.writestr(f"customXml/item{number}.xml", "<x/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<sst xmlns="{NS}">'.encode())
            _repeat(out, b"<si><t>x</t></si>", shared_strings)
            out.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(f'<worksheet xmlns="{NS}"><dimension ref="{dimension}"/><sheetData>'.encode())
            out.write(inline_row(first_row_at, HEADER))
            out.write(inline_row(first_row_at + 1, GOOD_ROW))
            number = first_row_at + 2
            if wide_row:
                out.write(f'<row r="{number}">'.encode())
                _repeat(out, b"<c><v>1</v></c>", wide_row)
                out.write(b"</row>")
                number += 1
            for _ in range(number_rows):
                out.write(f'<row r="{number}">'.encode() + b"<c><v>1</v></c>" * row_cells + b"</row>")
                number += 1
            if formatted_cells:
                out.write(inline_row(number, GOOD_ROW)[:-6])  # without </row>
                _repeat(out, b'<c s="0"/>', formatted_cells)
                out.write(b"</row>")
            out.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def lenient_zip(settings):
    """Let tightly packed test files through the ZIP check, to reach the limit under test."""
    settings.IMPORT_MAX_ZIP_RATIO = 10**6


def read(data: bytes, filename: str = "crafted.xlsx"):
    return read_table(io.BytesIO(data), filename)


def test_a_plain_crafted_file_reads(lenient_zip):
    table = read(crafted_xlsx())
    assert table.headers == HEADER and table.rows == [(2, GOOD_ROW)]


def test_one_row_of_300_000_cells_is_refused_at_the_column_limit(lenient_zip):
    with pytest.raises(ImportFileError, match=r"more than 60 columns \(row 3\)"):
        read(crafted_xlsx(wide_row=300_000))


def test_61_filled_columns_are_refused_but_formatted_empty_cells_are_not(lenient_zip, settings):
    with pytest.raises(ImportFileError, match="more than 60 columns"):
        read(crafted_xlsx(wide_row=61))
    assert read(crafted_xlsx(wide_row=60)).rows[1][1][:2] == [1, 1]
    assert read(crafted_xlsx(formatted_cells=5_000)).rows == [(2, GOOD_ROW), (3, GOOD_ROW)]
    with pytest.raises(ImportFileError, match="more than 60 columns"):  # wider than any real sheet (XFD)
        read(crafted_xlsx(formatted_cells=20_000))


def test_300_000_shared_strings_are_refused_at_the_limit(lenient_zip):
    with pytest.raises(ImportFileError, match="more than 200000 different texts"):
        read(crafted_xlsx(shared_strings=300_000))


def test_shared_string_characters_are_limited(lenient_zip, settings):
    settings.IMPORT_MAX_SHARED_STRING_CHARS = 1_000
    with pytest.raises(ImportFileError, match="longer than 1000 characters in all"):
        read(crafted_xlsx(shared_strings=1_001))


def test_cells_and_rows_are_limited(lenient_zip, settings):
    settings.IMPORT_MAX_CELLS = 10_000
    with pytest.raises(ImportFileError, match="more than 10000 cells"):
        read(crafted_xlsx(number_rows=2_600, row_cells=4))
    settings.IMPORT_MAX_ROWS = 100
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        read(crafted_xlsx(number_rows=101))


def test_a_far_away_row_and_a_huge_dimension_are_not_padded_out(lenient_zip, settings):
    settings.IMPORT_MAX_ROWS = 100
    with pytest.raises(ImportFileError, match="more than 100 rows"):  # openpyxl pads the rows before it
        read(crafted_xlsx(first_row_at=1_000_000, dimension="A1:XFD1048576"))
    assert read(crafted_xlsx(dimension="A1:XFD1048576")).rows == [(2, GOOD_ROW)]


def test_a_tightly_packed_or_crowded_zip_is_refused_before_it_is_unpacked(settings):
    with pytest.raises(ImportFileError, match="packed suspiciously tightly"):
        read(crafted_xlsx(wide_row=300_000))
    with pytest.raises(ImportFileError, match="too large once unpacked"):
        read(crafted_xlsx(extra_entries=501))


def test_the_streaming_shared_strings_reader_gives_openpyxls_strings():
    xml = (
        f'<sst xmlns="{NS}"><si><t>梁平柚</t></si><si><t xml:space="preserve"> 两 端 </t></si>'
        '<si><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
        "<si><t>a_x005F_x000D_b</t></si><si><t/></si><si><t>&lt;&amp;&gt;</t></si></sst>"
    ).encode()
    limits = Limits.from_settings()
    assert _read_shared_strings(io.BytesIO(xml), limits) == read_string_table(io.BytesIO(xml))


def test_a_doctype_in_a_sheet_is_refused(lenient_zip):
    data = crafted_xlsx()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + content
            target.writestr(item, content)
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read(buffer.getvalue())


def test_a_real_workbook_still_reads():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(GOOD_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue()).rows == [(2, GOOD_ROW)]


# -- CSV ----------------------------------------------------------------------------------------


def test_a_csv_line_over_the_limit_is_refused(settings):
    settings.IMPORT_MAX_LINE_CHARS = 1_000
    data = ("credit_code,name\n" + "a" * 1_001 + ",b\n").encode()
    with pytest.raises(ImportFileError, match="Line 2 of the file is longer than 1000 characters"):
        read(data, "long.csv")


def test_a_csv_with_too_many_filled_columns_is_refused_trailing_empty_ones_are_not():
    with pytest.raises(ImportFileError, match=r"more than 60 columns \(row 2\)"):
        read(("a,b\n" + ",".join(["1"] * 61) + "\n").encode(), "wide.csv")
    assert read(("a,b\n1,2" + "," * 5_000 + "\n").encode(), "ok.csv").rows == [(2, ["1", "2"])]


def test_a_one_line_csv_of_commas_fails_fast():
    with pytest.raises(ImportFileError, match="longer than 100000 characters"):
        read(b"a,b\n" + b"," * 4_000_000, "commas.csv")


# -- through the command and the admin: a clear error, nothing imported -------------------------


def test_the_command_reports_the_limit_and_imports_nothing(tmp_path, lenient_zip):
    path = tmp_path / "crafted.xlsx"
    path.write_bytes(crafted_xlsx(wide_row=300_000))
    with pytest.raises(CommandError, match="more than 60 columns"):
        call_command("import_registry", "producers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Producer.objects.exists()


def test_the_admin_upload_reports_the_limit_and_imports_nothing(client, lenient_zip, settings, tmp_path, officer):
    settings.REGISTRY_IMPORT_STAGING_DIR = str(tmp_path / "staging")
    client.force_login(officer)
    upload = SimpleUploadedFile("crafted.xlsx", crafted_xlsx(shared_strings=300_000))
    response = client.post("/admin/registry-import/", {"kind": "producers", "file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and 'name="token"' not in html
    with translation.override("zh-hans"):  # the admin's language (LANGUAGE_CODE)
        refused = translation.gettext(
            "The workbook has more than %(max)d different texts; split it into smaller files."
        ) % {"max": 200_000}
    assert refused in html
    assert not Producer.objects.exists()


def test_the_upload_page_states_the_configured_row_limit(client, settings, officer):
    settings.IMPORT_MAX_ROWS = 1234
    client.force_login(officer)
    assert "1234" in client.get("/admin/registry-import/").content.decode()
