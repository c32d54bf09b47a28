"""Open data: the public registry as JSON (paged) and CSV (all rows, streamed).

Public fields only. A producer's contact person and phone appear only where the producer chose
to publish them (``contact_public``); account links, drafts and demo flags of unpublished
records never leave the database.
"""

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.origin import absolute_url
from core.spreadsheets import csv_lines

from . import services

MAX_PAGE_SIZE = 500


def _date(value):
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Resource:
    queryset: Callable
    fields: dict[str, Callable]


RESOURCES = {
    "gis": Resource(
        queryset=lambda: services.public_gis().prefetch_related("townships").order_by("pk"),
        fields={
            "id": lambda o: o.pk,
            "name": lambda o: o.name,
            "name_en": lambda o: o.name_en,
            "kind": lambda o: o.kind,
            "registration_number": lambda o: o.registration_number,
            "authority": lambda o: o.authority,
            "holder": lambda o: o.holder,
            "product_family": lambda o: o.product_family.slug,
            "registration_date": lambda o: _date(o.registration_date),
            "status": lambda o: o.status,
            "townships": lambda o: [t.name for t in o.townships.all()],
            "nice_class": lambda o: o.nice_class,
            "valid_from": lambda o: _date(o.valid_from),
            "valid_until": lambda o: _date(o.valid_until),
            "is_demo": lambda o: o.is_demo,
            "url": lambda o: o.get_absolute_url(),
        },
    ),
    "producers": Resource(
        queryset=lambda: services.public_producers().prefetch_related("product_families").order_by("pk"),
        fields={
            "id": lambda o: o.pk,
            "name": lambda o: o.name,
            "credit_code": lambda o: o.credit_code,
            "kind": lambda o: o.kind,
            "township": lambda o: o.township.name,
            "address": lambda o: o.address,
            "latitude": lambda o: float(o.latitude) if o.latitude is not None else None,
            "longitude": lambda o: float(o.longitude) if o.longitude is not None else None,
            "product_families": lambda o: [f.slug for f in o.product_families.all()],
            "contact_person": lambda o: o.contact_person if o.contact_public else None,
            "contact_phone": lambda o: o.contact_phone if o.contact_public else None,
            "website": lambda o: o.website,
            "status": lambda o: o.status,
            "is_demo": lambda o: o.is_demo,
            "url": lambda o: o.get_absolute_url(),
        },
    ),
    "authorisations": Resource(
        queryset=lambda: services.public_authorisations().order_by("pk"),
        fields={
            "id": lambda o: o.pk,
            "number": lambda o: o.number,
            "producer": lambda o: o.producer.name,
            "producer_credit_code": lambda o: o.producer.credit_code,
            "geographical_indication": lambda o: o.geographical_indication.name,
            "scope": lambda o: o.scope,
            "valid_from": lambda o: _date(o.valid_from),
            "valid_until": lambda o: _date(o.valid_until),
            "status": lambda o: o.status,
            "yearly_quota": lambda o: o.yearly_quota,
            "is_demo": lambda o: o.is_demo,
        },
    ),
    "standards": Resource(
        queryset=lambda: (
            services.public_standards()
            .select_related("replaced_by")
            .prefetch_related("product_families", "geographical_indications")
            .order_by("pk")
        ),
        fields={
            "id": lambda o: o.pk,
            "code": lambda o: o.code,
            "title": lambda o: o.title,
            "level": lambda o: o.level,
            "status": lambda o: o.status,
            "issuing_body": lambda o: o.issuing_body,
            "issued_on": lambda o: _date(o.issued_on),
            "implemented_on": lambda o: _date(o.implemented_on),
            "replaced_by": lambda o: o.replaced_by.code if o.replaced_by_id and o.replaced_by.live else None,
            "product_families": lambda o: [f.slug for f in o.product_families.all()],
            "geographical_indications": lambda o: [g.name for g in o.geographical_indications.all() if g.live],
            "is_demo": lambda o: o.is_demo,
            "url": lambda o: o.get_absolute_url(),
        },
    ),
}


def _row(resource: Resource, obj) -> dict:
    return {name: getter(obj) for name, getter in resource.fields.items()}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _csv_rows(resource: Resource, raw: bool = False) -> Iterable[str]:
    """The header and every row; cells a spreadsheet would run as formulas get a leading ``'``
    unless ``raw`` (``?raw=1``, for programs that read the CSV as data)."""
    rows = (map(_csv_value, _row(resource, obj).values()) for obj in resource.queryset().iterator(chunk_size=2000))
    yield from csv_lines(itertools.chain([resource.fields.keys()], rows), raw=raw)


@require_GET
def registry_list(request, resource_name: str):
    resource = RESOURCES[resource_name]
    if request.GET.get("format") == "csv":
        raw = request.GET.get("raw") == "1"
        response = StreamingHttpResponse(_csv_rows(resource, raw), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="liangping-{resource_name}.csv"'
        return response
    try:
        page_size = min(int(request.GET.get("page_size", 100)), MAX_PAGE_SIZE)
        page_number = int(request.GET.get("page", 1))
        if page_size < 1 or page_number < 1:
            raise ValueError
    except ValueError:
        return HttpResponseBadRequest(_("page and page_size must be positive whole numbers."))
    paginator = Paginator(resource.queryset(), page_size)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        page = None
    base = absolute_url(request.path)  # the site origin, never the request's Host
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page_number,
            "page_size": page_size,
            "next": f"{base}?page={page_number + 1}&page_size={page_size}" if page and page.has_next() else None,
            "previous": f"{base}?page={page_number - 1}&page_size={page_size}" if page_number > 1 else None,
            "results": [_row(resource, obj) for obj in page.object_list] if page else [],
        },
        json_dumps_params={"ensure_ascii": False},
    )
