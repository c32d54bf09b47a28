"""Related records named in a cell: townships, product families, GIs, producers and standards."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from ...models import GeographicalIndication, Producer, ProductFamily, Standard, Township
from ...validators import normalise_credit_code, normalise_standard_code
from .cells import CellError, cell_text, norm


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
