"""The registry's public surface for other apps and views: what the public may see, and how.

Views and other apps call these functions rather than filtering models themselves, so the rule
"only live (published) records are public" is written once.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.memo import memoized

from ..models import Authorisation, GeographicalIndication, Producer, ProducerPhoto, ProductFamily, Standard


def public_gis() -> QuerySet[GeographicalIndication]:
    return GeographicalIndication.objects.filter(live=True).select_related("product_family")


def public_producers() -> QuerySet[Producer]:
    return Producer.objects.filter(live=True).select_related("township")


def profile_photos() -> QuerySet[ProducerPhoto]:
    """A producer's public profile photos (the rows hold the live version only: a draft's photos
    stay in its revision), with their images and renditions in two more queries in all."""
    return ProducerPhoto.objects.select_related("image").prefetch_related("image__renditions").order_by("sort_order")


def with_profile(queryset: QuerySet, path: str = "") -> QuerySet:
    """``queryset`` (producers, or records with a producer at ``path``) with each producer's
    profile photos as ``public_photos``: a fixed number of queries whatever the number of rows."""
    lookup = f"{path}__profile_photos" if path else "profile_photos"
    return queryset.prefetch_related(Prefetch(lookup, queryset=profile_photos(), to_attr="public_photos"))


def public_standards() -> QuerySet[Standard]:
    return Standard.objects.filter(live=True)


def public_authorisations() -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(
        live=True, producer__live=True, geographical_indication__live=True
    ).select_related("producer", "geographical_indication")


def valid_authorisations(day: datetime.date | None = None) -> QuerySet[Authorisation]:
    """Public authorisations in force on ``day`` (today by default): published, and valid by the
    registry's one rule, ``Authorisation.objects.valid_on`` (the rule code issuance applies)."""
    return public_authorisations().valid_on(day)


def gi_detail(slug: str) -> GeographicalIndication:
    """One public GI with everything its page shows, in a fixed number of queries."""
    return (
        public_gis()
        .prefetch_related(
            "townships",
            Prefetch("standards", queryset=public_standards().order_by("level", "code"), to_attr="public_standards"),
        )
        .select_related("specification", "mark_image")
        .get(slug=slug)
    )


def authorised_producers(gi: GeographicalIndication) -> QuerySet[Authorisation]:
    return valid_authorisations().filter(geographical_indication=gi).order_by("producer__name")


def filter_producers(
    *, township: str = "", kind: str = "", family: str = "", gi: str = "", q: str = ""
) -> QuerySet[Producer]:
    """The producer directory: filters by township id, type, product-family slug, the GI a
    producer is authorised for today (slug), and name / credit-code text."""
    qs = public_producers().prefetch_related("product_families")
    if gi:
        qs = qs.filter(pk__in=valid_authorisations().filter(geographical_indication__slug=gi).values("producer_id"))
    if township.isdigit():
        qs = qs.filter(township_id=int(township))
    if kind in Producer.Kind.values:
        qs = qs.filter(kind=kind)
    if family:
        qs = qs.filter(
            pk__in=Producer.product_families.through.objects.filter(productfamily__slug=family).values("producer_id")
        )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.strip()) | Q(address__icontains=q))
    return qs.order_by("name")


def filter_standards(*, level: str = "", status: str = "", family: str = "", q: str = "") -> QuerySet[Standard]:
    qs = public_standards().prefetch_related("product_families").select_related("replaced_by")
    if level in Standard.Level.values:
        qs = qs.filter(level=level)
    if status in Standard.Status.values:
        qs = qs.filter(status=status)
    if family:
        qs = qs.filter(
            pk__in=Standard.product_families.through.objects.filter(productfamily__slug=family).values("standard_id")
        )
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return qs.order_by("level", "code")


def home_summary() -> dict:
    """Figures and lists the home page shows."""
    families = ProductFamily.objects.filter(is_five_zi=True).annotate(
        gi_count=Count("geographical_indications", filter=Q(geographical_indications__live=True), distinct=True)
    )
    return {
        "families": families,
        "featured_gis": public_gis().filter(status=GeographicalIndication.Status.REGISTERED)[:6],
        "registry_counts": memoized(("registry-counts", timezone.localdate()), registry_counts),
    }


def registry_counts() -> dict[str, int]:
    """The home page's figures. Counted once per content version and day (core/memo.py): every
    counted model is in ``PAGE_CACHE_MODELS``, and an authorisation's validity turns with the day."""
    return {
        "gis": public_gis().count(),
        "producers": public_producers().count(),
        "authorisations": valid_authorisations().count(),
        "standards": public_standards().count(),
    }
