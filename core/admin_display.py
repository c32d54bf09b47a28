"""How the admin shows a stored value to a person: the one place for listings, inspect views and
CSV/XLSX exports.

- a choice shows its label, not its code ("cooperative" → 农民专业合作社, "active" → 有效);
- a boolean shows 是/否, an empty value nothing (never True/False/None);
- a decimal without trailing zeros ("6.000" → "6", "2.50" → "2.5"), in admin forms' number boxes too;
- a date-time in the admin's time zone (the user's Wagtail preference, else ``TIME_ZONE``,
  Asia/Shanghai), never UTC.

Why a patch: Wagtail's listing ``Column``, ``InspectView`` and ``SpreadsheetExportMixin`` are the
base of every viewset, report and export (ours and Wagtail's, and those added later) and offer
no hook for value formatting; wrapping them once at start-up (``website.apps``) covers them all.
Idempotent. Like ``core.spreadsheets``, this imports none of our apps; Wagtail only inside
:func:`localise_wagtail_admin`.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy


def yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def plain_decimal(value: decimal.Decimal) -> str:
    """``Decimal("6.000")`` → ``"6"``, ``Decimal("2.50")`` → ``"2.5"``, never ``"6E+1"``."""
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def local_datetime(value: datetime.datetime) -> datetime.datetime:
    """An aware date-time in the current (admin) time zone; a naive one as it is."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def display_value(value: Any) -> Any:
    """A stored value as the admin shows it in a listing cell or an inspect view."""
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.datetime):
        return local_datetime(value)
    if isinstance(value, dict | list) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON field as JSON, not Python's repr
    return value


def export_value(value: Any, export_format: str) -> Any:
    """A stored value as a CSV or XLSX cell: numbers stay numbers in XLSX, date-times are local."""
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        if export_format == "csv":
            return plain_decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        local = local_datetime(value)
        if export_format == "csv":
            return local.strftime("%Y-%m-%d %H:%M:%S")
        return timezone.make_naive(local) if timezone.is_aware(local) else local
    return value


def choice_accessor(model, path: str) -> str:
    """``path`` (``"status"``, ``"producer.kind"``) with its last part replaced by Django's
    ``get_<field>_display`` when that field has choices; otherwise ``path`` unchanged."""
    from django.core.exceptions import FieldDoesNotExist

    *relations, last = path.replace("__", ".").split(".")
    for name in relations:
        try:
            model = model._meta.get_field(name).related_model
        except (FieldDoesNotExist, AttributeError):
            return path
        if model is None:
            return path
    try:
        field = model._meta.get_field(last)
    except (FieldDoesNotExist, AttributeError):
        return path
    if getattr(field, "choices", None) and getattr(model, f"get_{last}_display", None):
        return ".".join([*relations, f"get_{last}_display"])
    return path


def plain_decimal_input():
    """A number box that shows ``6`` for a stored ``6.000`` (Django's shows every decimal place)."""
    from django import forms

    class PlainDecimalInput(forms.NumberInput):
        def format_value(self, value):
            if isinstance(value, decimal.Decimal):
                return plain_decimal(value)
            return super().format_value(value)

    return PlainDecimalInput


def revision_label(revision) -> str:
    """A revision as a person reads it: its title and when it was saved, in local time."""
    return gettext("“%(title)s”, saved %(time)s") % {
        "title": revision.object_str,
        "time": local_datetime(revision.created_at).strftime("%Y-%m-%d %H:%M"),
    }


def page_permission_label(permission) -> str:
    """Wagtail's translated description of a page permission ("发布任意页面"), by its codename."""
    from wagtail.models.pages import PAGE_PERMISSION_TYPES

    action = permission.codename.removesuffix("_page")
    labels = {codename: long_label for codename, _short, long_label in PAGE_PERMISSION_TYPES}
    return str(labels.get(action, permission.name))


def localise_wagtail_admin() -> None:
    """Wrap Wagtail's listing cells, inspect values and export rows with the rules above."""
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.admin.ui.tables import Column
    from wagtail.admin.views.generic.models import InspectView
    from wagtail.admin.views.mixins import SpreadsheetExportMixin
    from wagtail.coreutils import multigetattr
    from wagtail.models import Locale, Revision
    from wagtail.users.forms import PagePermissionsForm

    if getattr(Column, "localised_display", False):
        return

    cell_context = Column.get_cell_context_data

    def localised_cell_context(self, instance, parent_context):
        context = cell_context(self, instance, parent_context)
        raw = context.get("raw_value")
        if isinstance(raw, bool | decimal.Decimal) or raw is None:
            shown = display_value(raw)
            context["value"] = shown if str(shown).strip() else self.empty_value_display
        return context

    field_display_value = InspectView.get_field_display_value

    def localised_field_display_value(self, field_name, field):
        if field is not None and getattr(self.object, field.attname, "") is None:
            return ""  # an empty link to a document or image, not a component saying "None"
        value = field_display_value(self, field_name, field)
        if isinstance(value, Revision):  # Wagtail's str(): '"title" at 2026-12-05 07:00:36+00:00'
            return revision_label(value)
        return display_value(value)

    to_row_dict = SpreadsheetExportMixin.to_row_dict

    def labelled_row_dict(self, item):
        row = to_row_dict(self, item)
        model = getattr(self, "model", None) or type(item)
        for field in list(row):
            if isinstance(field, str):
                accessor = choice_accessor(model, field)
                if accessor != field:
                    with contextlib.suppress(AttributeError):
                        row[field] = multigetattr(item, accessor)
        return row

    preprocess = SpreadsheetExportMixin.preprocess_field_value

    def localised_preprocess(self, field, value, export_format):
        return preprocess(self, field, export_value(value, export_format), export_format)

    # Wagtail names its Locale model in plain English (no gettext): the breadcrumbs, the group
    # permissions and the "locales" menu then read "Locale(s)"; these say 语言 in zh-hans.
    Locale._meta.verbose_name = gettext_lazy("locale")
    Locale._meta.verbose_name_plural = gettext_lazy("locales")
    # Wagtail's workflow and group page-permission forms leave their page field's label to Django
    # ("Page", untranslated, read out by screen readers).
    for form in (WorkflowPageForm, PagePermissionsForm):
        form.base_fields["page"].label = gettext_lazy("Page")
    # ... and labels its page-permission checkboxes with Django's stored English permission names
    # ("Wagtail core | page | Publish any page"); Wagtail's own translated descriptions instead.
    PagePermissionsForm.base_fields["permissions"].label_from_instance = page_permission_label

    # Every decimal field of every admin form (Wagtail's form field overrides).
    register_form_field_override(models.DecimalField, override={"widget": plain_decimal_input()})

    Column.get_cell_context_data = localised_cell_context
    InspectView.get_field_display_value = localised_field_display_value
    SpreadsheetExportMixin.to_row_dict = labelled_row_dict
    SpreadsheetExportMixin.preprocess_field_value = localised_preprocess
    Column.localised_display = True
