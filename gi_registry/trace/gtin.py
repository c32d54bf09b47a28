"""GS1 identifiers: GTIN check digits and the length and character rules of lot and serial.

Source: GS1 General Specifications §7.9 (check digit: weights 3 and 1 from the right, the check
digit brings the sum to a multiple of 10) and §3.2 (AI 10 batch/lot and AI 21 serial: up to 20
characters); GS1 Digital Link 1.x (a GTIN in a URI is written as 14 digits).
"""

from __future__ import annotations

import re

GTIN_LENGTHS = (8, 12, 13, 14)
LOT_MAX_LENGTH = 20
SERIAL_MAX_LENGTH = 20
# Our lot numbers: letters, digits, hyphen, dot, underscore (a safe subset of GS1 character set 82
# that needs no percent-encoding in a URL); up to 20 characters (GS1 AI 10).
LOT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")


def gtin_check_digit(body: str) -> int:
    """The check digit for the digits ``body`` (a GTIN without its last digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    """True for an 8, 12, 13 or 14-digit GTIN whose last digit is its check digit."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) not in GTIN_LENGTHS:
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def normalise_gtin(value: str) -> str | None:
    """A valid GTIN as GTIN-14 (left-padded with zeros), or None."""
    value = (value or "").strip()
    return value.zfill(14) if is_valid_gtin(value) else None


def is_valid_lot(value: str) -> bool:
    return isinstance(value, str) and bool(LOT_RE.match(value))
