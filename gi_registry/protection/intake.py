"""Taking in a consumer's report: the report, its photos and evidence, and the case it belongs to.

A report opens a new case unless an open case (not closed, not refused, not merged into another)
is already about the same code (the issued code, or for a forged one the same normalised text)
or the same shop (``evidence.shop_key``); then it joins that case, the way staff would merge the
duplicate. Staff can still merge or split by hand (admin). The case copies what it is about
from its first report: code, code text, batch, producer, product family, place and shop.

A report is a tip (举报: a fake, a copied or withdrawn code) unless the code is genuine and the
consumer only complains about quality or packaging: then it is a complaint (投诉), which has no
verification deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from gi_registry.trace.verdicts import GENUINE

from . import evidence
from .models import Case, Report, ReportPhoto
from .uploads import CleanPhoto

COMPLAINT_ONLY = {Report.Problem.QUALITY, Report.Problem.PACKAGING}


@dataclass
class ReportDetails:
    """What the consumer typed (``forms.ReportForm.details()``)."""

    code: str = ""
    where_bought: str = Report.WhereBought.OTHER
    shop_name: str = ""
    place: str = ""
    online_url: str = ""
    platform: str = ""
    bought_on: object = None
    price_paid: object = None
    problems: list[str] = field(default_factory=list)
    description: str = ""
    phone: str = ""
    contact_consent: bool = False
    consent_text: str = ""
    language: str = ""


def case_kind(verdict: str, problems: Sequence[str]) -> str:
    if verdict == GENUINE and problems and set(problems) <= COMPLAINT_ONLY:
        return Case.Kind.COMPLAINT
    return Case.Kind.TIP


def open_case_for(check: evidence.CodeCheck, key: str) -> Case | None:
    """The open case this report joins: same issued code, same forged code text, or same shop."""
    same = Q()
    if check.code is not None:
        same |= Q(trace_code=check.code)
    elif check.normalised:
        same |= Q(code_text=check.normalised, trace_code__isnull=True)
    if key:
        same |= Q(shop_key=key)
    if not same:
        return None
    return Case.objects.open().in_queue().filter(same).order_by("received_at").first()


@transaction.atomic
def submit_report(details: ReportDetails, photos: Sequence[CleanPhoto] = ()) -> Report:
    """Store the report, its photos (already cleaned: ``uploads.clean_photo``) and its evidence,
    in a new case or an open one about the same code or shop. Nothing about the sender's address."""
    check = evidence.check_code(details.code)
    key = evidence.shop_key(
        details.where_bought, details.shop_name, details.place, details.online_url, details.platform
    )
    proof = evidence.snapshot(check, key=key)
    case = open_case_for(check, key)
    if case is None:
        code = check.code
        batch = code.batch if code is not None else None
        case = Case.objects.create(
            kind=case_kind(check.verdict, details.problems),
            trace_code=code,
            code_text=check.normalised,
            batch=batch,
            producer=batch.producer if batch is not None else None,
            product_family=batch.authorisation.geographical_indication.product_family if batch is not None else None,
            place=details.place[:60],
            shop_key=key,
        )
    report = Report.objects.create(
        case=case,
        code_typed=check.typed,
        code_normalised=check.normalised,
        verdict=check.verdict,
        trace_code=check.code,
        where_bought=details.where_bought,
        shop_name=details.shop_name,
        place=details.place,
        online_url=details.online_url,
        platform=details.platform,
        bought_on=details.bought_on,
        price_paid=details.price_paid,
        problems=list(details.problems),
        description=details.description,
        phone=details.phone if details.contact_consent else "",
        contact_consent=bool(details.contact_consent and details.phone),
        consent_text=details.consent_text,
        language=details.language,
        evidence=proof,
    )
    for photo in photos:
        stored = ReportPhoto(report=report, width=photo.width, height=photo.height, size=len(photo.data))
        stored.image.save("photo.jpg", ContentFile(photo.data), save=False)
        stored.save()
    return report
