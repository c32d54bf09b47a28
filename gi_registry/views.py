"""Public pages of the registry: GIs, the producer directory and the standards library."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from . import services
from .jsonld import gi_jsonld, producer_jsonld, standard_jsonld
from .models import GeographicalIndication, Producer, ProductFamily, Standard, Township

#: the GI page lists this many authorised producers and links to the directory for the rest
GI_PAGE_PRODUCERS = 50


def _page(request, queryset):
    paginator = Paginator(queryset, settings.REGISTRY_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def gi_index(request):
    gis = services.public_gis().order_by("product_family__sort_order", "name")
    return render(request, "gi_registry/gi_index.html", {"gis": gis})


def gi_detail(request, slug):
    try:
        gi = services.gi_detail(slug)
    except GeographicalIndication.DoesNotExist as exc:
        raise Http404 from exc
    authorisations = services.with_profile(services.authorised_producers(gi), "producer")
    shown = SimpleLazyObject(lambda: list(authorisations[:GI_PAGE_PRODUCERS]))
    # Lazy: the page's body is rendered once per content version ({% memo %}), and only then are
    # these read; the title, the description and the JSON-LD need the GI alone.
    return render(
        request,
        "gi_registry/gi_detail.html",
        {
            "gi": gi,
            "authorisations": shown,
            "authorisation_count": SimpleLazyObject(authorisations.count),
            "genuine_box_producers": SimpleLazyObject(lambda: producers_with_profile(a.producer for a in shown)),
            "polygon_svg": SimpleLazyObject(lambda: gi_polygon_svg(gi.protected_area_geojson)),
            "jsonld": gi_jsonld(gi, request),
        },
    )


def producers_with_profile(producers) -> list[Producer]:
    """The producers (each once) whose public profile says how to recognise their genuine box."""
    seen, found = set(), []
    for producer in producers:
        if producer.pk not in seen and (producer.genuine_box or producer.public_photos):
            seen.add(producer.pk)
            found.append(producer)
    return found


def producer_directory(request):
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("township", "kind", "family", "gi", "q")}
    page = _page(request, services.filter_producers(**filters))
    return render(
        request,
        "gi_registry/producer_directory.html",
        {
            "page": page,
            "filters": filters,
            "townships": Township.objects.all(),
            "kinds": Producer.Kind.choices,
            "families": ProductFamily.objects.all(),
            "querystring": _querystring_without_page(request),
        },
    )


def producer_detail(request, credit_code):
    producer = get_object_or_404(services.with_profile(services.public_producers()), credit_code=credit_code.upper())
    authorisations = services.public_authorisations().filter(producer=producer).order_by("-valid_from")
    return render(
        request,
        "gi_registry/producer_detail.html",
        {"producer": producer, "authorisations": authorisations, "jsonld": producer_jsonld(producer, request)},
    )


def standard_library(request):
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("level", "status", "family", "q")}
    page = _page(request, services.filter_standards(**filters))
    return render(
        request,
        "gi_registry/standard_library.html",
        {
            "page": page,
            "filters": filters,
            "levels": Standard.Level.choices,
            "statuses": Standard.Status.choices,
            "families": ProductFamily.objects.all(),
            "querystring": _querystring_without_page(request),
        },
    )


def standard_detail(request, slug):
    standard = get_object_or_404(
        services.public_standards().prefetch_related("product_families", "replaces").select_related("pdf"), slug=slug
    )
    gis = services.public_gis().filter(standards=standard)
    return render(
        request,
        "gi_registry/standard_detail.html",
        {
            "standard": standard,
            "chain": [s for s in standard.superseded_chain() if s.live],
            "replaces": [s for s in standard.replaces.all() if s.live],
            "gis": gis,
            "jsonld": standard_jsonld(standard, request),
        },
    )


def gi_polygon_svg(geojson, size: int = 320) -> dict | None:
    """Project a protected-area polygon onto an SVG viewBox, server-side, so the map needs no JS."""
    if not geojson:
        return None
    geometry = geojson.get("geometry", geojson)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    points = [(float(lon), float(lat)) for polygon in polygons for ring in polygon for lon, lat in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    span = max(max_lon - min_lon, max_lat - min_lat) or 1.0
    pad = 10

    def project(lon, lat):
        x = pad + (lon - min_lon) / span * (size - 2 * pad)
        y = pad + (max_lat - lat) / span * (size - 2 * pad)
        return f"{x:.1f},{y:.1f}"

    paths = []
    for polygon in polygons:
        d = " ".join("M" + " L".join(project(lon, lat) for lon, lat in ring) + " Z" for ring in polygon)
        paths.append(d)
    return {"size": size, "paths": paths, "bbox": (min_lon, min_lat, max_lon, max_lat)}
