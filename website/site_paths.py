"""Paths on this site as a browser reads them: the rule for the navigation and footer links.

A link staff type as "a path on this site" is rendered as ``href="<path>"``. Browsers follow the
WHATWG URL standard, not RFC 3986: they drop tabs and newlines anywhere, strip leading control
characters and spaces, and read ``\\`` as ``/`` in http(s) URLs. So ``/\\evil.example/`` and
``/\\t/evil.example`` become ``//evil.example/``, an address on another host, although they start
with a single ``/``. Django's ``url_has_allowed_host_and_scheme`` knows some of this (backslashes,
a leading control character) but not tabs inside the path; this module adds the rest.
"""

from __future__ import annotations

import unicodedata

from django.utils.http import url_has_allowed_host_and_scheme

_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def browser_normalised(url: str) -> str:
    """What a browser makes of ``url`` before resolving it against the page (WHATWG URL parser,
    http(s) base): C0 controls and spaces stripped at both ends, tab/LF/CR removed everywhere,
    ``\\`` read as ``/``."""
    url = url.strip(_C0_AND_SPACE)
    for character in "\t\n\r":
        url = url.replace(character, "")
    return url.replace("\\", "/")


def is_site_path(path: str) -> bool:
    """True if ``path`` is an absolute path on this site exactly as written: it starts with one
    ``/`` (not ``//``), holds no backslash, whitespace, control or invisible formatting character
    (Unicode category C), and neither Django nor a browser resolves it to another host."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    if any(character.isspace() or unicodedata.category(character)[0] == "C" for character in path):
        return False
    return browser_normalised(path) == path and url_has_allowed_host_and_scheme(path, allowed_hosts=None)
