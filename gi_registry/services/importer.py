"""Spreadsheet import (CSV and XLSX) of producers, authorisations and standards.

The rules an officer can rely on:

- **Preview first, then all-or-nothing.** Every row is checked and written inside one database
  transaction. If any row has an error, or when only previewing (``commit=False``), the whole
  transaction is rolled back: nothing is written. The report lists every row, not just the first
  bad one.
- **Re-importing the same file changes nothing.** A row whose values equal the record's is
  "unchanged" and writes nothing: no save, no revision, no audit-log entry.
- **New and changed records go live at once**, with a revision and audit-log entries, as if a
  registry officer had pressed "Publish" in the admin (Wagtail's ``CreateAction``/``EditAction``
  with ``publish=True``). A record that is in moderation or has unpublished draft changes is not
  overwritten: its row is an error, so no one's pending work is lost.
- **Records are keyed** by credit code (producers), authorisation number (authorisations) and
  standard code (standards); a key that appears twice in one file is an error.
- **Only the columns present are touched.** An empty cell clears an optional field; it never
  clears a required one (it keeps the current value, takes the model default, or — for a new
  record without a default — is an error).
- **Forgiving but unambiguous input:** headers as field names, English labels or Chinese labels;
  choices as the stored value or label text (``合作社``, ``地方标准``, ``DB50/T``); dates as
  ``2024-05-01``, ``2024/5/1``, ``2024.05.01``, ``2024年5月1日`` or Excel date cells; booleans as
  是/否, true/false, 1/0; several values separated by ``;`` ``；`` ``、`` or ``,``. A value that could
  mean two things is an error, never a guess.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction

from ..models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from ..models.standards import standard_slug
from ..validators import normalise_credit_code, normalise_standard_code

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: An XLSX is a ZIP; refuse one that would inflate beyond this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 100

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}

ProgressCallback = Callable[[int, int], None]


class ImportFileError(ValueError):
    """The upload cannot be read as a table: wrong type, too large, not text, too many rows."""


# ---------------------------------------------------------------------------------------------
# What can be imported
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportKind:
    """One importable record type: its model, key field and columns (field → Chinese aliases).

    The first alias of each column is the header of the downloadable template.
    """

    name: str
    model: type[models.Model]
    key: str
    columns: Mapping[str, tuple[str, ...]]
    label: Any

    def field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def field_label(self, name: str) -> str:
        return capfirst(str(self.field(name).verbose_name))

    def template_headers(self) -> list[str]:
        return [aliases[0] for aliases in self.columns.values()]

    @property
    def add_permission(self) -> str:
        return f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"

    @property
    def change_permission(self) -> str:
        return f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"


DEMO = ("演示数据",)

KINDS: dict[str, ImportKind] = {
    "producers": ImportKind(
        name="producers",
        model=Producer,
        key="credit_code",
        label=gettext_lazy("Producers"),
        columns={
            "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
            "name": ("名称", "主体名称", "企业名称", "单位名称"),
            "kind": ("类型", "主体类型"),
            "township": ("乡镇", "乡镇(街道)", "乡镇街道", "所在乡镇", "镇街"),
            "address": ("地址", "详细地址"),
            "latitude": ("纬度",),
            "longitude": ("经度",),
            "product_families": ("产品类别", "产业", "主营产品"),
            "contact_person": ("联系人",),
            "contact_phone": ("联系电话", "电话"),
            "contact_public": ("公开联系方式",),
            "website": ("网站", "网址"),
            "description": ("简介", "描述"),
            "status": ("状态",),
            "is_demo": DEMO,
        },
    ),
    "authorisations": ImportKind(
        name="authorisations",
        model=Authorisation,
        key="number",
        label=gettext_lazy("Authorisations"),
        columns={
            "number": ("授权编号", "编号"),
            "producer": ("生产主体统一社会信用代码", "统一社会信用代码", "信用代码", "生产主体", "被授权人"),
            "geographical_indication": ("地理标志", "地理标志名称", "地理标志产品"),
            "scope": ("授权范围", "使用范围"),
            "valid_from": ("有效期起", "生效日期", "起始日期", "开始日期"),
            "valid_until": ("有效期至", "截止日期", "到期日期", "结束日期"),
            "status": ("状态",),
            "yearly_quota": ("年度标签配额", "年度配额", "标签配额"),
            "is_demo": DEMO,
        },
    ),
    "standards": ImportKind(
        name="standards",
        model=Standard,
        key="code",
        label=gettext_lazy("Standards"),
        columns={
            "code": ("标准号", "标准编号", "编号"),
            "title": ("标准名称", "名称"),
            "title_en": ("英文名称",),
            "level": ("级别", "标准级别", "标准类别"),
            "status": ("状态",),
            "issuing_body": ("发布单位", "发布机构", "发布部门"),
            "issued_on": ("发布日期",),
            "implemented_on": ("实施日期",),
            "replaced_by": ("被替代为", "被代替为", "替代为"),
            "geographical_indications": ("地理标志",),
            "product_families": ("产品类别",),
            "scope": ("适用范围", "范围"),
            "is_demo": DEMO,
        },
    ),
}

#: Chinese (and short) spellings of choice values, beside the stored values and their labels.
CHOICE_ALIASES: dict[tuple[type[models.Model], str], dict[str, tuple[str, ...]]] = {
    (Producer, "kind"): {
        "enterprise": ("企业", "公司"),
        "cooperative": ("合作社", "专业合作社", "农民专业合作社"),
        "family_farm": ("家庭农场", "农场"),
        "individual": ("个体", "个体户", "个体工商户"),
    },
    (Producer, "status"): {
        "active": ("正常", "有效", "在营", "存续"),
        "suspended": ("暂停", "停业"),
        "closed": ("注销", "已注销", "关闭"),
    },
    (Authorisation, "status"): {
        "active": ("有效", "正常", "生效"),
        "suspended": ("暂停", "中止"),
        "revoked": ("撤销", "已撤销", "吊销"),
        "expired": ("过期", "已过期", "到期", "失效"),
    },
    (Standard, "level"): {
        "national": ("国家标准", "国标", "GB", "GB/T", "GB/Z"),
        "industry": ("行业标准", "行标"),
        "local": ("地方标准", "地标", "DB", "DB50", "DB50/T"),
        "group": ("团体标准", "团标", "T"),
        "enterprise": ("企业标准", "企标", "Q"),
    },
    (Standard, "status"): {
        "current": ("现行", "现行有效", "有效"),
        "superseded": ("被代替", "被替代", "已替代", "已被代替"),
        "withdrawn": ("废止", "已废止", "作废"),
    },
}

TRUE_WORDS = {"是", "1", "true", "yes", "y", "t", "对", "√", "✓"}
FALSE_WORDS = {"否", "0", "false", "no", "n", "f", "不", "×", "✗"}
MULTI_VALUE_SEPARATORS = re.compile(r"[;；、,，]")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def norm(text: object) -> str:
    """Case- and width-insensitive form for matching: NFKC (full-width → half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """Headers and the non-empty data rows of a sheet, each with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1

    @classmethod
    def from_dicts(cls, rows: Sequence[Mapping[str, Any]]) -> Table:
        headers = list(dict.fromkeys(key for row in rows for key in row))
        return cls(headers, [(number, [row.get(h) for h in headers]) for number, row in enumerate(rows, start=2)])


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "ZIP/XLSX",
    b"\xd0\xcf\x11\xe0": "Excel 97-2003 (.xls)",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"MZ": "Windows program",
    b"\x7fELF": "program",
}


def read_table(
    fileobj: IO[bytes], filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int = MAX_ROWS
) -> Table:
    """Read the first sheet of an uploaded ``.csv`` or ``.xlsx`` file; the first non-empty row holds the headers.

    The type is decided by the extension *and* checked against the content: an ``.xlsx`` must be
    a ZIP holding an Excel workbook, a ``.csv`` must be text (UTF-8, with or without BOM, else
    GB18030 as Chinese Excel writes it, or UTF-16 with a BOM). Files over ``max_bytes`` or with
    more than ``max_rows`` data rows are refused. Raises :class:`ImportFileError`.
    """
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xlsx":
        return _read_xlsx(data, max_rows)
    if extension == ".csv":
        return _table_from_rows(_csv_rows(data), max_rows)
    if extension in (".xls", ".et", ".ods", ".numbers"):
        raise ImportFileError(_("This spreadsheet format cannot be read; save it as .xlsx (Excel workbook) or .csv."))
    raise ImportFileError(_("Only .csv and .xlsx files can be imported."))


def _table_from_rows(rows: Iterable[Sequence[Any]], max_rows: int) -> Table:
    """Skip empty rows (keeping spreadsheet row numbers), stop at ``max_rows`` data rows."""
    too_many = ImportFileError(
        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows}
    )
    headers: list[str] | None = None
    header_row = 1
    body: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(rows, start=1):
        if number > 2 * max_rows + 1000:  # blank (but formatted) rows go on and on
            raise too_many
        cells = [_clean_cell(value) for value in list(raw)[:MAX_COLUMNS]]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        if headers is None:
            headers, header_row = [cell_text(c) for c in cells], number
            continue
        body.append((number, cells))
        if len(body) > max_rows:
            raise too_many
    if headers is None:
        raise ImportFileError(_("The file has no header row."))
    return Table(headers, body, header_row)


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lstrip("\ufeff")
        return value or None
    return value


def _csv_rows(data: bytes) -> list[list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(data, ("utf-16",))
    else:
        for signature, what in _BINARY_SIGNATURES.items():
            if data.startswith(signature):
                raise ImportFileError(
                    _("The file's name ends in .csv but its content is a %(what)s file, not CSV text.") % {"what": what}
                )
        if b"\x00" in data:
            raise ImportFileError(_("The file's content is binary, not CSV text."))
        text = _decode(data, ("utf-8-sig", "gb18030"))
    if re.search(r"[\x01-\x08\x0b\x0e-\x1f]", text):
        raise ImportFileError(_("The file's content is binary, not CSV text."))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _decode(data: bytes, encodings: Sequence[str]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”."))


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    not_a_workbook = _("The file's name ends in .xlsx but its content is not an Excel workbook.")
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                _("This is an old-style (.xls) or password-protected workbook; save it as a plain .xlsx workbook.")
            )
        raise ImportFileError(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise ImportFileError(not_a_workbook)
            if sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, BadZipFile, …)
        raise ImportFileError(not_a_workbook) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        return _table_from_rows(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid ZIP
        raise ImportFileError(not_a_workbook) from exc
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    """What the import did (or would do) with one spreadsheet row."""

    row: int
    key: str
    action: str
    messages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def is_error(self) -> bool:
        return self.action == ERROR


@dataclass
class ImportReport:
    """Every row's outcome, file-level problems, and whether the changes were written."""

    kind: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.is_error]

    def summary(self) -> str:
        """One line: counts by action and the number of rows."""
        return _(
            "%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(errors)d with errors (%(rows)d rows)"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "rows": len(self.rows),
        }

    def error_lines(self) -> list[str]:
        """The row-by-row error report, one line per message."""
        lines = list(self.file_errors)
        for result in self.error_rows:
            for message in result.messages:
                lines.append(
                    _("Row %(row)d (%(key)s): %(message)s")
                    % {"row": result.row, "key": result.key or "—", "message": message}
                )
        return lines


# ---------------------------------------------------------------------------------------------
# Headers and cell values
# ---------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value cannot be understood; the message says why."""


_EMPTY = object()  # the cell is empty: decided per field and per new/existing record


def map_headers(kind: ImportKind, headers: Sequence[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """Column index → field name, plus file-level errors and notes (ignored columns).

    A header matches a field by its name, its verbose name (English or Chinese) or one of its
    Chinese aliases, ignoring case, width and spaces; a trailing note in brackets
    (``有效期起（YYYY-MM-DD）``) and a ``*`` marking required columns are ignored.
    """
    lookup = _header_lookup(kind.name)
    mapping: dict[int, str] = {}
    errors: list[str] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = norm(header).strip("*")
        name = lookup.get(key) or lookup.get(re.sub(r"\(.*\)$", "", key).strip("*"))
        if name is None:
            ignored.append(header)
            continue
        if name in seen:
            errors.append(
                _("The columns “%(a)s” and “%(b)s” are both %(field)s; keep one.")
                % {"a": seen[name], "b": header, "field": kind.field_label(name)}
            )
            continue
        seen[name] = header
        mapping[index] = name
    if kind.key not in seen:
        errors.append(
            _("The file has no “%(header)s” column (%(field)s), which identifies each record.")
            % {"header": kind.columns[kind.key][0], "field": kind.field_label(kind.key)}
        )
    notes = []
    if ignored:
        notes.append(_("Columns ignored (not recognised): %(columns)s") % {"columns": "、".join(ignored)})
    return mapping, errors, notes


@cache
def _header_lookup(kind_name: str) -> dict[str, str]:
    kind = KINDS[kind_name]
    lookup: dict[str, str] = {}
    for name, aliases in kind.columns.items():
        spellings = {name, *aliases}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                spellings.add(str(kind.field(name).verbose_name))
        for spelling in spellings:
            lookup.setdefault(norm(spelling), name)
    return lookup


@cache
def choice_lookup(model: type[models.Model], field_name: str) -> dict[str, str]:
    """Every accepted spelling (normalised) of a choice → its stored value; ambiguous spellings are dropped.

    Accepted: the stored value, the label in English and Chinese, the label's part before its
    bracket ("Cooperative") and inside it ("专业合作社"), and the aliases in ``CHOICE_ALIASES``.
    """
    candidates: dict[str, set[str]] = {}

    def add(spelling: str, value: str) -> None:
        if spelling and spelling.strip():
            candidates.setdefault(norm(spelling), set()).add(value)

    model_field = model._meta.get_field(field_name)
    for value, label in model_field.flatchoices:
        add(value, value)
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            add(text, value)
            match = re.match(r"^(.*?)\s*[(（](.*)[)）]\s*$", text)
            if match:
                add(match.group(1), value)
                add(match.group(2), value)
        for alias in CHOICE_ALIASES.get((model, field_name), {}).get(value, ()):
            add(alias, value)
    return {spelling: next(iter(values)) for spelling, values in candidates.items() if len(values) == 1}


def level_from_code(code: str) -> str | None:
    """The level a standard code's prefix implies: GB → national, DB → local, T/ → group, Q/ → enterprise, XX → industry."""
    code = normalise_standard_code(code)
    if re.match(r"^GB(/[TZ])?(\s|\d|$)", code):
        return Standard.Level.NATIONAL
    if re.match(r"^DB\d{0,2}(/T)?(\s|\d|$)", code):
        return Standard.Level.LOCAL
    if code.startswith("T/"):
        return Standard.Level.GROUP
    if code.startswith("Q/"):
        return Standard.Level.ENTERPRISE
    if re.match(r"^[A-Z]{2}(/[TZ])?(\s|\d|$)", code):
        return Standard.Level.INDUSTRY
    return None


def cell_text(value: Any) -> str:
    """A cell as text: whole-number floats from Excel lose their ``.0``; dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()  # an Excel date serial in a cell without date format
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2024-05-01.") % {"value": text})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = norm(cell_text(value))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not yes or no; write 是 or 否.") % {"value": cell_text(value)})


def parse_int(value: Any) -> int:
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
    return int(text)


def parse_decimal(value: Any, places: int) -> Decimal:
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(value)}) from exc
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(value)})
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_choice(model: type[models.Model], field_name: str, value: Any) -> str:
    text = cell_text(value)
    found = choice_lookup(model, field_name).get(norm(text))
    if found is None and model is Standard and field_name == "level":
        found = level_from_code(text)
    if found is None:
        labels = [str(label) for _value, label in model._meta.get_field(field_name).flatchoices]
        raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": "; ".join(labels)})
    return found


def split_values(value: Any) -> list[str]:
    return [part.strip() for part in MULTI_VALUE_SEPARATORS.split(cell_text(value)) if part.strip()]


class References:
    """Finds the records a cell names: townships, product families, GIs, producers and standards.

    Reference lists are small and read once; producers and standards are looked up per value and
    remembered. Each finder raises :class:`CellError` when nothing, or more than one record, matches.
    """

    def __init__(self) -> None:
        self._townships = list(Township.objects.all())
        self._families = list(ProductFamily.objects.all())
        self._gis = list(GeographicalIndication.objects.all())
        self._producers: dict[str, Producer | None] = {}

    @staticmethod
    def _one(matches: list, text: str, what: str) -> Any:
        unique = list(dict.fromkeys(matches))
        if len(unique) == 1:
            return unique[0]
        if unique:
            raise CellError(
                _("“%(value)s” matches more than one %(what)s: %(matches)s.")
                % {"value": text, "what": what, "matches": "、".join(str(m) for m in unique[:5])}
            )
        return None

    def township(self, value: Any) -> Township:
        text = cell_text(value)
        key = norm(text)
        what = str(Township._meta.verbose_name)
        found = self._one([t for t in self._townships if key in (norm(t.name), norm(t.name_en))], text, what)
        if found is None and len(key) >= 2:  # "礼让" for "礼让镇"
            found = self._one([t for t in self._townships if norm(t.name).startswith(key)], text, what)
        if found is None:
            raise CellError(_("There is no township “%(value)s” in Liangping.") % {"value": text})
        return found

    def family(self, text: str) -> ProductFamily:
        key = norm(text)
        found = self._one(
            [f for f in self._families if key in (norm(f.slug), norm(f.name), norm(f.name_en))],
            text,
            str(ProductFamily._meta.verbose_name),
        )
        if found is None:
            raise CellError(
                _("There is no product family “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": "、".join(f.name for f in self._families)}
            )
        return found

    def gi(self, text: str) -> GeographicalIndication:
        key = norm(text)
        what = str(GeographicalIndication._meta.verbose_name)
        found = self._one(
            [g for g in self._gis if g.registration_number and norm(g.registration_number) == key], text, what
        )
        found = found or self._one([g for g in self._gis if key in (norm(g.name), norm(g.slug))], text, what)
        if found is None:
            raise CellError(
                _("There is no geographical indication with the name or registration number “%(value)s”.")
                % {"value": text}
            )
        return found

    def producer(self, value: Any) -> Producer:
        text = cell_text(value)
        code = normalise_credit_code(text)
        if code not in self._producers:
            found = Producer.objects.filter(credit_code=code).first()
            if found is None:  # a name (e.g. from the admin's own export) when it is unique
                found = self._one(list(Producer.objects.filter(name=text)[:5]), text, str(Producer._meta.verbose_name))
            self._producers[code] = found
        if self._producers[code] is None:
            raise CellError(
                _("There is no producer with the credit code “%(value)s”; import the producers first.")
                % {"value": text}
            )
        return self._producers[code]

    @staticmethod
    def standard(value: Any) -> Standard:
        text = cell_text(value)
        code = normalise_standard_code(text)
        found = Standard.objects.filter(code=code).first()
        if found is None:  # "DB50/T 1000-2020 梁平柚栽培技术规程", as the admin's export writes it
            head = re.match(r"^(\S+\s\S+)", code)
            found = head and Standard.objects.filter(code=head.group(1)).first()
        if not found:
            raise CellError(_("There is no standard with the code “%(value)s”.") % {"value": text})
        return found


# ---------------------------------------------------------------------------------------------
# Rows → records
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    key: str
    cells: dict[str, Any]  # field name → raw cell value (None when empty)
    replaced_by: str = ""  # standards only: the normalised code it names


def normalise_key(kind: ImportKind, value: Any) -> str:
    text = cell_text(value)
    if kind.key == "credit_code":
        return normalise_credit_code(text)
    if kind.key == "code":
        return normalise_standard_code(text)
    return unicodedata.normalize("NFKC", text).strip()


class _Importer:
    """Turns parsed rows into records for one :class:`ImportKind`, collecting per-row results."""

    def __init__(self, kind: ImportKind, user: Any, *, commit: bool) -> None:
        self.kind = kind
        self.user = user
        self.commit = commit
        self.refs = References()
        #: key → pk of the records this import has written, and the rows that failed (standards).
        self.written: dict[str, int] = {}
        self.failed: dict[str, int] = {}

    # -- values ---------------------------------------------------------------------------------

    def parse(self, row: _Row) -> tuple[dict[str, Any], dict[str, str]]:
        """Field name → Python value (or ``_EMPTY``), and field name → error message."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, raw in row.cells.items():
            if name == self.kind.key:
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                values[name] = [] if self.kind.field(name).many_to_many else _EMPTY
                continue
            try:
                values[name] = self.parse_value(name, raw)
            except CellError as exc:
                errors[name] = str(exc)
        return values, errors

    def parse_value(self, name: str, raw: Any) -> Any:
        model_field = self.kind.field(name)
        if model_field.many_to_many:
            finder = self.refs.family if model_field.related_model is ProductFamily else self.refs.gi
            return [finder(part) for part in split_values(raw)]
        if model_field.is_relation:
            if model_field.related_model is Township:
                return self.refs.township(raw)
            if model_field.related_model is Producer:
                return self.refs.producer(raw)
            if model_field.related_model is GeographicalIndication:
                return self.refs.gi(cell_text(raw))
            if model_field.related_model is Standard:
                return self.standard_reference(raw)
        if model_field.choices:
            return parse_choice(self.kind.model, name, raw)
        if isinstance(model_field, models.DateField):
            return parse_date(raw)
        if isinstance(model_field, models.BooleanField):
            return parse_bool(raw)
        if isinstance(model_field, models.IntegerField):
            return parse_int(raw)
        if isinstance(model_field, models.DecimalField):
            return parse_decimal(raw, model_field.decimal_places)
        return cell_text(raw)

    def standard_reference(self, raw: Any) -> Standard:
        code = normalise_standard_code(cell_text(raw))
        if code in self.failed:
            raise CellError(
                _("“%(code)s” (row %(row)d of this file) could not be imported.")
                % {"code": code, "row": self.failed[code]}
            )
        if code in self.written:
            return Standard.objects.get(pk=self.written[code])
        return self.refs.standard(raw)

    def infer(self, obj: models.Model, values: dict[str, Any], key: str) -> None:
        """Fill what the row implies: a standard's level from its code; a replaced standard is superseded."""
        if self.kind.model is not Standard:
            return
        if values.get("level", _EMPTY) is _EMPTY and not obj.pk:
            level = level_from_code(key)
            if level:
                values["level"] = level
        replaced = values.get("replaced_by", _EMPTY)
        status_given = values.get("status", _EMPTY) is not _EMPTY
        if replaced not in (_EMPTY, None) and not status_given and obj.status == Standard.Status.CURRENT:
            values["status"] = Standard.Status.SUPERSEDED

    def resolve_empty(self, obj: models.Model, values: dict[str, Any], errors: dict[str, str]) -> None:
        """An empty cell clears an optional field; for a required one it keeps the value or the default."""
        required = [
            f.name
            for f in self.kind.model._meta.get_fields()
            if f.name in self.kind.columns
            and f.name != self.kind.key
            and getattr(f, "concrete", False)
            and not f.many_to_many
            and not f.blank
            and not f.has_default()
        ]
        for name in list(values):
            if values[name] is not _EMPTY:
                continue
            model_field = self.kind.field(name)
            if model_field.blank and not model_field.has_default():
                values[name] = None if model_field.null else ""
            else:
                del values[name]  # keep the current value (or the model default for a new record)
        if not obj.pk:
            for name in required:
                if name not in values and name not in errors:
                    errors[name] = _("This field is required.")

    # -- changes -------------------------------------------------------------------------------

    def apply(self, obj: models.Model, values: dict[str, Any]) -> list[str]:
        """Set the values that differ from the record's; return the names of the fields changed."""
        changed = []
        for name, value in values.items():
            model_field = self.kind.field(name)
            if model_field.many_to_many:
                manager = getattr(obj, name)
                current = set(manager.values_list("pk", flat=True)) if obj.pk else set()
                if current != {v.pk for v in value}:
                    manager.set(value)
                    changed.append(name)
            elif model_field.is_relation:
                if getattr(obj, model_field.attname) != (value.pk if value is not None else None):
                    setattr(obj, name, value)
                    changed.append(name)
            elif getattr(obj, name) != value:
                setattr(obj, name, value)
                changed.append(name)
        return changed

    def error_messages(self, errors: Mapping[str, Iterable[str] | str]) -> list[str]:
        messages = []
        for name, field_messages in errors.items():
            for message in [field_messages] if isinstance(field_messages, str) else field_messages:
                if name in ("__all__", None):
                    messages.append(str(message))
                else:
                    label = self.kind.field_label(name) if name in self._field_names else name
                    messages.append(f"{label}: {message}")
        return messages

    @property
    def _field_names(self) -> set[str]:
        return {f.name for f in self.kind.model._meta.get_fields()}

    # -- one row -------------------------------------------------------------------------------

    def process(self, row: _Row, existing: models.Model | None) -> RowResult:
        result = RowResult(row=row.number, key=row.key, action=ERROR)
        obj = existing if existing is not None else self.kind.model(**{self.kind.key: row.key})
        values, errors = self.parse(row)
        self.infer(obj, values, row.key)
        self.resolve_empty(obj, values, errors)
        changed = self.apply(obj, values)  # in memory only; saved below if the row is good
        if obj.pk and not changed and not errors:
            result.action = UNCHANGED
            return result
        if obj.pk and not errors and (blocked := self.blocked(obj)):
            result.messages = [blocked]
            return result
        if isinstance(obj, Standard):
            obj.slug = standard_slug(obj.code)
        try:
            obj.full_clean(exclude=list(errors))
        except ValidationError as exc:
            model_errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, messages in model_errors.items():
                if name not in errors:  # a cell that could not be read already has its message
                    errors[name] = messages
        if errors:
            result.messages = self.error_messages(errors)
            return result
        try:
            self.save(obj, new=existing is None)
        except PermissionDenied as exc:
            result.messages = [_("You may not change this record: %(reason)s") % {"reason": exc}]
            return result
        except DatabaseError as exc:
            result.messages = [_("The database refused the record: %(error)s") % {"error": exc}]
            return result
        result.action = UPDATE if existing is not None else CREATE
        result.changes = [self.kind.field_label(name) for name in changed] if existing is not None else []
        self.written[row.key] = obj.pk
        return result

    def blocked(self, obj: models.Model) -> str | None:
        """Refuse to publish over someone's pending work: a lock, moderation in progress, an unpublished draft."""
        if getattr(obj, "locked", False) and obj.locked_by_id != getattr(self.user, "pk", None):
            return _("This record is locked by %(user)s; unlock it before importing changes to it.") % {
                "user": obj.locked_by or "—"
            }
        if getattr(obj, "workflow_in_progress", False):
            return _("This record is in moderation; approve or cancel the moderation before importing changes to it.")
        if getattr(obj, "has_unpublished_changes", False):
            return _(
                "This record has unpublished draft changes; publish or discard them before importing changes to it."
            )
        return None

    def save(self, obj: models.Model, *, new: bool) -> None:
        """Create or edit, make a revision and publish it, each with its audit-log entry (in a savepoint).

        A preview is rolled back at the end, so it takes a shorter path to the same database
        state: the same permission and lock checks, then one plain save (later rows, e.g. a
        standard replaced by one on an earlier row, see it) without revisions or log entries.
        """
        action = (CreateAction if new else EditAction)(obj, user=self.user, publish=True, clean=False)
        with transaction.atomic():
            if self.commit:
                action.execute(skip_permission_checks=self.user is None)
            else:
                action.check(skip_permission_checks=self.user is None)
                obj.save()


def _order_standards(rows: list[_Row]) -> tuple[list[_Row], dict[int, str]]:
    """Order rows so that a standard's replacement named in the same file is written first.

    ``replaced_by`` forms chains; a chain that comes back to where it started inside the file is
    refused for every row on the circle (the model refuses circles that pass through the database).
    Returns the ordered rows and the errors (row number → message) of rows on a circle.
    """
    by_key = {row.key: row for row in rows}
    ordered: list[_Row] = []
    done: set[str] = set()
    cycle_errors: dict[int, str] = {}
    for start in rows:
        path: list[_Row] = []
        on_path: set[str] = set()
        current: _Row | None = start
        while current is not None and current.key not in done and current.key not in on_path:
            path.append(current)
            on_path.add(current.key)
            current = by_key.get(current.replaced_by)
        if current is not None and current.key in on_path:  # a circle: from current back to current
            circle = path[path.index(current) :]
            chain = " → ".join([r.key for r in circle] + [current.key])
            for member in circle:
                cycle_errors[member.number] = _(
                    "Replaced by: this would make the “replaced by” chain go round in a circle (%(chain)s)."
                ) % {"chain": chain}
        for row in reversed(path):
            done.add(row.key)
            ordered.append(row)
    return ordered, cycle_errors


def run_import(
    kind: str,
    rows: Table | Sequence[Mapping[str, Any]],
    *,
    user: Any = None,
    commit: bool,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check every row and write them all, or — on any error, or when ``commit`` is false — nothing.

    ``rows`` is a :class:`Table` from :func:`read_table` (or a list of dicts, numbered from row 2).
    With a ``user``, Wagtail's permission and lock checks apply and the revisions and log entries
    are theirs; without one (a management command run without ``--user``) they are anonymous.
    ``progress(done, total)`` is called after each row.
    """
    spec = KINDS[kind]
    table = rows if isinstance(rows, Table) else Table.from_dicts(rows)
    report = ImportReport(kind=kind)
    mapping, report.file_errors, report.notes = map_headers(spec, table.headers)
    if report.file_errors:
        return report
    if not table.rows:
        report.file_errors.append(_("The file has a header row but no data rows."))
        return report

    parsed: list[_Row] = []
    first_row: dict[str, int] = {}
    early_errors: dict[int, list[str]] = {}
    for number, cells in table.rows:
        by_field = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
        row = _Row(number=number, key=normalise_key(spec, by_field.get(spec.key)), cells=by_field)
        if kind == "standards" and by_field.get("replaced_by") is not None:
            row.replaced_by = normalise_standard_code(cell_text(by_field["replaced_by"]))
        if not row.key:
            early_errors[number] = [f"{spec.field_label(spec.key)}: {_('This field is required.')}"]
        elif row.key in first_row:
            early_errors[number] = [
                _("%(field)s “%(key)s” is also on row %(row)d; each record may appear only once.")
                % {"field": spec.field_label(spec.key), "key": row.key, "row": first_row[row.key]}
            ]
        else:
            first_row[row.key] = number
        parsed.append(row)

    importer = _Importer(spec, user, commit=commit)
    order = parsed
    if kind == "standards":
        rejected = [r for r in parsed if r.number in early_errors]
        order, circles = _order_standards([r for r in parsed if r.number not in early_errors])
        for row in order:
            if row.number in circles:
                early_errors[row.number] = [circles[row.number]]
                importer.failed[row.key] = row.number
        order += rejected

    results: dict[int, RowResult] = {}
    total = len(parsed)
    with transaction.atomic():
        existing = spec.model.objects.in_bulk([r.key for r in parsed if r.key], field_name=spec.key)
        for done, row in enumerate(order, start=1):
            if row.number in early_errors:
                results[row.number] = RowResult(row.number, row.key, ERROR, early_errors[row.number])
            else:
                result = importer.process(row, existing.get(row.key))
                results[row.number] = result
                if result.is_error:
                    importer.failed.setdefault(row.key, row.number)
            if progress:
                progress(done, total)
        report.rows = [results[number] for number, _cells in table.rows]
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
    return report
