"""The downloadable templates: header row, an example row, and what each column accepts.

The example row sits right under the header (row 2), in the CSV and in the XLSX, because that is
where people look and what they copy. Its key is one no real record can have (a credit code of
the fictitious organisation MA0000000, authorisation sequence 00000, standard number 0000), so an
import recognises an example row that was left in and skips it with a note in the preview,
instead of creating a record "示例…"; a row the officer overwrote with real data has a real key and
is imported like any other. The XLSX's second sheet, 填写说明, lists every column: its meaning,
whether it is required, the values it accepts and the example.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import GeographicalIndication, Producer, ProductFamily, Standard, Township
from ...validators import (
    format_authorisation_number,
    normalise_credit_code,
    normalise_standard_code,
    parse_authorisation_number,
)
from .kinds import ImportKind

#: The example producer's credit code: valid (check characters and all), division 500155
#: (Liangping), organisation code MA000000-0, which no registration authority gives.
EXAMPLE_CREDIT_CODE = "93500155MA0000007J"
_EXAMPLE_STANDARD_RE = re.compile(r"^DB50/T 0000-\d{4}$")


def is_example_key(kind: ImportKind, key: str) -> bool:
    """Whether ``key`` (normalised) is the key of a template's example row."""
    if kind.name == "producers":
        return normalise_credit_code(key) == EXAMPLE_CREDIT_CODE
    if kind.name == "authorisations":
        parsed = parse_authorisation_number(key)
        return parsed is not None and parsed[1] == 0
    if kind.name == "standards":
        return bool(_EXAMPLE_STANDARD_RE.match(normalise_standard_code(key)))
    return False


@dataclass(frozen=True)
class ColumnGuide:
    """One template column: its header, what it means, whether it must be filled, what it accepts."""

    field: str
    header: str
    meaning: str
    required: bool
    allowed: str
    example: Any
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the XLSX
    text: bool = False  # kept as text in the XLSX (codes, phone numbers: Excel would turn them into numbers)

    @property
    def required_label(self) -> str:
        return _("Required") if self.required else _("Optional")


def _choice_labels(model: type[models.Model], name: str) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in model._meta.get_field(name).flatchoices)


def _names(queryset, limit: int = 60) -> list[str]:
    return [str(name) for name in queryset.values_list("name", flat=True)[:limit]]


def _is_required(kind: ImportKind, field: models.Field) -> bool:
    if field.name == kind.key:
        return not kind.match_without_key
    return not field.many_to_many and not field.blank and not field.has_default()


def example_values(kind: ImportKind) -> dict[str, Any]:
    """The example row, by field: values that read correctly (the import would accept them)."""
    year = timezone.localdate().year
    township = Township.objects.order_by("sort_order", "name").first()
    family = ProductFamily.objects.filter(slug="pomelo").first() or ProductFamily.objects.order_by("sort_order").first()
    registered = GeographicalIndication.objects.filter(status=GeographicalIndication.Status.REGISTERED)
    gi = registered.order_by("name").first()
    gi_name = gi.name if gi else "梁平柚"
    family_name = family.name if family else "柚子"
    if kind.name == "producers":
        return {
            "credit_code": EXAMPLE_CREDIT_CODE,
            "name": _("Example: Liangping Example Pomelo Cooperative"),
            "kind": str(Producer.Kind.COOPERATIVE.label),
            "township": township.name if township else "礼让镇",
            "address": _("Example: No. 1, Example Village"),
            "latitude": "30.672000",
            "longitude": "107.803000",
            "product_families": family_name,
            "contact_person": _("Example: Zhang San"),
            "contact_phone": "023-00000000",
            "contact_public": "否",
            "website": "",
            "description": _("Example row: skipped by the import; overwrite it with a real record or delete it."),
            "status": str(Producer.Status.ACTIVE.label),
            "is_demo": "否",
        }
    if kind.name == "authorisations":
        return {
            "number": format_authorisation_number(year, 0),
            "producer": EXAMPLE_CREDIT_CODE,
            "geographical_indication": gi_name,
            "scope": _("Example: fresh fruit and gift boxes"),
            "valid_from": datetime.date(year, 1, 1),
            "valid_until": datetime.date(year + 2, 12, 31),
            "status": _status_label(kind),
            "yearly_quota": 10000,
            "is_demo": "否",
        }
    return {
        "code": f"DB50/T 0000-{year}",
        "title": _("Example: Technical code for pomelo cultivation"),
        "title_en": "Example: Technical code for pomelo cultivation",
        "level": str(Standard.Level.LOCAL.label),
        "status": str(Standard.Status.CURRENT.label),
        "issuing_body": "重庆市市场监督管理局",
        "issued_on": datetime.date(year, 3, 1),
        "implemented_on": datetime.date(year, 6, 1),
        "replaced_by": "",
        "geographical_indications": gi_name,
        "product_families": family_name,
        "scope": _("Example row: skipped by the import; overwrite it with a real record or delete it."),
        "is_demo": "否",
    }


def _status_label(kind: ImportKind) -> str:
    return str(dict(kind.field("status").flatchoices)["active"])


def _allowed(kind: ImportKind, field: models.Field) -> tuple[str, tuple[str, ...], bool]:
    """What a column accepts (text), the values to offer in a drop-down, and whether it is text."""
    name = field.name
    several = _("several separated by 、 or ；")
    if name == "credit_code" or (field.is_relation and field.related_model is Producer):
        rule = _(
            "18 characters: digits and capital letters without I, O, Z, S, V; the last one is a check "
            "character (GB 32100-2015), e.g. %(example)s."
        ) % {"example": EXAMPLE_CREDIT_CODE}
        if field.is_relation:
            rule = _("The credit code of a producer already in the registry (or its exact name). ") + rule
        return rule, (), True
    if name == "number" and kind.name == "authorisations":
        return (
            _(
                "LPGI-<year>-<five digits>, e.g. LPGI-2026-00012; leave it empty and the import assigns the "
                "next number (a row without a number updates the authorisation of the same producer, GI "
                "and start date, if there is one)."
            ),
            (),
            True,
        )
    if name == "code" and kind.name == "standards":
        return _("GB/T 19332-2008, NY/T 5015-2002, DB50/T 1000-2020, T/CQLP 001-2023 or Q/LPY 001-2024."), (), True
    if field.is_relation:
        related = field.related_model
        if related is Township:
            names = _names(Township.objects.order_by("sort_order", "name"))
            return (
                _("A township of Liangping, as named in the registry: %(names)s.") % {"names": "、".join(names)},
                tuple(names),
                False,
            )
        if related is ProductFamily:
            names = _names(ProductFamily.objects.order_by("sort_order", "name"))
            return (
                _("Product families (%(several)s): %(names)s.") % {"several": several, "names": "、".join(names)},
                (),
                False,
            )
        if related is GeographicalIndication:
            names = _names(GeographicalIndication.objects.order_by("name"))
            if field.many_to_many:
                text = _(
                    "Names or registration numbers of geographical indications in the registry (%(several)s): %(names)s."
                )
                return text % {"several": several, "names": "、".join(names)}, (), False
            text = _("The name or registration number of a geographical indication in the registry: %(names)s.")
            return text % {"names": "、".join(names)}, tuple(names), False
        if related is Standard:
            return (
                _("The code of the standard that replaces this one (in the registry or on another row of the file)."),
                (),
                True,
            )
    if field.choices:
        labels = _choice_labels(kind.model, name)
        return _("One of: %(labels)s.") % {"labels": "、".join(labels)}, labels, False
    if isinstance(field, models.DateField):
        return _("A date: 2026-01-01 (also 2026/1/1 or 2026年1月1日)."), (), False
    if isinstance(field, models.BooleanField):
        return _("Yes or no: 是 or 否."), ("是", "否"), False
    if isinstance(field, models.IntegerField):
        return _("A whole number."), (), False
    if isinstance(field, models.DecimalField):
        return _("A number with at most %(places)d decimals.") % {"places": field.decimal_places}, (), False
    if isinstance(field, models.URLField):
        return _("A web address starting with https://."), (), False
    if getattr(field, "max_length", None):
        return _("Text, at most %(n)d characters.") % {"n": field.max_length}, (), name == "contact_phone"
    return _("Text."), (), False


def column_guides(kind: ImportKind) -> list[ColumnGuide]:
    example = example_values(kind)
    guides = []
    for name, aliases in kind.columns.items():
        field = kind.field(name)
        allowed, choices, text = _allowed(kind, field)
        meaning = kind.field_label(name)
        if field.help_text:
            meaning = _("%(label)s: %(help)s") % {"label": meaning, "help": field.help_text}
        guides.append(
            ColumnGuide(
                field=name,
                header=aliases[0],
                meaning=meaning,
                required=_is_required(kind, field),
                allowed=allowed,
                example=example.get(name, ""),
                choices=choices,
                text=text,
            )
        )
    return guides


def template_headers(kind: ImportKind) -> list[str]:
    """The header row: the Chinese header of each column, ``*`` after a required one (the import ignores it)."""
    return [guide.header + ("*" if guide.required else "") for guide in column_guides(kind)]


def template_rows(kind: ImportKind) -> list[list[Any]]:
    """Header row and example row."""
    guides = column_guides(kind)
    return [
        [guide.header + ("*" if guide.required else "") for guide in guides],
        [guide.example for guide in guides],
    ]


def guide_rows(kind: ImportKind) -> list[list[Any]]:
    """The 填写说明 sheet: one row per column."""
    guides = column_guides(kind)
    rows: list[list[Any]] = [[_("Column"), _("Meaning"), _("Required"), _("Allowed values"), _("Example")]]
    for guide in guides:
        example = guide.example.isoformat() if isinstance(guide.example, datetime.date) else guide.example
        rows.append([guide.header, guide.meaning, guide.required_label, guide.allowed, example])
    rows.append([])
    rows.append(
        [
            _("Notes"),
            _(
                "Row 2 of the first sheet is an example: an import skips it and says so. Overwrite it or "
                "add rows below it. Columns marked * must be filled. Nothing is written until you confirm "
                "the preview, and then every row is written or none."
            ),
        ]
    )
    return rows
