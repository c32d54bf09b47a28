"""Merging duplicate cases (same code, same shop) — no admin import, so the consumer's follow page
can use :func:`resolve_follow_case` too.

A case merged into another leaves the queue (``Case.objects.in_queue()``); its reports move to the
target, whose page then shows them all. The merged case keeps its number and its follow link: the
link shows the target's status and outcome (:func:`resolve_follow_case`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Case, Report

MAX_MERGE_DEPTH = 20


class MergeError(ValueError):
    """A merge that is not allowed; the message is for the user."""


def resolve_follow_case(case: Case) -> Case:
    """The case whose status a follow link shows: ``case`` itself, or the case it was merged into
    (followed along the chain of merges)."""
    seen = {case.pk}
    while case.merged_into_id and len(seen) <= MAX_MERGE_DEPTH:
        case = Case.objects.get(pk=case.merged_into_id)
        if case.pk in seen:
            break
        seen.add(case.pk)
    return case


def merge_candidates(case: Case) -> QuerySet[Case]:
    """Open cases in the queue about the same code (or the same code as printed) or the same shop."""
    same = Q(pk__in=[])
    if case.trace_code_id:
        same |= Q(trace_code_id=case.trace_code_id)
    if case.code_text:
        same |= Q(code_text=case.code_text)
    if case.shop_key:
        same |= Q(shop_key=case.shop_key)
    return Case.objects.in_queue().open().filter(same).exclude(pk=case.pk).order_by("received_at")


@transaction.atomic
def merge_case(source: Case, target: Case) -> int:
    """Merge ``source`` into ``target``: its reports (and cases merged into it earlier) move to the
    target. Returns the number of reports moved."""
    target = resolve_follow_case(target)
    if source.pk == target.pk:
        raise MergeError(_("A case cannot be merged into itself."))
    if source.merged_into_id:
        raise MergeError(_("This case has already been merged into another case."))
    if target.status in (Case.Status.REJECTED, Case.Status.CLOSED):
        raise MergeError(_("A case cannot be merged into a closed or rejected case."))
    moved = Report.objects.filter(case=source).update(case=target)
    Case.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    return moved
