"""GS1 Digital Link compression, against the examples GS1 published.

The vectors are GS1's: the resolver CE's test (``/01/09506000134376/10/LOT01`` ⇄
``/ARFKk4XB0CDKWcnpq``) and the compression prototype's examples (its README's element strings,
its demo pages' compressed links). Ours (GTIN + lot + serial of this registry's labels) were
checked against the prototype's own JavaScript. A wrong bit width, alphabet, optimisation table or
AI order changes every one of these strings.
"""

import pytest

from gi_registry.trace import dl_compression as c

GS1_GTIN = "05412345000013"
CE_GTIN = "09506000134376"
OURS = "06901234567892"

VECTORS = [
    # (AIs, compressed with the optimisation table, compressed without it)
    ({"01": CE_GTIN, "10": "LOT01"}, "CxFKk4XB0MpZyemo", "ARFKk4XB0CDKWcnpq"),
    (
        {"01": GS1_GTIN, "3103": "000189", "3923": "2172", "10": "ABC&+123"},
        "LQnYUc1gmgAXohEQYUNMrYsmZyRoQ-A",
        "AQnYUc1gmiERBhQ0ytiyZmIGABenJGhD4",
    ),
    ({"01": OURS, "10": "LP2025-09", "21": "ABCD2345EFGH"}, "CwyNo0UVqNJZ-2m3P2npC2AAhB7b8ciCjDg", None),
    ({"01": OURS, "10": "lp2025.09", "21": "0012345"}, "CwyNo0UVqROzgyYMmq5g5IQcAMDk", None),
    ({"01": OURS, "21": "deadbeef"}, "DAyNo0UVqFG9W33e", "AQyNo0UVqEJRvVt93g"),
    ({"01": OURS, "17": "261231", "3103": "001250"}, "LQyNo0UVqACcQuf43g", "AQyNo0UVqC5_jeYgYAnE"),
    ({"01": OURS}, "AQyNo0UVqA", "AQyNo0UVqA"),
]


@pytest.mark.parametrize(("ais", "optimised", "plain"), VECTORS)
def test_compression_matches_the_published_strings(ais, optimised, plain):
    """Compressing the element strings gives exactly GS1's string, with and without the
    optimisation table."""
    assert c.compress(ais) == optimised
    if plain:
        assert c.compress(ais, optimise=False) == plain


@pytest.mark.parametrize(("ais", "optimised", "plain"), VECTORS)
def test_decompression_returns_the_element_strings(ais, optimised, plain):
    """Both compressed forms decompress to the same element strings."""
    assert c.decompress(optimised) == (ais, {})
    if plain:
        assert c.decompress(plain) == (ais, {})


def test_the_prototypes_published_compressed_links():
    """The prototype's demo link decompresses to GTIN, lot and AI 7003; its example with compressed
    non-GS1 pairs also carries ``expdt`` and ``k1=v1``."""
    assert c.decompress("DgnYUc1gmji3NU0IREGFDTK2LJm") == (
        {"01": GS1_GTIN, "7003": "1903061658", "10": "ABC&+123"},
        {},
    )
    ais, others = c.decompress("AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXhXsaXbQKHFuaprwUmrBX6g")
    assert ais == {"01": GS1_GTIN, "10": "ABC&+123", "7003": "1903061658"}
    assert others == {"expdt": "1903061658", "k1": "v1"}
    assert c.compress(ais, others, optimise=False) == "AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXhXsaXbQKHFuaprwUmrBX6g"


def test_the_uncompressed_path_puts_qualifiers_in_order():
    """Decompressed AIs become the Digital Link path (GTIN, then lot, then serial) and the data
    attributes of its query string."""
    ais, _others = c.decompress("CwyNo0UVqNJZ-2m3P2npC2AAhB7b8ciCjDg")
    assert c.uncompressed_path(ais) == (f"/01/{OURS}/10/LP2025-09/21/ABCD2345EFGH", {})
    ais, _others = c.decompress("LQyNo0UVqACcQuf43g")
    assert c.uncompressed_path(ais) == (f"/01/{OURS}", {"17": "261231", "3103": "001250"})


@pytest.mark.parametrize(
    "segment",
    [
        "ENEGFDTK2LJmYgYAF6ckaEPgCE7CjmsE0",  # the prototype's own demo rejects it: no AI 06
        "announcements",
        "AQyNo0UVqA==",  # not the URI-safe alphabet
        "AQyNo0UVq",  # the GTIN cut short
        "AQyNo0UVqB",  # a padding bit set
    ],
)
def test_what_is_not_a_compressed_link_is_refused(segment):
    """Anything that is not exactly a compressed link raises ``CompressionError``, never a guess."""
    with pytest.raises(c.CompressionError):
        ais, _others = c.decompress(segment)
        c.uncompressed_path(ais)


def test_a_wrong_check_digit_or_another_key_is_no_gtin_link():
    """A compressed GTIN with a wrong check digit is not a GTIN link; an SSCC is refused by name."""
    with pytest.raises(c.CompressionError):
        c.uncompressed_path(c.decompress(c.compress({"01": "06901234567893"}))[0])
    with pytest.raises(c.UnsupportedKey) as refused:
        c.uncompressed_path(c.decompress(c.compress({"00": "106141411234567897"}))[0])
    assert refused.value.key == "00"


def test_every_encoding_round_trips():
    """Digits, lower and upper hex, URI-safe base64 and 7-bit ASCII values all come back intact,
    leading zeros included."""
    for value in ("000123", "00ab", "00AB", "Lot_7-x", "A/B C%", "0"):
        ais = {"01": OURS, "10": value}
        assert c.decompress(c.compress(ais))[0] == ais, value
        assert c.decompress(c.compress(ais, optimise=False))[0] == ais, value
