"""Import templates (example row, allowed values, 填写说明), the preview's understood values and
errors by row and cell, authorisations imported without a number; in the Chinese admin, as each group."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory, make_credit_code
from gi_registry.models import Authorisation, Producer
from gi_registry.services.importer import EXAMPLE_CREDIT_CODE, read_table, run_import

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/registry-import/"
YEAR = timezone.localdate().year
CODE_A, CODE_B = make_credit_code(911), make_credit_code(912, "91")


def template_url(kind, fmt=""):
    return reverse("registry_import:template", args=[kind]) + (f"?format={fmt}" if fmt else "")


def csv_bytes(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def upload(client, data, filename="data.csv", kind="producers"):
    return client.post(UPLOAD_URL, {"kind": kind, "file": SimpleUploadedFile(filename, data)})


def token_of(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- templates -----------------------------------------------------------------------------------


def test_xlsx_template_has_an_example_row_and_an_instructions_sheet(client, officer):
    GeographicalIndicationFactory(name="梁平柚")
    client.force_login(officer)

    response = client.get(template_url("producers"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    data, guide = workbook.worksheets[0], workbook["填写说明"]
    header = [c.value for c in data[1]]
    example = dict(zip(header, [c.value for c in data[2]], strict=True))
    assert header[:4] == ["统一社会信用代码*", "名称*", "类型*", "乡镇*"]
    assert example["统一社会信用代码*"] == EXAMPLE_CREDIT_CODE and example["名称*"].startswith("示例")
    assert example["类型*"] == "专业合作社"
    assert data["A2"].number_format == "@"  # credit codes stay text in Excel
    kind_column = header.index("类型*")
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert any(ref.startswith(f"{'ABCDEFGHIJKLMNOP'[kind_column]}2") for ref in lists)  # a drop-down for 类型
    rows = {row[0].value: [c.value for c in row] for row in guide.iter_rows(min_row=2) if row[0].value}
    assert rows["类型"][2] == "必填" and "专业合作社" in rows["类型"][3] and "家庭农场" in rows["类型"][3]
    assert "校验码" in rows["统一社会信用代码"][3]
    assert "礼让镇" in rows["乡镇"][3]  # a reference column names what it must match
    assert rows["网站"][2] == "选填"
    assert "示例" in rows["说明"][1]


def test_csv_template_is_utf8_with_bom_and_an_example_row(client, officer):
    client.force_login(officer)

    response = client.get(template_url("authorisations", "csv"))

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["授权编号", "生产主体统一社会信用代码*", "地理标志*"]  # the number may stay empty
    assert rows[1][0] == f"LPGI-{YEAR}-00000" and rows[1][1] == EXAMPLE_CREDIT_CODE
    assert rows[1][4] == f"{YEAR}-01-01"


@pytest.mark.parametrize("account", ["brand_editor", "producer_user"])
def test_other_groups_get_no_template(client, account, request):
    client.force_login(request.getfixturevalue(account))
    for fmt in ("", "csv"):
        response = client.get(template_url("producers", fmt))
        assert response.status_code in (302, 403)
        assert "统一社会信用代码" not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("kind", ["producers", "authorisations", "standards"])
def test_a_template_left_as_it_is_imports_nothing_and_says_why(client, officer, kind):
    client.force_login(officer)
    template = client.get(template_url(kind)).content

    report = run_import(kind, read_table(io.BytesIO(template), "t.xlsx"), commit=True)

    assert not report.ok and "只有模板的示例行" in report.file_errors[0]
    assert not Producer.objects.exists() and not Authorisation.objects.exists()


def test_a_filled_xlsx_template_imports_its_rows_and_skips_the_example(client, officer):
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(client.get(template_url("producers")).content))
    sheet = workbook.worksheets[0]
    sheet.append([CODE_A, "梁平区礼让柚子专业合作社", "合作社", "礼让", "", "", "", "柚子、稻子", "", "", "是"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    html = upload(client, buffer.getvalue(), "生产主体.xlsx").content.decode()

    assert "第 2 行是模板的示例行" in html and "示例行（跳过）" in html
    client.post(reverse("registry_import:confirm"), {"token": token_of(html)})
    producer = Producer.objects.get()
    assert producer.credit_code == CODE_A and producer.kind == "cooperative" and producer.township.name == "礼让镇"
    assert producer.contact_public is True and producer.status == "active"


# -- the preview ---------------------------------------------------------------------------------


def test_preview_shows_every_cell_as_understood(client, officer):
    client.force_login(officer)
    data = csv_bytes(
        [
            ["统一社会信用代码", "名称", "类型", "乡镇", "纬度", "经度", "产品类别", "公开联系方式", "网站", "状态"],
            [
                CODE_A.lower(),
                "梁平区礼让柚子专业合作社",
                "合作社",
                "礼让",
                "30.67",
                "107.8",
                "柚子；稻子",
                "是",
                "",
                "",
            ],
        ]
    )

    html = upload(client, data).content.decode()
    row = text_of(re.search(r'<tr data-row="2".*?</tr>', html, re.S).group(0))

    assert CODE_A in row  # the key as it will be stored
    assert "合作社 专业合作社" in row  # what the file says, then what the import understood
    assert "礼让 礼让镇" in row
    assert "30.67" in row and "107.8" in row
    assert "柚子、稻子" in row or "稻子、柚子" in row
    assert "是 是" not in row and " 是 " in row
    assert "（空）" in row  # the empty website clears an optional field
    assert "（空：默认 有效）" in row  # the empty status of a new producer takes the default
    assert not Producer.objects.exists()


def test_one_bad_row_writes_nothing_and_the_report_names_the_row_and_the_cell(client, officer):
    client.force_login(officer)
    data = csv_bytes(
        [
            ["统一社会信用代码", "名称", "类型", "乡镇", "状态"],
            [CODE_A, "甲合作社", "合作社", "礼让镇", "正常"],
            [CODE_B, "乙公司", "公司", "不存在镇", "正常"],
            [make_credit_code(913), "丙农场", "农场", "礼让镇", "正常"],
        ]
    )

    response = upload(client, data)
    html = response.content.decode()

    assert 'name="token"' not in html  # nothing to confirm
    assert 'data-error-row="3" data-error-cell="D3"' in html
    errors = text_of(re.search(r"<table[^>]*data-import-errors.*?</table>", html, re.S).group(0))
    assert "第 3 行" in errors and "乡镇 D3" in errors and "不存在镇" in errors
    assert not Producer.objects.exists()
    cell = re.search(r'<tr data-row="3".*?</tr>', html, re.S).group(0)
    assert 'class="import-cell--error" data-field="township"' in cell


# -- authorisations without a number -------------------------------------------------------------


def authorisations_csv(producer, numbers=("",)):
    rows = [["授权编号", "统一社会信用代码", "地理标志", "有效期起", "有效期至", "状态"]]
    for index, number in enumerate(numbers):
        rows.append([number, producer.credit_code, "梁平柚", f"{YEAR}/1/{index + 1}", f"{YEAR + 1}年12月31日", "有效"])
    return csv_bytes(rows)


def test_authorisations_without_a_number_get_the_next_ones_and_reimport_changes_nothing(client, officer):
    GeographicalIndicationFactory(name="梁平柚")
    producer = ProducerFactory()
    client.force_login(officer)
    data = authorisations_csv(producer, ["", "", f"LPGI-{YEAR}-00050"])

    html = upload(client, data, kind="authorisations").content.decode()

    text = text_of(html)
    assert f"将分配 LPGI-{YEAR}-00001" in text and f"将分配 LPGI-{YEAR}-00002" in text
    assert f"{YEAR}/1/1 {YEAR}-01-01" in text  # the date as written, then as read
    assert not Authorisation.objects.exists()
    client.post(reverse("registry_import:confirm"), {"token": token_of(html)})
    numbers = sorted(Authorisation.objects.values_list("number", flat=True))
    assert numbers == [f"LPGI-{YEAR}-00001", f"LPGI-{YEAR}-00002", f"LPGI-{YEAR}-00050"]

    again = text_of(upload(client, data, kind="authorisations").content.decode())
    assert f"同一主体、地理标志和起始日期：LPGI-{YEAR}-00001" in again
    assert Authorisation.objects.count() == 3


def test_an_authorisation_number_against_the_rule_is_named_in_the_report(client, officer):
    GeographicalIndicationFactory(name="梁平柚")
    producer = ProducerFactory()
    client.force_login(officer)

    html = upload(client, authorisations_csv(producer, ["LPGI-26-7"]), kind="authorisations").content.decode()

    assert 'data-error-cell="A2"' in html and "不是授权编号" in html
    assert not Authorisation.objects.exists()


# -- adding a producer ---------------------------------------------------------------------------


def producer_form(code):
    from gi_registry.models import Township

    return {
        "name": "梁平区测试家庭农场",
        "credit_code": code,
        "kind": "family_farm",
        "township": Township.objects.first().pk,
        "address": "",
        "status": "active",
        "profile_photos-TOTAL_FORMS": "0",
        "profile_photos-INITIAL_FORMS": "0",
        "action-publish": "action-publish",
    }


def test_officer_adding_a_producer_with_a_wrong_credit_code_gets_a_chinese_error_and_nothing_is_written(
    client, officer
):
    client.force_login(officer)
    add = reverse("wagtailsnippets_gi_registry_producer:add")
    wrong = CODE_A[:17] + ("1" if CODE_A[17] != "1" else "2")

    for code, message in [
        (wrong, "校验码有误"),
        ("91500155MA00", "应为18位，当前为12位"),
        ("91500155MA0000I00O", "只能由数字和字母"),
    ]:
        response = client.post(add, producer_form(code))
        page = response.content.decode()
        assert response.status_code == 200, code
        field = re.search(
            r'<div class="w-field__wrapper[^>]*data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?id="id_credit_code"',
            page,
            re.S,
        )
        assert field is not None and message in field.group(0), (code, text_of(page)[:300])
        assert 'value="' + code + '"' in page  # what was typed is kept
    assert not Producer.objects.exists()

    response = client.post(add, producer_form(CODE_A.lower()))
    assert response.status_code == 302
    assert Producer.objects.get().credit_code == CODE_A
