"""The XLSX side of the one spreadsheet writer: no formula survives, dates stay dates, codes stay text."""

import datetime
import io

from openpyxl import load_workbook

from core.spreadsheets import Sheet, xlsx_bytes


def test_xlsx_neutralises_formulas_and_keeps_dates_numbers_and_text_columns():
    rows = [
        ["code", "name", "when", "count"],
        ["915001550000000001", '=HYPERLINK("http://evil.example","x")', datetime.date(2026, 1, 1), -5],
    ]
    data = xlsx_bytes(
        [
            Sheet("数据", rows, text_columns=frozenset({0}), choices={1: ["甲", "@乙"]}),
            Sheet("填写说明", [["列", "说明"], ["code", "+cmd"]], wrap=True),
        ]
    )

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["数据"]
    assert workbook.sheetnames[:2] == ["数据", "填写说明"]
    assert sheet["B2"].value.startswith("'=HYPERLINK")
    assert sheet["C2"].value == datetime.datetime(2026, 1, 1) and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == -5
    assert sheet["A2"].value == "915001550000000001" and sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"  # rows typed later stay text too
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert workbook["填写说明"]["B2"].value == "'+cmd"
    hidden = workbook["lists"]
    assert hidden.sheet_state == "hidden" and [c.value for c in hidden["A"]] == ["甲", "'@乙"]
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref).startswith("B2:") and validation.formula1 == "'lists'!$A$1:$A$2"
