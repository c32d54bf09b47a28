"""Register a batch like the last one: the batch add form with ``?copy=last`` starts from the
user's latest batch (its authorisation, product, GTIN, unit and grade, standard, origin plot and
inspection items with their units and limits), with the lot number, dates, quantity and measured
values left empty, since they are the new lot's own. "Latest" is among the batches the user may see
(``permissions.batches_for``: a producer account's own producers' only); the authorisation is
offered only if the form still offers it (valid today)."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.widgets.button import HeaderButton

from core.admin_views import SnippetCreateWithoutAutosave

from ..models import Batch
from ..permissions import batches_for

COPIED_FIELDS = ("product_name", "gtin", "unit", "grade", "plot")  # with the authorisation and standard


def latest_batch(user) -> Batch | None:
    return batches_for(user).order_by("-created_at", "-pk").first()


def copied_from(batch: Batch) -> Batch:
    """A new, unsaved batch carrying over what repeats from ``batch``."""
    new = Batch(
        authorisation_id=batch.authorisation_id,
        producer_id=batch.producer_id,
        standard_id=batch.standard_id,
        **{name: getattr(batch, name) for name in COPIED_FIELDS},
    )
    new.inspection_results = [
        {key: row[key] for key in ("item", "unit", "limit") if row.get(key)}
        for row in batch.inspection_results or []
        if isinstance(row, dict) and row.get("item")
    ]
    return new


class BatchCreateView(SnippetCreateWithoutAutosave):
    @cached_property
    def copy_source(self) -> Batch | None:
        if self.request.method != "GET" or self.request.GET.get("copy") != "last":
            return None
        return latest_batch(self.request.user)

    def get_initial_form_instance(self):
        source = self.copy_source
        if source is None:
            return super().get_initial_form_instance()
        messages.info(
            self.request,
            _(
                "Prefilled from batch %(lot)s: enter the new lot number, the dates, the quantity and the measured values."
            )
            % {"lot": source.lot_number},
        )
        return copied_from(source)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.copy_source is None and latest_batch(self.request.user) is not None:
            buttons.append(
                HeaderButton(
                    _("Copy from my last batch"),
                    url=reverse(self.add_url_name) + "?copy=last",
                    icon_name="copy",
                    attrs={"data-copy-last": ""},
                )
            )
        return buttons
