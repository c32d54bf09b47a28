"""``/.well-known/gs1resolver``: the resolver description file (GS1-Conformant Resolver 1.2.0).

A program that meets one of our GS1 Digital Links learns here what the resolver answers: its root,
the primary keys it resolves (GTIN only), the link types it serves (GS1 Web vocabulary), that the
default link is a page rather than the linkset, and where the JSON-LD context of its linksets is.
The file is the same for everybody and changes only with a release: cached for a day.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.origin import site_origin

from .digital_link import GS1_VOC, LINKSET_CONTEXT

#: The link types this resolver serves: (link type, English title, Chinese title).
ACTIVE_LINK_TYPES = (
    ("pip", "Product information page", "产品信息页"),
    ("traceability", "Traceability information", "溯源信息"),
    ("certificationInfo", "Certification information", "认证信息"),
    ("verificationService", "Verification service", "核验服务"),
    ("defaultLink", "Default link", "默认链接"),
)


def description() -> dict:
    root = site_origin()
    return {
        "name": settings.WAGTAIL_SITE_NAME,
        "resolverRoot": root,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "linkTypeDefaultCanBeAll": False,
        "supportedContextValuesEnumerated": [],
        "supportsLanguageVariants": True,
        "supportsSemanticInterpretation": False,
        "validatesAIcombinations": True,
        "jsonLdContextLocation": LINKSET_CONTEXT,
        "contact": {"fn": settings.WAGTAIL_SITE_NAME, "url": root + "/contact/"},
        "activeLinkTypes": {
            lang: {
                f"gs1:{name}": {"title": en if lang == "en" else zh, "url": GS1_VOC + name}
                for name, en, zh in ACTIVE_LINK_TYPES
            }
            for lang in ("en", "zh-Hans")
        },
    }


@require_safe
@cache_control(max_age=86400, public=True)
def gs1resolver(request):
    response = JsonResponse(description(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response
