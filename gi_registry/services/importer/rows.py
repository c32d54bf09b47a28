"""One row into one record: parse its cells, fill what it implies, compare, check and publish."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction

from ...models import GeographicalIndication, Producer, ProductFamily, Standard, Township
from ...models.standards import standard_slug
from ...validators import normalise_credit_code, normalise_standard_code
from .cells import (
    _EMPTY,
    CellError,
    cell_text,
    level_from_code,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    split_values,
)
from .kinds import ImportKind
from .references import References
from .report import CREATE, ERROR, UNCHANGED, UPDATE, CellView, RowResult


@dataclass
class Row:
    """One data row: its number in the file, its normalised key and its cells by field name."""

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


class RowImporter:
    """Turns parsed rows into records for one :class:`ImportKind`, collecting per-row results."""

    def __init__(self, kind: ImportKind, user: Any, *, commit: bool) -> None:
        self.kind = kind
        self.user = user
        self.commit = commit
        self.refs = References()
        #: key → pk of the records this import has written, and the rows that failed (standards).
        self.written: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        #: rows without a key: their ``match_without_key`` values → row number
        self.identities: dict[tuple, int] = {}

    # -- values ---------------------------------------------------------------------------------

    def parse(self, row: Row) -> tuple[dict[str, Any], dict[str, str]]:
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

    def match_without_key(self, row: Row, values: dict[str, Any], errors: dict[str, str]) -> models.Model | None:
        """A row with an empty key: the record with the same ``match_without_key`` values, if any.

        An authorisation without a number is the producer's authorisation for that GI from that
        day: importing the same file again updates it rather than adding a second one. Otherwise
        it is new, and the number is given when it is saved.
        """
        fields = self.kind.match_without_key
        if not fields or any(values.get(name, _EMPTY) in (_EMPTY, None) for name in fields):
            return None
        identity = tuple(values[name].pk if isinstance(values[name], models.Model) else values[name] for name in fields)
        if identity in self.identities:
            errors["__all__"] = _(
                "Row %(row)d of this file already holds this record; each record may appear only once."
            ) % {"row": self.identities[identity]}
            return None
        self.identities[identity] = row.number
        matches = list(self.kind.model.objects.filter(**dict(zip(fields, identity, strict=True)))[:2])
        if len(matches) > 1:
            errors[self.kind.key] = _("More than one record matches this row; write its %(field)s.") % {
                "field": self.kind.field_label(self.kind.key)
            }
            return None
        return matches[0] if matches else None

    def process(self, row: Row, existing: models.Model | None) -> RowResult:
        """Check one row and save it (in a savepoint); the result says what happened and how each cell was read."""
        result = RowResult(row=row.number, key=row.key, action=ERROR)
        seen: dict[str, Any] = {}
        try:
            return self._process(row, existing, result, seen)
        finally:
            if seen:
                result.cells = self.describe(row, result, **seen)

    def _process(self, row: Row, existing: models.Model | None, result: RowResult, seen: dict[str, Any]) -> RowResult:
        values, errors = self.parse(row)
        if existing is None and not row.key:
            existing = self.match_without_key(row, values, errors)
            if existing is not None:
                result.key = getattr(existing, self.kind.key)
        obj = existing if existing is not None else self.kind.model(**{self.kind.key: row.key})
        seen.update(obj=obj, values=values, errors=errors, new=existing is None)
        self.infer(obj, values, row.key)
        self.resolve_empty(obj, values, errors)
        changed = self.apply(obj, values)  # in memory only; saved below if the row is good
        if obj.pk and not changed and not errors:
            result.action = UNCHANGED
            return result
        if obj.pk and not errors and (blocked := self.blocked(obj)):
            result.messages = result.row_messages = [blocked]
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
            result.row_messages = self.error_messages({k: v for k, v in errors.items() if k not in row.cells})
            return result
        try:
            self.save(obj, new=existing is None)
        except PermissionDenied as exc:
            result.messages = result.row_messages = [_("You may not change this record: %(reason)s") % {"reason": exc}]
            return result
        except DatabaseError as exc:
            result.messages = result.row_messages = [_("The database refused the record: %(error)s") % {"error": exc}]
            return result
        result.action = UPDATE if existing is not None else CREATE
        result.changes = [self.kind.field_label(name) for name in changed] if existing is not None else []
        result.key = getattr(obj, self.kind.key)  # a number given on save
        self.written[result.key] = obj.pk
        return result

    # -- what the preview shows ----------------------------------------------------------------

    def describe(
        self, row: Row, result: RowResult, *, obj: models.Model, values: dict[str, Any], errors: dict, new: bool
    ) -> dict[str, CellView]:
        """Each cell as written and as understood: the label of a choice, the name of a township or
        GI, a date, 是/否; an empty cell says whether it clears the field, keeps the value or takes
        the default; the key of a row without one says which number it gets."""
        cells: dict[str, CellView] = {}
        for name, raw in row.cells.items():
            text = cell_text(raw)
            found = errors.get(name) or []
            messages = [str(found)] if isinstance(found, str) else [str(m) for m in found]
            if name == self.kind.key:
                cells[name] = CellView(text, self.describe_key(text, result), messages)
            elif messages:
                cells[name] = CellView(text, text, messages)
            elif text:
                cells[name] = CellView(text, self.display(obj, name, values))
            else:
                current = "" if name in values else self.display(obj, name, values)
                if not current:
                    shown = _("(empty)")
                elif new:
                    shown = _("(empty: default %(value)s)") % {"value": current}
                else:
                    shown = _("(empty: keeps %(value)s)") % {"value": current}
                cells[name] = CellView(text, shown)
        return cells

    def describe_key(self, text: str, result: RowResult) -> str:
        if text:
            return result.key or text
        if result.action == CREATE:
            template = _("assigned: %(key)s") if self.commit else _("will be assigned: %(key)s")
            return template % {"key": result.key}
        if result.key:
            return _("same producer, GI and start: %(key)s") % {"key": result.key}
        return _("(empty: assigned on import)") if self.kind.match_without_key else _("(empty)")

    def display(self, obj: models.Model, name: str, values: dict[str, Any]) -> str:
        """A field's value on ``obj`` as a person reads it."""
        model_field = self.kind.field(name)
        if model_field.many_to_many:
            items = values[name] if name in values else (list(getattr(obj, name).all()) if obj.pk else [])
            return "、".join(str(item) for item in items)
        try:
            value = getattr(obj, name)
        except ObjectDoesNotExist:
            return ""
        if value is None or value == "":
            return ""
        if isinstance(value, Producer):
            return f"{value.name}（{value.credit_code}）"
        if isinstance(value, Standard):
            return value.code
        if isinstance(value, models.Model):
            return str(value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)

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
