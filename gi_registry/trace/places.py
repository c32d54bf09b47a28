"""The coarse place of a scan: the city (at most) an IPv4 address belongs to, from an offline database.

The database is ip2region's ``ip2region.xdb`` (Apache-2.0, data and reader), as shipped inside the
PyPI package ``XdbSearchIP`` (its only use here is that data file); it is read with ip2region's
official reader ``py-ip2region``. Lookups are offline: nothing leaves the machine. Its Chinese
records name the city (``中国|0|四川省|成都市|电信`` gives ``成都市``); where the city is unknown the
province is used, abroad the country. Private, loopback and other non-public addresses, IPv6
(the shipped file is IPv4 only) and anything unparsable give ``""``.

Only the place name is stored with a scan (``Scan.place``); the address never is. The file is
memory-mapped once per process (read-only, so the page cache shares it between workers) and the
last few thousand answers are cached per network, so a scan pays a dictionary lookup at most
times; a miss is a few microseconds. Set ``TRACE_SCAN_PLACES = False`` to record no place.
"""

from __future__ import annotations

import ipaddress
import logging
import mmap
import threading
from functools import lru_cache
from importlib import resources

from django.conf import settings

logger = logging.getLogger(__name__)

#: the longest place stored (``Scan.place``)
PLACE_MAX_LENGTH = 40

_lock = threading.Lock()
_searcher = None
_unavailable = False


def database_path() -> str | None:
    """The bundled ip2region.xdb, or None if the package is missing."""
    try:
        path = resources.files("XdbSearchIP") / "data" / "ip2region.xdb"
    except ModuleNotFoundError:
        return None
    return str(path) if path.is_file() else None


def _reader():
    """ip2region's searcher over the memory-mapped file (once per process), None if unavailable."""
    global _searcher, _unavailable
    if _searcher is not None or _unavailable:
        return _searcher
    with _lock:
        if _searcher is None and not _unavailable:
            path = database_path()
            try:
                from ip2region import searcher, util

                with open(path, "rb") as handle:  # path None: TypeError, caught below
                    content = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                _searcher = searcher.new_with_buffer(util.IPv4, content)
            except (ImportError, OSError, TypeError, ValueError):
                logger.warning("places: no ip2region database (XdbSearchIP, py-ip2region); scans get no place")
                _unavailable = True
    return _searcher


def coarse_place(address: str) -> str:
    """The city (or province, or country) of ``address``; '' when unknown or not public."""
    if not address or not getattr(settings, "TRACE_SCAN_PLACES", True):
        return ""
    return _place_of_address(address)


@lru_cache(maxsize=4096)  # recent clients' places, in memory only (a phone scans box after box)
def _place_of_address(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version != 4 or not ip.is_global:
        return ""
    # one answer per /24 (a place split inside one /24 is rare and coarse anyway); the cache holds
    # networks, not addresses
    return _place_of_network(int(ip) >> 8)


@lru_cache(maxsize=8192)
def _place_of_network(network: int) -> str:
    reader = _reader()
    if reader is None:
        return ""
    try:
        region = reader.search(((network << 8) | 1).to_bytes(4, "big"))
    except (ValueError, IndexError):
        return ""
    return place_from_region(region)


def place_from_region(region: str) -> str:
    """``国家|区域|省份|城市|ISP`` → the city, else the province, else the country ('' for none)."""
    parts = (region or "").split("|")
    if len(parts) < 4:
        return ""
    country, _area, province, city = parts[:4]
    for name in (city, province, country):
        if name and name != "0" and "内网" not in name and name != "保留":
            return name[:PLACE_MAX_LENGTH]
    return ""
