"""The printed trace code: a random serial signed with a truncated HMAC-SHA256, in base32.

Layout (100 bits, written as 20 characters of the RFC 4648 base32 alphabet ``A–Z 2–7``, upper
case, no padding)::

    | key id: 5 bits | serial: 64 bits | tag: 31 bits |

* The first character of a code is therefore its key id: ``TRACE_SIGNING_KEYS`` names keys as
  ``kid:secret`` pairs; each kid is mapped to one of 32 values (``key_slot``), and two configured
  kids that map to the same value are refused at start-up.
* The serial is 64 bits from ``secrets`` (never sequential), stored with the code's row.
* The tag is the first 31 bits of HMAC-SHA256(secret, ``DOMAIN`` ‖ key-id byte ‖ serial).

Why 20 characters: GS1 Digital Link uses the printed code as AI 21 (serial), which GS1 limits to
20 characters; the same string works in ``/t/<code>`` and ``/01/…/21/<code>``, and a URL of the form
``HTTPS://HOST/T/<code>`` stays in QR alphanumeric mode (version 3 at error correction M for a
short host). A forger must guess the 31-bit tag *and* a 64-bit serial that exists in the registry;
the endpoint is rate limited, so online guessing is hopeless, and a copied genuine code is caught by
the scan count instead (a signature cannot stop a photocopier).

Verification never raises on any input and compares tags in constant time (``hmac.compare_digest``);
it tries only the key the code names, and every configured key verifies, so old labels keep working
after the signing key (the first one) rotates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 §6
CODE_LENGTH = 20
SERIAL_BYTES = 8
TAG_BITS = 31
KID_BITS = 5
DOMAIN = b"lp-gi-trace-v1"
#: Characters people or OCR confuse with base32 ones; the code never contains 0, 1 or 8.
CONFUSIONS = str.maketrans({"0": "O", "1": "I", "8": "B"})
_STRIP_RE = re.compile(r"[\s\-_./]+")
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
MAX_INPUT_LENGTH = 64  # longer input is refused before any work is done


@dataclass(frozen=True)
class Key:
    kid: str
    slot: int
    secret: bytes


@dataclass(frozen=True)
class VerifiedCode:
    kid: str
    serial: bytes

    @property
    def serial_hex(self) -> str:
        return self.serial.hex()


def key_slot(kid: str) -> int:
    """The 5-bit value (0–31) that stands for a key id in a printed code."""
    return hashlib.sha256(kid.encode()).digest()[0] >> (8 - KID_BITS)


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[Key, ...]:
    keys: list[Key] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, sep, secret = part.partition(":")
        kid, secret = kid.strip(), secret.strip()
        if not sep or not kid or not secret:
            raise ImproperlyConfigured("TRACE_SIGNING_KEYS must be 'kid:secret,kid:secret'")
        keys.append(Key(kid, key_slot(kid), secret.encode()))
    slots: dict[int, str] = {}
    for key in keys:
        if key.slot in slots:
            raise ImproperlyConfigured(
                f"TRACE_SIGNING_KEYS: key ids {slots[key.slot]!r} and {key.kid!r} map to the same code "
                "prefix; rename one of them."
            )
        slots[key.slot] = key.kid
    return tuple(keys)


def keys() -> tuple[Key, ...]:
    """The configured keys, the signing key first."""
    return _parse_keys(getattr(settings, "TRACE_SIGNING_KEYS", "") or "")


def signing_key() -> Key:
    configured = keys()
    if not configured:
        raise ImproperlyConfigured("TRACE_SIGNING_KEYS is empty: no key to sign trace codes with.")
    return configured[0]


def _tag(secret: bytes, slot: int, serial: bytes) -> int:
    digest = hmac.new(secret, DOMAIN + bytes([slot]) + serial, hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - TAG_BITS)


def _encode(value: int) -> str:
    chars = []
    for _ in range(CODE_LENGTH):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def sign(serial: bytes, kid: str | None = None) -> str | None:
    """The printed code for ``serial`` under key ``kid`` (the signing key by default).

    Returns None when ``kid`` is not configured (any more).
    """
    if len(serial) != SERIAL_BYTES:
        raise ValueError("a serial is 8 bytes")
    if kid is None:
        key = signing_key()
    else:
        key = next((k for k in keys() if k.kid == kid), None)
        if key is None:
            return None
    value = (
        (key.slot << (64 + TAG_BITS)) | (int.from_bytes(serial, "big") << TAG_BITS) | _tag(key.secret, key.slot, serial)
    )
    return _encode(value)


def normalise(text: object) -> str | None:
    """Upper-case, drop spaces/hyphens/dots/underscores, fix 0→O, 1→I, 8→B; None if not a code shape."""
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        return None
    candidate = _STRIP_RE.sub("", text).upper().translate(CONFUSIONS)
    if len(candidate) != CODE_LENGTH or any(c not in _VALUE for c in candidate):
        return None
    return candidate


def verify(text: object) -> VerifiedCode | None:
    """The key id and serial of a genuine code, or None for anything else. Never raises."""
    code = normalise(text)
    if code is None:
        return None
    return _verify(code, getattr(settings, "TRACE_SIGNING_KEYS", "") or "")


@lru_cache(maxsize=4096)  # recent answers (a scanned code comes back); keyed by the keys as well
def _verify(code: str, spec: str) -> VerifiedCode | None:
    try:
        value = 0
        for c in code:
            value = (value << 5) | _VALUE[c]
        slot = value >> (64 + TAG_BITS)
        serial = ((value >> TAG_BITS) & ((1 << 64) - 1)).to_bytes(SERIAL_BYTES, "big")
        tag = value & ((1 << TAG_BITS) - 1)
        key = next((k for k in _parse_keys(spec) if k.slot == slot), None)
        if key is None:
            return None
        expected = _tag(key.secret, key.slot, serial)
        if not hmac.compare_digest(expected.to_bytes(4, "big"), tag.to_bytes(4, "big")):
            return None
        return VerifiedCode(kid=key.kid, serial=serial)
    except ImproperlyConfigured:
        return None


def display(code: str) -> str:
    """The code grouped for people: ``ABCDE FGHIJ KLMNO PQRST``."""
    return " ".join(code[i : i + 5] for i in range(0, len(code), 5))
