"""Open data: the public registry as JSON (paged) and CSV (all rows, streamed).

Public fields only. A producer's contact person and phone appear only where the producer chose
to publish them (``contact_public``); account links, drafts and demo flags of unpublished
records never leave the database.

Each resource's columns are defined once, here: the JSON keys and the CSV header (in this
order), how each value is read, and its type for the OpenAPI schema. The views (Django REST
framework) are in ``gi_registry/api.py``, the serializers built from these columns in
``gi_registry/serializers.py``; the CSV goes through the shared formula-safe writer
(``core/spreadsheets.py``).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from . import services
from .models import Authorisation, GeographicalIndication, Producer, Standard

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


def _date(value):
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Column:
    """One column: ``get(obj)`` is its value in the JSON (and, as text, in the CSV); the rest
    describes it in the OpenAPI schema."""

    get: Callable
    type: str = "string"
    format: str | None = None
    nullable: bool = False
    items: str | None = None  # an array's items' type
    enum: tuple[str, ...] = ()
    description: str = ""

    def schema(self) -> dict:
        schema: dict = {"type": self.type}
        if self.format:
            schema["format"] = self.format
        if self.items:
            schema["items"] = {"type": self.items}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.nullable:
            schema["nullable"] = True
        if self.description:
            schema["description"] = self.description
        return schema


def text(get, **kwargs) -> Column:
    return Column(get, **kwargs)


def integer(get, **kwargs) -> Column:
    return Column(get, type="integer", **kwargs)


def number(get, **kwargs) -> Column:
    return Column(get, type="number", format="double", **kwargs)


def boolean(get, **kwargs) -> Column:
    return Column(get, type="boolean", **kwargs)


def texts(get, **kwargs) -> Column:
    """A list of strings (in the CSV: joined with ``;``)."""
    return Column(get, type="array", items="string", **kwargs)


def choice(get, choices, **kwargs) -> Column:
    return Column(get, enum=tuple(choices.values), **kwargs)


def day(get, nullable: bool = True, **kwargs) -> Column:
    """A date as ``YYYY-MM-DD``, or ``None``."""
    return Column(lambda o: _date(get(o)), format="date", nullable=nullable, **kwargs)


ID = integer(lambda o: o.pk, description="The record's id.")
IS_DEMO = boolean(lambda o: o.is_demo, description="Demonstration data, not a real record.")
URL = text(lambda o: o.get_absolute_url(), description="The record's page on this site (a path).")


@dataclass(frozen=True)
class Resource:
    queryset: Callable
    fields: dict[str, Column]
    schema_name: str = ""  # the OpenAPI component of one row
    description: str = ""


RESOURCES = {
    "gis": Resource(
        queryset=lambda: services.public_gis().prefetch_related("townships").order_by("pk"),
        schema_name="GeographicalIndication",
        description="Published geographical indications (GI products, agricultural GIs, GI marks).",
        fields={
            "id": ID,
            "name": text(lambda o: o.name),
            "name_en": text(lambda o: o.name_en, description="English name; empty if none."),
            "kind": choice(lambda o: o.kind, GeographicalIndication.Kind),
            "registration_number": text(lambda o: o.registration_number),
            "authority": text(lambda o: o.authority),
            "holder": text(lambda o: o.holder),
            "product_family": text(lambda o: o.product_family.slug, description="The product family's slug."),
            "registration_date": day(lambda o: o.registration_date),
            "status": choice(lambda o: o.status, GeographicalIndication.Status),
            "townships": texts(lambda o: [t.name for t in o.townships.all()], description="Townships of the area."),
            "nice_class": integer(lambda o: o.nice_class, nullable=True, description="Marks only."),
            "valid_from": day(lambda o: o.valid_from),
            "valid_until": day(lambda o: o.valid_until),
            "is_demo": IS_DEMO,
            "url": URL,
        },
    ),
    "producers": Resource(
        queryset=lambda: services.public_producers().prefetch_related("product_families").order_by("pk"),
        schema_name="Producer",
        description="Published producers. Contact person and phone only where the producer made them public.",
        fields={
            "id": ID,
            "name": text(lambda o: o.name),
            "credit_code": text(lambda o: o.credit_code, description="Unified social credit code (GB 32100-2015)."),
            "kind": choice(lambda o: o.kind, Producer.Kind),
            "township": text(lambda o: o.township.name),
            "address": text(lambda o: o.address),
            "latitude": number(lambda o: float(o.latitude) if o.latitude is not None else None, nullable=True),
            "longitude": number(lambda o: float(o.longitude) if o.longitude is not None else None, nullable=True),
            "product_families": texts(lambda o: [f.slug for f in o.product_families.all()]),
            "contact_person": text(
                lambda o: o.contact_person if o.contact_public else None,
                nullable=True,
                description="Null unless public.",
            ),
            "contact_phone": text(
                lambda o: o.contact_phone if o.contact_public else None,
                nullable=True,
                description="Null unless public.",
            ),
            "website": text(lambda o: o.website),
            "status": choice(lambda o: o.status, Producer.Status),
            "is_demo": IS_DEMO,
            "url": URL,
        },
    ),
    "authorisations": Resource(
        queryset=lambda: services.public_authorisations().order_by("pk"),
        schema_name="Authorisation",
        description="Published authorisations to use a GI, of published producers for published GIs.",
        fields={
            "id": ID,
            "number": text(lambda o: o.number),
            "producer": text(lambda o: o.producer.name, description="The producer's name."),
            "producer_credit_code": text(lambda o: o.producer.credit_code),
            "geographical_indication": text(lambda o: o.geographical_indication.name, description="The GI's name."),
            "scope": text(lambda o: o.scope),
            "valid_from": day(lambda o: o.valid_from, nullable=False),
            "valid_until": day(lambda o: o.valid_until, nullable=False),
            "status": choice(lambda o: o.status, Authorisation.Status),
            "yearly_quota": integer(
                lambda o: o.yearly_quota, description="Codes that may be issued per calendar year."
            ),
            "is_demo": IS_DEMO,
        },
    ),
    "standards": Resource(
        queryset=lambda: (
            services.public_standards()
            .select_related("replaced_by")
            .prefetch_related("product_families", "geographical_indications")
            .order_by("pk")
        ),
        schema_name="Standard",
        description="Published standards (national, industry, local, group, enterprise).",
        fields={
            "id": ID,
            "code": text(lambda o: o.code),
            "title": text(lambda o: o.title),
            "level": choice(lambda o: o.level, Standard.Level),
            "status": choice(lambda o: o.status, Standard.Status),
            "issuing_body": text(lambda o: o.issuing_body),
            "issued_on": day(lambda o: o.issued_on),
            "implemented_on": day(lambda o: o.implemented_on),
            "replaced_by": text(
                lambda o: o.replaced_by.code if o.replaced_by_id and o.replaced_by.live else None,
                nullable=True,
                description="The code of the published standard that replaces this one.",
            ),
            "product_families": texts(lambda o: [f.slug for f in o.product_families.all()]),
            "geographical_indications": texts(
                lambda o: [g.name for g in o.geographical_indications.all() if g.live],
                description="Published GIs' names.",
            ),
            "is_demo": IS_DEMO,
            "url": URL,
        },
    ),
}


def row(resource: Resource, obj) -> dict:
    return {name: column.get(obj) for name, column in resource.fields.items()}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def table(resource: Resource) -> Iterator[Iterable[str]]:
    """The CSV's header and every row as text (lists joined with ``;``, ``None`` empty), read in
    chunks; the CSV renderer writes them through the shared formula-safe writer."""
    yield resource.fields.keys()
    for obj in resource.queryset().iterator(chunk_size=2000):
        yield map(_csv_value, row(resource, obj).values())
