"""Inspection results as rows (item, value, unit, limit, pass) instead of typed JSON.

The stored shape is unchanged: ``Batch.inspection_results`` stays a list of
``{item, value, unit, limit, pass}`` objects, so the public verify page and the API read it as before.
The widget posts ``<name>-<i>-item`` … ``<name>-<i>-pass``; a raw JSON string under ``<name>`` (the
old form, scripts) is still accepted.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ROW_KEYS = ("item", "value", "unit", "limit", "pass")
BLANK_ROWS = 3
MAX_ROWS = 40
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


class InspectionResultsWidget(forms.Widget):
    template_name = "gi_registry/trace/admin/widgets/inspection_results.html"

    def __init__(self, attrs=None, items=()) -> None:
        super().__init__(attrs)
        self.items = list(items)

    def format_rows(self, value) -> list[dict]:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else []
            except ValueError:
                value = []
        rows = [row for row in (value or []) if isinstance(row, dict)]
        shown = []
        for row in rows:
            passed = row.get("pass")
            shown.append(
                {
                    "item": row.get("item", ""),
                    "value": "" if row.get("value") is None else row.get("value"),
                    "unit": row.get("unit", ""),
                    "limit": row.get("limit", ""),
                    "pass": "yes" if passed is True else "no" if passed is False else "",
                }
            )
        return shown + [dict.fromkeys(ROW_KEYS, "") for _ in range(BLANK_ROWS)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            rows=self.format_rows(value),
            items=self.items,
            datalist_id=f"{attrs.get('id') or name}-items",
        )
        return context

    def value_from_datadict(self, data, files, name):
        if name in data:  # a JSON string, as the form took it before
            return data.get(name)
        rows = []
        for i in range(MAX_ROWS + BLANK_ROWS):
            prefix = f"{name}-{i}-"
            if not any(f"{prefix}{key}" in data for key in ROW_KEYS):
                continue
            rows.append({key: (data.get(f"{prefix}{key}") or "").strip() for key in ROW_KEYS})
        return rows

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key.startswith(f"{name}-") for key in data)


class InspectionResultsField(forms.Field):
    widget = InspectionResultsWidget
    default_error_messages = {
        "json": gettext_lazy("The inspection results could not be read; enter them row by row."),
    }

    def to_python(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ValidationError(self.error_messages["json"], code="json") from exc
            return value  # the model's validator checks the old shape
        results, errors = [], []
        for position, row in enumerate(value, start=1):
            if not any(row.values()):
                continue  # a blank row
            if not row["item"]:
                errors.append(_("Row %(n)d: name the item tested.") % {"n": position})
                continue
            result = {"item": row["item"][:100]}
            if row["value"]:
                result["value"] = number(row["value"]) if NUMBER.match(row["value"]) else row["value"][:40]
            for key in ("unit", "limit"):
                if row[key]:
                    result[key] = row[key][:40]
            verdict = row["pass"]
            if verdict in ("yes", "no"):
                result["pass"] = verdict == "yes"
            results.append(result)
        if errors:
            raise ValidationError(errors)
        if len(results) > MAX_ROWS:
            raise ValidationError(_("At most %(max)d inspection results.") % {"max": MAX_ROWS})
        return results

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True
