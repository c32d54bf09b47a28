"""The header row: which column holds which field, by field name, English or Chinese label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from .cells import norm
from .kinds import KINDS, ImportKind


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
