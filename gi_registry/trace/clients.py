"""Who is asking for a code: the client class from the User-Agent and the coarse origin.

* Client class: WeChat (``MicroMessenger``), Alipay (``AlipayClient``), a browser, a crawler or
  link-preview fetcher, or other. Crawlers and previews (a link pasted into a chat is fetched by
  the chat's server to draw its card) and requests without a User-Agent (every phone browser
  sends one) are logged as not counted. ``TRACE_EXTRA_CRAWLER_PATTERNS`` adds substrings.
* Coarse origin: a keyed hash of the client's /24 (IPv4) or /48 (IPv6) network, 16 hex digits.
  Enough to tell "scanned from many places" from "scanned many times in one place"; the address
  itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from functools import lru_cache

from django.conf import settings

from .models import Scan

# Link-preview fetchers and crawlers. WeChat's own preview fetcher does not publish its
# User-Agent; the generic words below and the "no User-Agent" rule cover the ones seen in logs.
CRAWLER_WORDS = (
    "bot",
    "spider",
    "crawl",
    "slurp",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "embedly",
    "whatsapp",
    "skypeuripreview",
    "qq-url-manager",
    "mediapartners",
    "headlesschrome",
    "python-requests",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
)


@lru_cache(maxsize=4)
def _crawler_re(extra: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w.lower()) for w in CRAWLER_WORDS + extra))


def client_class(user_agent: str) -> str:
    """``wechat``, ``alipay``, ``browser``, ``crawler`` or ``other`` for a User-Agent string."""
    return _client_class(user_agent or "", tuple(settings.TRACE_EXTRA_CRAWLER_PATTERNS))


@lru_cache(maxsize=1024)  # phones of one model and app version send the same string
def _client_class(user_agent: str, extra: tuple[str, ...]) -> str:
    ua = user_agent.lower()[:512]
    if not ua.strip():
        return Scan.Client.CRAWLER
    if _crawler_re(extra).search(ua):
        return Scan.Client.CRAWLER
    if "micromessenger" in ua:
        return Scan.Client.WECHAT
    if "alipay" in ua:
        return Scan.Client.ALIPAY
    if ua.startswith("mozilla/") or "applewebkit" in ua or "gecko" in ua:
        return Scan.Client.BROWSER
    return Scan.Client.OTHER


def coarse_origin(address: str) -> str:
    """A keyed hash of the /24 or /48 network of ``address`` (16 hex digits), '' if unparsable."""
    return _coarse_origin(address, settings.SECRET_KEY)


@lru_cache(maxsize=4096)  # the hashes of recent clients, in memory only
def _coarse_origin(address: str, secret: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    key = (secret or "trace-origin").encode()
    return hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:16]
