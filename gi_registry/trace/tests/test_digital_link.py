"""GS1 Digital Link: /01/<gtin>/10/<lot>/21/<serial>, its validation and the RFC 9264 linkset."""

import pytest

from gi_registry.trace.digital_link import MalformedLink, parse
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

from .conftest import PHONE as UA

pytestmark = pytest.mark.django_db
GTIN = "06901234567892"
LINKSET = {"HTTP_ACCEPT": "application/linkset+json"}
VOC = "https://gs1.org/voc/"


@pytest.fixture
def batch():
    return BatchFactory(gtin="6901234567892", lot_number="LP2025-09")


@pytest.fixture
def code(batch):
    return issue_codes(batch, 1)[0].printed_code


def test_parse_accepts_the_gs1_forms():
    assert parse("06901234567892").gtin == GTIN
    assert parse("6901234567892/10/LP1").lot == "LP1"  # GTIN-13 is padded to 14 digits
    link = parse("06901234567892/10/LP1/21/ABCDEFGHIJKLMNOPQRST")
    assert (link.gtin, link.lot, link.serial) == (GTIN, "LP1", "ABCDEFGHIJKLMNOPQRST")
    assert parse("06901234567892/21/ABCDEFGHIJKLMNOPQRST").lot is None


@pytest.mark.parametrize(
    "rest",
    [
        "",
        "06901234567893",  # check digit
        "0690123456789",  # 13 digits, wrong check digit
        "06901234567892/21/ABCDEFGHIJKLMNOPQRST/10/LP1",  # qualifiers out of order
        "06901234567892/10/LP1/10/LP2",  # repeated
        "06901234567892/10",  # a qualifier without its value
        "06901234567892/10/" + "L" * 21,  # lot longer than 20
        "06901234567892/10/LP1/21/" + "A" * 21,  # serial longer than 20
        "06901234567892/22/1/10/LP1",  # a qualifier we do not support
        "06901234567892/10/LP%2F1",  # a slash inside the lot
    ],
)
def test_parse_refuses_what_gs1_does_not_allow(rest):
    with pytest.raises(MalformedLink):
        parse(rest)


def test_full_link_resolves_to_the_trace_page(client, batch, code):
    response = client.get(f"/01/{GTIN}/10/LP2025-09/21/{code}", **UA)
    assert response.status_code == 200
    assert b"verdict-genuine" in response.content
    assert client.get(f"/api/v1/trace/{code}", **UA).json()["scan_count"] == 2  # the link scan counted


def test_full_link_with_a_wrong_lot_or_gtin_is_unknown(client, batch, code):
    assert client.get(f"/01/{GTIN}/10/OTHER/21/{code}", **UA).status_code == 404
    assert client.get(f"/01/09501101530003/10/LP2025-09/21/{code}", **UA).status_code == 404


def test_malformed_link_is_400_not_500(client, code):
    assert client.get(f"/01/{GTIN}/21/{code}/10/LP2025-09", **UA).status_code == 400
    assert client.get("/01/12345", **UA).status_code == 400
    assert client.get("/01/12345", **UA, **LINKSET).status_code == 400


def test_full_link_linkset(client, batch, code):
    response = client.get(f"/01/{GTIN}/10/LP2025-09/21/{code}", **LINKSET)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/linkset+json")
    item = response.json()["linkset"][0]
    assert item["anchor"] == f"http://testserver/01/{GTIN}/10/LP2025-09/21/{code}"
    for rel in ("pip", "traceability", "certificationInfo", "verificationService"):
        assert item[VOC + rel], rel
    assert any(link["href"].endswith(f"/t/{code}") for link in item[VOC + "traceability"])
    assert item[VOC + "pip"][0]["href"].endswith(batch.authorisation.geographical_indication.get_absolute_url())


def test_lot_without_serial_walks_up_to_the_batch(client, batch):
    response = client.get(f"/01/{GTIN}/10/LP2025-09", **UA)
    assert response.status_code == 200
    assert b"LP2025-09" in response.content and "梁平柚 礼盒装".encode() in response.content
    linkset = client.get(f"/01/{GTIN}/10/LP2025-09", **LINKSET).json()["linkset"][0]
    assert VOC + "pip" in linkset and VOC + "certificationInfo" in linkset
    assert client.get(f"/01/{GTIN}/10/NOPE", **UA).status_code == 404


def test_gtin_alone_walks_up_to_the_product(client, batch):
    response = client.get("/01/6901234567892", **UA)
    assert response.status_code == 307  # GS1-Conformant Resolver: a temporary redirect to the default link
    gi_url = batch.authorisation.geographical_indication.get_absolute_url()
    assert response["Location"] == f"http://testserver{gi_url}"
    assert client.get(f"/01/{GTIN}", **LINKSET).json()["linkset"][0][VOC + "pip"]
    assert client.get("/01/09501101530003", **UA).status_code == 404
