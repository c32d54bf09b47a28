"""Choosing one link among several of the requested link type (GS1-Conformant Resolver 1.2.0).

A resolver that holds several links of one type narrows them down by what the request says, in
this order: the human language (``Accept-Language``, with q-values), the ``context`` query
parameter, the media type (``Accept``, with q-values); what is still more than one goes to the
item's default link when it is among them, else to the first link of the type. Only links that
cannot be told apart at all (same media type, languages and context) answer 300 Multiple Choices.
Each step narrows only when something matches: a French browser asking for a page that exists in
Chinese and English still gets a page, the first one listed.

Language tags match per RFC 4647, case-insensitively: exactly; then a range that is a prefix of a
link's tag (``zh`` matches ``zh-Hans``); then a tag cut back to its language (``en-GB`` finds
``en``). ``zh-CN``, ``zh-SG`` and ``zh-Hans-*`` are simplified Chinese, so they match ``zh-Hans``
exactly; ``zh-TW``, ``zh-HK`` and ``zh-MO`` match ``zh-Hant``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

SIMPLIFIED = {"zh-cn", "zh-sg", "zh-hans", "zh-my"}
TRADITIONAL = {"zh-tw", "zh-hk", "zh-mo", "zh-hant"}


@dataclass(frozen=True)
class Link:
    """One link of a linkset: its link type (a full URI) and its target attributes."""

    rel: str
    href: str
    title: str
    type: str | None = None
    hreflang: tuple[str, ...] = ()
    context: tuple[str, ...] = field(default=())

    def as_json(self) -> dict:
        data: dict = {"href": self.href, "title": self.title}
        if self.type:
            data["type"] = self.type
        if self.hreflang:
            data["hreflang"] = list(self.hreflang)
        if self.context:
            data["context"] = list(self.context)
        return data

    @property
    def attributes(self) -> tuple:
        return (self.type, tuple(t.lower() for t in self.hreflang), self.context)


def _weighted(header: str) -> list[str]:
    """The values of an ``Accept``-style header, most wanted first (stable for equal q), q=0 dropped."""
    items = []
    for position, part in enumerate(header.split(",")):
        value, *params = (p.strip() for p in part.split(";"))
        if not value:
            continue
        q = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, position, value.lower()))
    return [value for _q, _p, value in sorted(items)]


def _script(tag: str) -> str:
    """A Chinese tag as its script tag (``zh-cn`` → ``zh-hans``); any other tag unchanged."""
    tag = tag.lower()
    if tag in SIMPLIFIED or tag.startswith("zh-hans-"):
        return "zh-hans"
    if tag in TRADITIONAL or tag.startswith("zh-hant-"):
        return "zh-hant"
    return tag


def _language_matches(wanted: str, links: list[Link]) -> list[Link]:
    if wanted == "*":
        return [link for link in links if link.hreflang]
    tag = _script(wanted)
    exact = [link for link in links if tag in {_script(t) for t in link.hreflang}]
    if exact:
        return exact
    prefix = [link for link in links if any(_script(t).startswith(tag + "-") for t in link.hreflang)]
    if prefix:
        return prefix
    primary = tag.split("-")[0]
    return [link for link in links if primary in {_script(t).split("-")[0] for t in link.hreflang}]


def by_language(links: list[Link], accept_language: str) -> list[Link]:
    for wanted in _weighted(accept_language):
        found = _language_matches(wanted, links)
        if found:
            return found
    return links


def by_context(links: list[Link], context: str | None) -> list[Link]:
    if not context:
        return links
    found = [link for link in links if context in link.context]
    return found or links


def _media_matches(wanted: str, link: Link) -> bool:
    if not link.type:
        return False
    if wanted.endswith("/*"):
        return link.type.lower().startswith(wanted[:-1])
    return link.type.lower() == wanted


def by_media_type(links: list[Link], accept: str) -> list[Link]:
    for wanted in _weighted(accept):
        if wanted == "*/*":
            return links
        found = [link for link in links if _media_matches(wanted, link)]
        if found:
            return found
    return links


@dataclass(frozen=True)
class Choice:
    link: Link | None  # the one link to redirect to
    choices: tuple[Link, ...] = ()  # or the links that cannot be told apart (300)


def choose(
    links: list[Link], *, accept_language: str = "", accept: str = "", context: str | None = None, default: str = ""
) -> Choice:
    """The link to redirect to among ``links`` (all of one link type, most granular level)."""
    remaining = by_media_type(by_context(by_language(list(links), accept_language), context), accept)
    if len(remaining) == 1:
        return Choice(remaining[0])
    if len({link.attributes for link in remaining}) == 1:
        return Choice(None, tuple(remaining))
    preferred = next((link for link in remaining if link.href == default), None)
    return Choice(preferred or remaining[0])


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def link_header_value(target: str, rel: str, **params: str | None) -> str:
    """One RFC 8288 link-value; a non-ASCII title goes in ``title*`` (RFC 8187)."""
    parts = [f"<{target}>", f"rel={_quoted(rel)}"]
    for name, value in params.items():
        if value is None:
            continue
        if name == "title" and not value.isascii():
            parts.append(f"title*=UTF-8''{quote(value, safe='')}")
        else:
            parts.append(f"{name}={_quoted(value)}")
    return "; ".join(parts)
