"""Reading one cell: dates, booleans, numbers, choices and lists, forgiving but unambiguous."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from ...models import Standard
from ...validators import normalise_standard_code
from .kinds import CHOICE_ALIASES

TRUE_WORDS = {"是", "1", "true", "yes", "y", "t", "对", "√", "✓"}
FALSE_WORDS = {"否", "0", "false", "no", "n", "f", "不", "×", "✗"}
MULTI_VALUE_SEPARATORS = re.compile(r"[;；、,，]")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def norm(text: object) -> str:
    """Case- and width-insensitive form for matching: NFKC (full-width → half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


class CellError(ValueError):
    """A cell's value cannot be understood; the message says why."""


_EMPTY = object()  # the cell is empty: decided per field and per new/existing record


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
