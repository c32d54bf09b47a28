"""Choosing among several links of one type: the resolver CE's matching rules, on link lists
shaped like the CE's test data (links per language, context and media type)."""

from gi_registry.trace.link_negotiation import Link, choose, link_header_value

REGISTER = "https://gs1.org/voc/registerProduct"
CERT = "https://gs1.org/voc/certificationInfo"

# The CE's GTIN 09506000134376: gs1:registerProduct links for en-GB (with en), en-US and en-IE.
REGISTER_LINKS = [
    Link(REGISTER, "https://example.com/register?register=en-GB", "Register", "text/html", ("en-GB", "en")),
    Link(REGISTER, "https://example.com/register?register=en-US", "Register", "text/html", ("en-US",)),
    Link(REGISTER, "https://example.com/register?register=en-IE", "Register", "text/html", ("en-IE",)),
]


def chosen(links, **request):
    return choose(links, **request).link.href.rsplit("=", 1)[1]


def test_most_preferred_language_with_q_values():
    """The link in the browser's most preferred language is chosen; q-values are weights, not part
    of the tag (CE issue 97: 'en-IE;q=0.9' must still match en-IE)."""
    assert chosen(REGISTER_LINKS, accept_language="en-GB,en;q=0.9,en-US;q=0.8,en-IE;q=0.7") == "en-GB"
    assert chosen(REGISTER_LINKS, accept_language="en,en-US;q=0.8,en-IE;q=0.7") == "en-GB"
    assert chosen(REGISTER_LINKS, accept_language="en-US,en;q=0.9,en-GB;q=0.8,en-IE;q=0.7") == "en-US"
    assert chosen(REGISTER_LINKS, accept_language="en-IE;q=0.9,en;q=0.8,en-GB;q=0.7,en-US;q=0.6") == "en-IE"


def test_no_matching_language_gives_the_first_link():
    """When none of the requested languages is available, the first link of the type is chosen."""
    assert chosen(REGISTER_LINKS, accept_language="fr-BE,fr-FR;q=0.8,fr;q=0.7") == "en-GB"


def test_language_before_context_before_media_type_then_default():
    """Language decides first, then the context parameter, then the media type; what is still
    undecided goes to the item's default link."""
    links = [
        Link(CERT, "https://x.org/c?n=zh-html", "证书", "text/html", ("zh-Hans",)),
        Link(CERT, "https://x.org/c?n=zh-pdf", "证书", "application/pdf", ("zh-Hans",)),
        Link(CERT, "https://x.org/c?n=en-trade", "Certificate", "text/html", ("en",), ("trade",)),
        Link(CERT, "https://x.org/c?n=en-html", "Certificate", "text/html", ("en",)),
    ]
    assert chosen(links, accept_language="zh-CN", accept="application/pdf") == "zh-pdf"
    assert chosen(links, accept_language="zh-CN", accept="text/html,*/*;q=0.8") == "zh-html"
    assert chosen(links, accept_language="en", context="trade") == "en-trade"
    assert chosen(links, accept_language="en", default="https://x.org/c?n=en-html") == "en-html"
    assert chosen(links, accept_language="de", accept="application/*") == "zh-pdf"


def test_indistinguishable_links_answer_300():
    """Several links of the type with the same media type, language and context cannot be told
    apart: the resolver answers 300 Multiple Choices with all of them (the CE's three certificates)."""
    certificates = [
        Link(CERT, f"https://example.com/certificate_{n}?lot=LOT01", f"Certificate {n}", "text/html", ("en",))
        for n in (1, 2, 3)
    ]
    choice = choose(certificates, accept_language="en", accept="text/html")
    assert choice.link is None
    assert [link.href for link in choice.choices] == [link.href for link in certificates]


def test_non_ascii_titles_in_link_headers_use_rfc8187():
    """A Link header is ASCII: a Chinese title goes in title* (RFC 8187), quoted values escaped."""
    header = link_header_value("https://x.org/t/A", "linkset", title="溯源信息", type="application/linkset+json")
    assert header.isascii()
    assert "title*=UTF-8''%E6%BA%AF%E6%BA%90%E4%BF%A1%E6%81%AF" in header
    assert header.startswith('<https://x.org/t/A>; rel="linkset"')
