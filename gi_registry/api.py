"""The open-data API on Django REST framework, its OpenAPI 3 schema and docs page.

``/api/v1/registry/{gis,producers,authorisations,standards}`` answer exactly as the hand-written
views before them did (``gi_registry/tests/test_opendata_golden.py`` holds their recorded
answers): JSON pages (``?page=&page_size=``, at most 500) and the whole table as a streamed CSV
(``?format=csv``, formula cells neutralised unless ``&raw=1``). So:

- the format comes from ``?format=csv`` only, never from ``Accept`` (the whole-page cache keys
  pages by their URL: an ``Accept``-dependent answer would be served to the wrong client), and
  an unknown ``format`` is JSON, as before;
- paging errors are a plain-text 400, other methods a bare 405 (``Allow: GET``), HEAD and
  OPTIONS included; no ``Allow`` or ``Vary: Accept`` on the answers;
- no authentication, session or CSRF token for a GET (a POST still meets Django's CSRF check,
  as before), no browsable API, no throttling (the JSON is whole-page cached like any public
  page; the CSV streams).

The trace, search and suggest endpoints stay plain Django views (the trace view is the hot path
of every scan); :func:`document_plain_views` adds them to the schema without touching them.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.origin import absolute_url
from core.spreadsheets import csv_lines

from . import opendata
from .serializers import SERIALIZERS

BAD_PAGING = gettext_noop("page and page_size must be positive whole numbers.")  # answered translated


class OpenDataJSONRenderer(JSONRenderer):
    """JSON as ``JsonResponse`` wrote it: ``", "`` and ``": "`` separators, Chinese unescaped."""

    compact = False
    ensure_ascii = False


class CSVRenderer(BaseRenderer):
    """CSV through the shared writer (``core/spreadsheets.py``): UTF-8 with a BOM, a cell a
    spreadsheet would run as a formula gets a leading ``'`` unless ``raw``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def lines(self, rows, raw: bool = False):
        """The CSV one line at a time, for a ``StreamingHttpResponse``."""
        return csv_lines(rows, raw=raw)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raw = bool(renderer_context and renderer_context.get("raw"))
        return "".join(self.lines(data, raw=raw)).encode(self.charset)


class FormatParameterNegotiation(BaseContentNegotiation):
    """CSV for ``?format=csv``, JSON for anything else; ``Accept`` is not read."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = "csv" if request.query_params.get("format") == "csv" else "json"
        renderer = next((r for r in renderers if r.format == wanted), renderers[0])
        return renderer, renderer.media_type


class BadPaging(ValueError):
    pass


class OpenDataPagination(BasePagination):
    """``?page=`` (from 1) and ``?page_size=`` (default 100, at most 500); a page past the end is
    empty, not an error; ``next``/``previous`` are absolute on the site origin."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            self.page_size = min(
                int(request.query_params.get("page_size", opendata.DEFAULT_PAGE_SIZE)), opendata.MAX_PAGE_SIZE
            )
            self.page_number = int(request.query_params.get("page", 1))
            if self.page_size < 1 or self.page_number < 1:
                raise ValueError
        except ValueError:
            raise BadPaging from None
        self.paginator = Paginator(queryset, self.page_size)
        try:
            self.page = self.paginator.page(self.page_number)
        except EmptyPage:
            self.page = None
        self.base = absolute_url(request.path)  # the site origin, never the request's Host
        return list(self.page.object_list) if self.page else []

    def _link(self, number: int) -> str:
        return f"{self.base}?page={number}&page_size={self.page_size}"

    def get_paginated_response(self, data):
        page, number = self.page, self.page_number
        return Response(
            {
                "count": self.paginator.count,
                "page": number,
                "page_size": self.page_size,
                "next": self._link(number + 1) if page and page.has_next() else None,
                "previous": self._link(number - 1) if number > 1 else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Records in all pages."},
                "page": {"type": "integer", "example": 1},
                "page_size": {"type": "integer", "example": opendata.DEFAULT_PAGE_SIZE},
                "next": {**link, "description": "The next page; null on the last (or past it)."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1 (JSON only). A page past the end has no results.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Records per page (JSON only); more than {opendata.MAX_PAGE_SIZE} counts as "
                f"{opendata.MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "default": opendata.DEFAULT_PAGE_SIZE},
            },
        ]


FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    default="json",
    description="`csv`: every record at once as CSV (UTF-8 with BOM; lists joined with `;`; no paging). "
    "Any other value, or none: JSON.",
)
RAW = OpenApiParameter(
    "raw",
    str,
    enum=["1"],
    description="With `format=csv`: `1` gives the stored values; otherwise a text cell that starts with "
    "`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so that a spreadsheet shows it "
    "instead of running it as a formula.",
)


class RegistryListView(ListModelMixin, GenericAPIView):
    """One open-data resource: a JSON page of its records, or all of them as CSV. (A list view:
    ``ListModelMixin`` tells the schema so; ``get`` below answers, not ``list``.)"""

    resource_name = ""
    http_method_names = ["get"]  # HEAD and OPTIONS too answer 405, as before
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = [OpenDataJSONRenderer, CSVRenderer]
    content_negotiation_class = FormatParameterNegotiation
    pagination_class = OpenDataPagination

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.csrf_exempt = False  # DRF exempts its views; an unsafe method meets Django's check, as before
        return view

    @property
    def resource(self) -> opendata.Resource:
        return opendata.RESOURCES[self.resource_name]

    def get_queryset(self):
        return self.resource.queryset()

    def get_serializer_class(self):
        return SERIALIZERS[self.resource_name]

    @property
    def default_response_headers(self):
        return {}  # no Allow and no Vary: Accept (the answer depends on the URL alone)

    def http_method_not_allowed(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["GET"])

    def get(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if isinstance(renderer, CSVRenderer):
            response = StreamingHttpResponse(
                renderer.lines(opendata.table(self.resource), raw=request.query_params.get("raw") == "1"),
                content_type=f"{renderer.media_type}; charset={renderer.charset}",
            )
            response["Content-Disposition"] = f'attachment; filename="liangping-{self.resource_name}.csv"'
            return response
        try:
            page = self.paginate_queryset(self.get_queryset())
        except BadPaging:
            return HttpResponseBadRequest(_(BAD_PAGING))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


SUMMARIES = {
    "gis": "Geographical indications",
    "producers": "Producers",
    "authorisations": "Authorisations to use a GI",
    "standards": "Standards",
}


def _registry_view(name: str):
    resource = opendata.RESOURCES[name]
    serializer = SERIALIZERS[name]
    schema = extend_schema(
        operation_id=f"registry_{name}",
        summary=SUMMARIES[name],
        description=resource.description,
        tags=["open data"],
        parameters=[FORMAT, RAW],
        responses={
            (200, "application/json"): OpenApiResponse(
                serializer(many=True),
                description="JSON: one page of records. CSV (`format=csv`): a header row (the JSON keys, in order) "
                f'and every record, streamed, as `Content-Disposition: attachment; filename="liangping-{name}.csv"`.',
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (400, "text/html"): OpenApiResponse(OpenApiTypes.STR, description=f"“{BAD_PAGING}”"),
        },
    )

    @schema
    def get(self, request, *args, **kwargs):  # a function of its own, for its own schema
        return RegistryListView.get(self, request, *args, **kwargs)

    view_class = type(f"{resource.schema_name}ListView", (RegistryListView,), {"resource_name": name, "get": get})
    return view_class.as_view()


REGISTRY_VIEWS = {name: _registry_view(name) for name in opendata.RESOURCES}


# ---- the schema and its docs page -----------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: YAML by default, JSON for ``Accept: application/json`` (or
    ``application/vnd.oai.openapi+json``) or ``?format=json``."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class DocsView(SpectacularSwaggerView):
    """Swagger UI from drf-spectacular-sidecar's static files, under the site's strict CSP: the
    template has no inline script or style (its settings travel as JSON data, read by
    ``static/js/api-docs.js``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    template_name = "api/docs.html"
    url_name = "api_schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response(
            data={
                "title": _("Open data API"),
                "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
                "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
                "favicon_href": self._swagger_ui_favicon(),
                "swagger_config": {
                    "url": self._get_schema_url(request),
                    "deepLinking": True,
                    "validatorUrl": None,  # no badge fetched from elsewhere
                    "defaultModelsExpandDepth": 1,
                    "displayOperationId": False,
                },
            },
            template_name=self.template_name,
        )


def public_api_only(endpoints):
    """Preprocessing hook: the schema describes ``/api/v1/`` only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# ---- the endpoints that stay plain Django views ---------------------------------------------
# Written out rather than imported, so that this module imports neither the trace views (the scan
# hot path) nor the search engines; test_api_schema.py checks both lists against their sources.
VERDICTS = ["genuine", "suspicious", "withdrawn", "unknown"]
FACETS = ["type", "gi_kind", "product_family", "township", "standard_level", "standard_status"]

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_OBJECT = {"type": "object", "nullable": True, "additionalProperties": True}
_TRACE = {
    "type": "object",
    "required": ["verdict", "code", "scan_count", "first_scanned_at", "events"],
    "properties": {
        "verdict": {"type": "string", "enum": VERDICTS},
        "code": {"type": "string", "description": "The printed code, normalised."},
        "scan_count": {"type": "integer", "description": "Counted scans of this code (this one included)."},
        "first_scanned_at": {"type": "string", "format": "date-time", "nullable": True},
        "product": _OBJECT,
        "gi": _OBJECT,
        "batch": _OBJECT,
        "producer": _OBJECT,
        "authorisation": _OBJECT,
        "standard": _OBJECT,
        "inspection": _OBJECT,
        "events": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        "page": {"type": "string", "format": "uri", "description": "The code's trace page."},
    },
}
_HIT = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "gi, producer, standard, page …"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "subtitle": {"type": "string"},
    },
    "additionalProperties": True,
}
_SEARCH = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "total": {"type": "integer"},
        "total_exact": {"type": "boolean"},
        "page": {"type": "integer"},
        "size": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                **_HIT,
                "properties": {
                    **_HIT["properties"],
                    "id": {"type": "integer"},
                    "highlight": {"type": "string", "description": "HTML with <mark> around the matches."},
                },
            },
        },
        "facets": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "label": {"type": "string"},
                        "count": {"type": "integer"},
                    },
                },
            },
        },
        "facets_exact": {"type": "boolean"},
    },
    "additionalProperties": True,
}
_SUGGEST = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "suggestions": {"type": "array", "items": _HIT},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict | None = None, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


PLAIN_PATHS = {
    "/api/v1/trace/{code}": {
        "get": {
            "operationId": "trace",
            "tags": ["trace"],
            "summary": "What a printed code says",
            "description": "The facts of the trace page `/t/{code}` as JSON; each request is a scan (counted unless "
            "from a crawler). Never cached (`Cache-Control: no-store`); rate-limited per client.",
            "parameters": [
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "description": "The 20-character printed code, any case, spaces and dashes ignored.",
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": _json(_TRACE, "A genuine or suspicious code."),
                "404": _json(_TRACE, "Unknown or forged: `verdict` is `unknown`, the rest empty."),
                "410": _json(_TRACE, "Withdrawn (its batch withdrawn or recalled)."),
                "429": _json(
                    {"type": "object", "properties": {"error": {"type": "string"}, "retry_after": {"type": "integer"}}},
                    "Too many requests from this client (`Retry-After`).",
                ),
            },
        }
    },
    "/api/v1/search": {
        "get": {
            "operationId": "search",
            "tags": ["search"],
            "summary": "Search GIs, producers, standards and pages",
            "description": "Chinese words and single characters, pinyin in full or by initials, standard and "
            "credit codes. Facet filters (`type`, `gi_kind`, `product_family`, `township`, `standard_level`, "
            "`standard_status`) may be repeated.",
            "parameters": [
                _query("q", "The query."),
                *(_query(facet, "Facet filter (repeatable).") for facet in FACETS),
                _query("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 1}),
                _query("size", "Results per page.", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}),
            ],
            "responses": {"200": _json(_SEARCH, "Results and facets."), "400": _json(_ERROR, "A bad parameter.")},
        }
    },
    "/api/v1/search/suggest": {
        "get": {
            "operationId": "search_suggest",
            "tags": ["search"],
            "summary": "Autocomplete",
            "parameters": [
                _query("q", "What has been typed so far."),
                _query("size", "Suggestions wanted.", {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}),
            ],
            "responses": {"200": _json(_SUGGEST, "Suggestions."), "400": _json(_ERROR, "A bad parameter.")},
        }
    },
}


def document_plain_views(result, generator, request, public):
    """Postprocessing hook: the ``/api/v1/`` endpoints that are plain Django views (trace, search,
    suggest) described by hand; ``gi_registry/tests/test_api_schema.py`` checks each still resolves."""
    result.setdefault("paths", {}).update(PLAIN_PATHS)
    result["paths"] = dict(sorted(result["paths"].items()))
    return result
