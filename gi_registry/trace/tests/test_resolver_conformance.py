"""The rules of GS1's resolver test suites, as tests of our resolver.

Two suites are the source: the GS1 Digital Link Resolver Community Edition's own test
(``tests/setup_test.py``) and GS1's conformance test suite for the GS1-Conformant Resolver
standard (GS1DL-resolver-testsuite, ref.gs1.org/test-suites/resolver). Each test states its rule,
in our words, in its docstring. Where our resolver answers differently on purpose (a serial's page
served directly, an unknown serial's "unknown" verdict), the docstring says so.
"""

import json

import pytest

from gi_registry.trace import dl_compression
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

from .conftest import PHONE

pytestmark = pytest.mark.django_db
GTIN = "06901234567892"
LOT = "LP2025-09"
ORIGIN = "http://testserver"
VOC = "https://gs1.org/voc/"
LINKSET = {"HTTP_ACCEPT": "application/linkset+json"}
BROWSER = {**PHONE, "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def batch():
    return BatchFactory(gtin=GTIN, lot_number=LOT)


@pytest.fixture
def code(batch):
    return issue_codes(batch, 1)[0].printed_code


@pytest.fixture
def gi(batch):
    return batch.authorisation.geographical_indication


def item(code):
    return f"/01/{GTIN}/10/{LOT}/21/{code}"


def links_header(response) -> list[str]:
    return [part.strip() for part in response.get("Link", "").split(", <")]


# --- The Community Edition's test -------------------------------------------------------------


def test_gtin_redirects_307_to_its_default_link(client, gi):
    """A request for a GTIN alone is answered with 307 Temporary Redirect to the item's default link."""
    response = client.get(f"/01/{GTIN}", **BROWSER)
    assert response.status_code == 307
    assert response["Location"] == ORIGIN + gi.get_absolute_url()
    default = client.get(f"/01/{GTIN}", **LINKSET).json()["linkset"][0][VOC + "defaultLink"]
    assert [link["href"] for link in default] == [response["Location"]]


def test_a_gtin14_written_as_gtin13_resolves_the_same(client, gi):
    """A GTIN-13 in the path is the GTIN-14 with a leading zero: both resolve to the same link."""
    assert client.get(f"/01/{GTIN[1:]}", **BROWSER)["Location"] == client.get(f"/01/{GTIN}", **BROWSER)["Location"]


def test_serial_link_type_redirects_to_the_serials_own_page(client, code):
    """A serialised item with a link type redirects (307) to the link for that serial, not the product's."""
    response = client.get(item(code) + "?linkType=gs1:traceability", **BROWSER)
    assert response.status_code == 307
    assert response["Location"] == f"{ORIGIN}/t/{code}"


def test_lot_link_type_redirects_to_the_lots_own_page(client, batch):
    """A lot with a link type redirects (307) to the link for that lot."""
    response = client.get(f"/01/{GTIN}/10/{LOT}?linkType=gs1:traceability", **BROWSER)
    assert response.status_code == 307
    assert response["Location"] == f"{ORIGIN}/01/{GTIN}/10/{LOT}"


def test_the_ce_compressed_link_resolves_like_the_uncompressed_one(client, batch):
    """/01/09506000134376/10/LOT01 compresses to /ARFKk4XB0CDKWcnpq, and a compressed link is
    answered exactly as its uncompressed form (here: our lot, compressed the same way)."""
    assert dl_compression.compress({"01": "09506000134376", "10": "LOT01"}, optimise=False) == "ARFKk4XB0CDKWcnpq"
    compressed = "/" + dl_compression.compress({"01": GTIN, "10": LOT})
    uncompressed = client.get(f"/01/{GTIN}/10/{LOT}?linkType=gs1:certificationInfo", **BROWSER)
    response = client.get(compressed + "?linkType=gs1:certificationInfo", **BROWSER)
    assert response.status_code == uncompressed.status_code == 307
    assert response["Location"] == uncompressed["Location"]
    page = client.get(compressed, **BROWSER)
    assert page.status_code == 200 and LOT.encode() in page.content


def test_linkset_is_answered_for_the_linkset_media_type(client, code):
    """With Accept: application/linkset+json the resolver answers 200 with the linkset, whose
    anchor is the (uncompressed) identifier of the item."""
    response = client.get(item(code), **LINKSET)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/linkset+json")
    assert response.json()["linkset"][0]["anchor"] == ORIGIN + item(code)
    compressed = "/" + dl_compression.compress({"01": GTIN, "10": LOT, "21": code})
    assert client.get(compressed, **LINKSET).json()["linkset"][0]["anchor"] == ORIGIN + item(code)


@pytest.mark.parametrize(
    ("link_type", "language", "expected"),
    [
        ("gs1:traceability", "zh-CN", "/t/{code}"),
        ("gs1:traceability", "en", "/en/t/{code}"),
        ("https://gs1.org/voc/traceability", "en-GB", "/en/t/{code}"),
        ("gs1:verificationService", "en", "/api/v1/trace/{code}"),
        ("gs1:pip", "zh-Hans", "{gi}"),
        ("gs1:pip", "en-US", "/en{gi}"),
        ("gs1:defaultLink", "en", "/t/{code}"),
    ],
)
def test_each_link_type_and_language_redirects_to_its_own_link(client, code, gi, link_type, language, expected):
    """For an item with links in several link types and languages, asking for a link type in a
    language redirects to the link of exactly that type and language."""
    response = client.get(item(code), {"linkType": link_type}, HTTP_ACCEPT_LANGUAGE=language, **BROWSER)
    assert response.status_code == 307
    assert response["Location"] == ORIGIN + expected.format(code=code, gi=gi.get_absolute_url())


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("en-GB,en;q=0.9,zh-CN;q=0.8", "/en/t/{code}"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "/t/{code}"),
        ("zh-CN;q=0.5,en;q=0.9", "/en/t/{code}"),  # q-values, not the order, rank the languages
        ("zh-TW,zh;q=0.9", "/t/{code}"),  # Chinese, though not simplified: the Chinese page
        ("fr-BE,fr-FR;q=0.8,fr;q=0.7", "/t/{code}"),  # no French link: the default link
        ("", "/t/{code}"),
    ],
)
def test_the_most_preferred_language_wins(client, code, accept_language, expected):
    """With a browser's Accept-Language of several weighted languages the resolver redirects to the
    link in the most preferred language it has; with none it has, to the default link."""
    response = client.get(item(code) + "?linkType=gs1:traceability", HTTP_ACCEPT_LANGUAGE=accept_language, **BROWSER)
    assert response["Location"] == ORIGIN + expected.format(code=code)


def test_media_type_chooses_among_links_of_one_language(client, code):
    """When the language does not decide, the Accept header does: a program asking for JSON gets
    the JSON link of the type, a browser the page."""
    json_client = client.get(item(code) + "?linkType=gs1:traceability", HTTP_ACCEPT="application/json")
    assert json_client["Location"] == f"{ORIGIN}/api/v1/trace/{code}"
    assert client.get(item(code) + "?linkType=gs1:traceability", **BROWSER)["Location"] == f"{ORIGIN}/t/{code}"


def test_not_a_digital_link_is_400(client, code):
    """A path that is not GS1 Digital Link syntax (/01/<gtin>/badrequest) is 400 Bad Request."""
    assert client.get(f"/01/{GTIN}/badrequest", **BROWSER).status_code == 400
    assert client.get(f"/01/{GTIN}/badrequest", **LINKSET).status_code == 400


def test_a_link_type_the_item_does_not_have_is_404(client, code, gi):
    """Asking for a link type the item has no link of is 404 Not Found, never the default link
    (the CE's v3 rule and the standard's since 1.0)."""
    for link_type in ("gs1:safetyInfo", "gs1:nosuchlt", "https://example.org/voc/thing"):
        response = client.get(item(code), {"linkType": link_type}, **BROWSER)
        assert response.status_code == 404, link_type
        assert "Location" not in response
    assert "没有".encode() in client.get(f"/01/{GTIN}?linkType=gs1:safetyInfo", **BROWSER).content


def test_other_primary_keys_are_refused_clearly(client):
    """Only GTIN (AI 01) is resolved here: an SSCC, a GIAI or a GLN link is refused with 404 and a
    message naming the key, never a page of something else."""
    for path in ("/00/106141411234567897", "/8004/0950600013430000001", "/414/9520123456788"):
        response = client.get(path, **BROWSER)
        assert response.status_code == 404, path
        assert path.split("/")[1].encode() in response.content
    assert client.get("/8004/0950600013430000001").json()["error"]
    compressed_sscc = "/" + dl_compression.compress({"00": "106141411234567897"})
    assert client.get(compressed_sscc, **BROWSER).status_code == 404


# --- The conformance test suite (GS1-Conformant Resolver 1.2.0) -------------------------------


def test_get_head_and_options_with_cors(client, code):
    """SHALL support GET, HEAD and OPTIONS, and SHALL support CORS."""
    assert client.get(item(code), **BROWSER).status_code == 200
    head = client.head(item(code) + "?linkType=gs1:traceability", **BROWSER)
    assert head.status_code == 307 and head["Location"].endswith(f"/t/{code}")
    options = client.options(item(code))
    assert options.status_code == 204
    assert {"GET", "HEAD", "OPTIONS"} <= {m.strip() for m in options["Access-Control-Allow-Methods"].split(",")}
    assert options["Access-Control-Allow-Origin"] == "*"
    redirect = client.get(item(code) + "?linkType=gs1:pip", **BROWSER)
    assert redirect["Access-Control-Allow-Origin"] == "*"
    assert "Link" in redirect["Access-Control-Expose-Headers"]


def test_syntax_errors_are_400_never_200(client, code):
    """SHALL validate the URI syntax and report errors with 400; SHALL NOT answer an error with 200."""
    for path in (f"/01/{GTIN}/foo", "/01/06901234567893", f"/01/{GTIN}/21/{code}/10/{LOT}", f"/01/{GTIN}/10"):
        assert client.get(path, **BROWSER).status_code == 400, path


def test_query_string_ais_are_checked(client, code):
    """GS1 data attributes in the query string are accepted when they fit their AI's format; a key
    qualifier or a malformed value there is a syntax error (400)."""
    assert client.get(item(code) + "?17=261231&3103=001250", **BROWSER).status_code == 200
    assert client.get(item(code) + "?17=2612", **BROWSER).status_code == 400  # a date has 6 digits
    assert client.get(f"/01/{GTIN}?21=ABC", **BROWSER).status_code == 400  # a serial goes in the path
    assert client.get(f"/01/{GTIN}?9999=1", **BROWSER).status_code == 400  # no such AI


def test_trailing_slash_is_tolerated(client, code, gi):
    """SHOULD tolerate a trailing slash: the answer is the same with or without it."""
    for path in (f"/01/{GTIN}", item(code) + "?linkType=gs1:pip"):
        plain = client.get(path, **BROWSER)
        slashed = client.get(path.replace("?", "/?") if "?" in path else path + "/", **BROWSER)
        assert (plain.status_code, plain.get("Location")) == (slashed.status_code, slashed.get("Location"))


def test_unknown_qualifier_walks_up_the_tree(client, gi):
    """SHALL support all key qualifiers of a supported key: an unknown lot with a link type walks
    up to the GTIN's links instead of 404. (Without a link type an unknown lot or serial keeps
    the trace page's "unknown" verdict: a forged label must not look like a product.)"""
    response = client.get(f"/01/{GTIN}/10/KL8G?linkType=gs1:pip", **BROWSER)
    assert response.status_code == 307
    assert response["Location"] == ORIGIN + gi.get_absolute_url()
    unknown_serial = client.get(f"/01/{GTIN}/10/KL8G/21/ABCDEFGHIJKLMNOPQRST?linkType=gs1:pip", **BROWSER)
    assert unknown_serial.status_code == 307
    assert client.get(f"/01/{GTIN}/10/KL8G", **BROWSER).status_code == 404
    verification = client.get(f"/01/{GTIN}/10/KL8G/21/ABCDEFGHIJKLMNOPQRST?linkType=gs1:verificationService", **BROWSER)
    assert verification.status_code == 404  # a verification service exists only for a real code


@pytest.mark.parametrize("ask", [{"linkType": "linkset"}, {"linkType": "all"}, {"linktype": "linkset"}])
def test_linkset_by_link_type_is_not_redirected(client, code, ask):
    """On linkType=linkset (and the deprecated linkType=all) the resolver SHALL NOT redirect and
    SHALL return the linkset."""
    response = client.get(item(code), ask, **BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/linkset+json")
    assert response.json()["linkset"][0]["anchor"] == ORIGIN + item(code)


def test_linkset_shape_rfc9264(client, code, batch):
    """The linkset SHALL follow RFC 9264 and the GS1 linkset schema: an array of context objects
    with an absolute anchor, each link type a full URI with an array of target objects that all
    have an href and a title; the levels up to the primary key SHALL be included."""
    body = client.get(item(code), **LINKSET).json()
    assert isinstance(body["linkset"], list)
    anchors = [entry["anchor"] for entry in body["linkset"]]
    assert anchors == [ORIGIN + item(code), f"{ORIGIN}/01/{GTIN}/10/{LOT}", f"{ORIGIN}/01/{GTIN}"]
    for entry in body["linkset"]:
        assert entry["anchor"].startswith("http")
        for rel, targets in entry.items():
            if rel == "anchor":
                continue
            assert rel.startswith(VOC), rel
            assert isinstance(targets, list) and targets
            for target in targets:
                assert target["href"].startswith("http") and target["title"], target
                assert isinstance(target.get("hreflang", []), list)


def test_linkset_has_the_json_ld_context_link(client, code):
    """A linkset response SHOULD carry a Link header to a JSON-LD context file, rel
    http://www.w3.org/ns/json-ld#context, type application/ld+json."""
    header = client.get(item(code), **LINKSET)["Link"]
    context = next(p for p in links_header(client.get(item(code), **LINKSET)) if "json-ld#context" in p)
    assert "https://ref.gs1.org/standards/resolver/linkset-context" in context
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in header
    assert 'type="application/ld+json"' in context


def test_redirects_link_to_the_linkset_not_every_link(client, code):
    """SHOULD expose the link to the linkset (rel="linkset") in the Link header, even when
    redirecting; listing every link there (rel="gs1:…") is deprecated since 1.0.0."""
    response = client.get(item(code) + "?linkType=gs1:pip", **BROWSER)
    header = response["Link"]
    assert f'<{ORIGIN}{item(code)}?linkType=linkset>; rel="linkset"' in header
    assert 'rel="gs1:' not in header
    assert 'rel="linkset"' in client.get(item(code), **BROWSER)["Link"]  # on the page served directly too


def test_exactly_one_default_link_with_only_a_title(client, code, batch):
    """Each identified entity SHALL have exactly one gs1:defaultLink, with a title and no other
    optional attribute (no type, language or context), and the default link SHALL also be
    described by a descriptive link type; media types SHALL be IANA's."""
    iana = {"text/html", "application/json", "application/pdf"}
    for path in (item(code), f"/01/{GTIN}/10/{LOT}", f"/01/{GTIN}"):
        for entry in client.get(path, **LINKSET).json()["linkset"]:
            default = entry[VOC + "defaultLink"]
            assert len(default) == 1, (path, entry["anchor"])
            assert set(default[0]) == {"href", "title"}
            described = [
                rel
                for rel, targets in entry.items()
                if rel not in ("anchor", VOC + "defaultLink") and any(t["href"] == default[0]["href"] for t in targets)
            ]
            assert described, (path, entry["anchor"])
            types = {t.get("type") for rel, targets in entry.items() if rel != "anchor" for t in targets}
            assert types - {None} <= iana


def test_each_single_link_type_redirects_to_its_link(client, gi):
    """If the requested type of link is available the resolver SHALL redirect to it: every link
    type of the GTIN's linkset, asked for by name, redirects to a link of that type."""
    entry = client.get(f"/01/{GTIN}", **LINKSET).json()["linkset"][0]
    for rel, targets in entry.items():
        if rel == "anchor":
            continue
        response = client.get(f"/01/{GTIN}", {"linkType": rel}, **BROWSER)
        assert response.status_code == 307, rel
        assert response["Location"] in [t["href"] for t in targets], rel


def test_query_string_is_passed_on(client, code, gi):
    """By default the resolver SHALL pass on all key=value pairs of the query string when
    redirecting (its own linkType keyword excepted)."""
    response = client.get(f"/01/{GTIN}?foo=bar&utm_source=label", **BROWSER)
    assert response["Location"] == ORIGIN + gi.get_absolute_url() + "?foo=bar&utm_source=label"
    typed = client.get(item(code) + "?linkType=gs1:traceability&foo=bar", **BROWSER)
    assert typed["Location"] == f"{ORIGIN}/t/{code}?foo=bar"


def test_compressed_link_names_its_uncompressed_form(client, code):
    """A resolver SHALL decompress a compressed URI and SHALL expose the uncompressed URI in the Link
    header with rel owl:sameAs; it SHOULD NOT redirect to the uncompressed URI on itself."""
    compressed = "/" + dl_compression.compress({"01": GTIN, "10": LOT, "21": code, "17": "261231"})
    response = client.get(compressed, **BROWSER)
    assert response.status_code == 200 and b"verdict-genuine" in response.content
    assert f'<{ORIGIN}{item(code)}?17=261231>; rel="owl:sameAs"' in response["Link"]
    partial = client.get(f"/01/{GTIN}/" + dl_compression.compress({"10": LOT, "21": code}), **BROWSER)
    assert partial.status_code == 200 and f'<{ORIGIN}{item(code)}>; rel="owl:sameAs"' in partial["Link"]


def test_a_root_path_that_is_not_a_compressed_link_keeps_the_site_behaviour(client):
    """The compressed form lives at the site root: a root segment that does not decompress to a
    GTIN link is the site's own answer (an unknown page still gains its slash, then 404)."""
    response = client.get("/announcements-archive?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/announcements-archive/?page=2"
    assert client.get("/healthz").status_code == 200
    assert client.get("/robots.txt").status_code == 200


def test_resolver_description_file(client):
    """SHALL provide a resolver description file at /.well-known/gs1resolver listing the
    supported primary keys; it SHOULD name the JSON-LD context of its linksets."""
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["supportedPrimaryKeys"] == ["01"]
    assert data["resolverRoot"] == ORIGIN
    assert data["name"]
    assert {"namespace": VOC, "prefix": "gs1:"} in data["supportedLinkType"]
    assert data["linkTypeDefaultCanBeLinkset"] is False
    assert isinstance(data["supportedContextValuesEnumerated"], list)
    assert data["jsonLdContextLocation"] == "https://ref.gs1.org/standards/resolver/linkset-context"
    assert set(data["activeLinkTypes"]["en"]) >= {"gs1:pip", "gs1:traceability", "gs1:certificationInfo"}


def test_redirects_vary_and_are_never_cached(client, code):
    """A resolver's answer depends on Accept and Accept-Language: it says so (Vary) and no cache
    keeps a redirect meant for another language or program."""
    for response in (
        client.get(item(code) + "?linkType=gs1:traceability", **BROWSER),
        client.get(f"/01/{GTIN}", **BROWSER),
        client.get(item(code), **LINKSET),
        client.get(item(code), **BROWSER),
    ):
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"accept", "accept-language"} <= vary
        assert "no-store" in response["Cache-Control"]


def test_a_link_type_redirect_does_not_count_a_scan(client, code):
    """The trace page at /01/…/21/<serial> counts a scan as before; a linkType redirect does not
    (the page it leads to counts it, once)."""
    client.get(item(code) + "?linkType=gs1:traceability", **BROWSER)
    assert client.get(f"/api/v1/trace/{code}", **PHONE).json()["scan_count"] == 1
    client.get(item(code), **BROWSER)
    assert client.get(f"/api/v1/trace/{code}", **PHONE).json()["scan_count"] == 3
