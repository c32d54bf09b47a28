"""schema.org JSON-LD for the registry's detail pages."""

import json

from core.origin import absolute_url


def _dump(data: dict) -> str:
    # Escape "<" so a value can never close the surrounding <script> element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def gi_jsonld(gi, request) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": gi.name,
        "url": absolute_url(gi.get_absolute_url()),
        "category": gi.product_family.name,
        "description": gi.summary or gi.protected_area,
        "countryOfOrigin": {"@type": "Country", "name": "CN"},
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "GI kind", "value": gi.get_kind_display()},
            {"@type": "PropertyValue", "name": "registration number", "value": gi.registration_number},
        ],
    }
    return _dump(data)


def producer_jsonld(producer, request) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": producer.name,
        "url": absolute_url(producer.get_absolute_url()),
        "taxID": producer.credit_code,
        "address": {
            "@type": "PostalAddress",
            "addressRegion": "重庆市",
            "addressLocality": f"梁平区{producer.township.name}",
            "streetAddress": producer.address,
            "addressCountry": "CN",
        },
    }
    if producer.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(producer.latitude),
            "longitude": float(producer.longitude),
        }
    return _dump(data)


def standard_jsonld(standard, request) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": f"{standard.code} {standard.title}",
        "identifier": standard.code,
        "url": absolute_url(standard.get_absolute_url()),
        "datePublished": standard.issued_on.isoformat() if standard.issued_on else None,
        "creativeWorkStatus": standard.get_status_display(),
        "publisher": {"@type": "Organization", "name": standard.issuing_body} if standard.issuing_body else None,
    }
    return _dump({k: v for k, v in data.items() if v is not None})
