"""GS1 Digital Link URI compression (GS1 Digital Link: URI syntax 1.x, section "Compression").

A compressed Digital Link carries the GS1 element strings as one URI-safe base64 path segment,
``https://host/<base64>`` (or, partially compressed, ``https://host/01/<gtin>/<base64>``):

* the element strings become one bit string: for each AI, the AI's digits (4 bits each; a two-hex
  code from the optimisation table stands for a frequent *sequence* of AIs, e.g. ``0B`` = GTIN +
  lot), then each component of its value: a fixed-length number in ceil(n·log2 10) bits, a
  variable-length number as its length then its value, an alphanumeric as a 3-bit encoding
  (0 digits, 1 lower hex, 2 upper hex, 3 URI-safe base64, 4 seven-bit ASCII), its length (if
  variable) and its characters;
* ``F`` as the first hex digit flags a non-GS1 key=value pair (7-bit key length, 6-bit key
  characters, then the value as a variable-length alphanumeric of at most 127 characters);
* the bit string is right-padded with zeros to a multiple of 6 and written in the URI-safe base64
  alphabet ``A–Z a–z 0–9 - _``.

Written from the standard; the AI formats are those of the GS1 General Specifications. The test
vectors are the examples published with GS1's compression prototype and resolver CE.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .gtin import is_valid_gtin

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
SAFE64_RE = re.compile(r"^[A-Za-z0-9_-]+$")
ALL_DIGITS_RE = re.compile(r"^[0-9]+$")
HEX_LOWER_RE = re.compile(r"^[0-9a-f]+$")
HEX_UPPER_RE = re.compile(r"^[0-9A-F]+$")


class CompressionError(ValueError):
    """The segment is not a compressed GS1 Digital Link (or holds an AI we cannot decode)."""


class UnsupportedKey(CompressionError):
    """A well-formed compressed link whose primary key is not a GTIN."""

    def __init__(self, key: str):
        super().__init__(f"primary key {key} is not supported")
        self.key = key


@dataclass(frozen=True)
class Part:
    numeric: bool  # N (digits) or X (any GS1 character)
    length: int  # the fixed length, or the maximum length when ``variable``
    variable: bool = False


def _n(length: int, variable: bool = False) -> tuple[Part, ...]:
    return (Part(True, length, variable),)


def _x(length: int, variable: bool = True) -> tuple[Part, ...]:
    return (Part(False, length, variable),)


def _formats() -> dict[str, tuple[Part, ...]]:
    """AI → the components of its value (GS1 General Specifications, section 3.2)."""
    f: dict[str, tuple[Part, ...]] = {
        "00": _n(18),
        "01": _n(14),
        "02": _n(14),
        "10": _x(20),
        "20": _n(2),
        "21": _x(20),
        "22": _x(20),
        "235": (Part(True, 3), Part(False, 28, True)),
        "240": _x(30),
        "241": _x(30),
        "242": _n(6, True),
        "243": _x(20),
        "250": _x(30),
        "251": _x(30),
        "253": (Part(True, 13), Part(False, 17, True)),
        "254": _x(20),
        "255": (Part(True, 13), Part(True, 12, True)),
        "30": _n(8, True),
        "37": _n(8, True),
        "400": _x(30),
        "401": _x(30),
        "402": _n(17),
        "403": _x(30),
        "420": _x(20),
        "421": (Part(True, 3), Part(False, 9, True)),
        "422": _n(3),
        "423": (Part(True, 3), Part(True, 12, True)),
        "424": _n(3),
        "425": (Part(True, 3), Part(True, 12, True)),
        "426": _n(3),
        "427": _x(3),
        "7001": _n(13),
        "7002": _x(30),
        "7003": _n(10),
        "7004": _n(4, True),
        "7005": _x(12),
        "7006": _n(6),
        "7007": (Part(True, 6), Part(True, 6, True)),
        "7008": _x(3),
        "7009": _x(10),
        "7010": _x(2),
        "7020": _x(20),
        "7021": _x(20),
        "7022": _x(20),
        "7023": _x(30),
        "7240": _x(20),
        "8001": _n(14),
        "8002": _x(20),
        "8003": (Part(True, 14), Part(False, 16, True)),
        "8004": _x(30),
        "8005": _n(6),
        "8006": _n(18),
        "8007": _x(24),
        "8008": (Part(True, 8), Part(True, 4, True)),
        "8009": _x(50),
        "8010": _x(30),
        "8011": _n(12, True),
        "8012": _x(20),
        "8013": _x(30),
        "8017": _n(18),
        "8018": _n(18),
        "8019": _n(10, True),
        "8020": _x(25),
        "8026": _n(18),
        "8110": _x(70),
        "8111": _n(4),
        "8112": _x(70),
        "8200": _x(70),
        "90": _x(30),
    }
    for ai in ("11", "12", "13", "15", "16", "17"):  # dates YYMMDD
        f[ai] = _n(6)
    for ai in range(410, 418):  # GLNs
        f[str(ai)] = _n(13)
    for ai in range(91, 100):  # company internal
        f[str(ai)] = _x(90)
    for prefix in range(310, 370):  # trade measures, 6 digits with an implied decimal point
        if 317 <= prefix <= 319 or 338 <= prefix <= 339:
            continue
        for decimals in range(6):
            f[f"{prefix}{decimals}"] = _n(6)
    for decimals in range(10):
        f[f"390{decimals}"] = _n(15, True)  # amount payable
        f[f"392{decimals}"] = _n(15, True)
        f[f"391{decimals}"] = (Part(True, 3), Part(True, 15, True))  # with ISO currency
        f[f"393{decimals}"] = (Part(True, 3), Part(True, 15, True))
        f[f"395{decimals}"] = _n(6)
        f[f"703{decimals}"] = (Part(True, 3), Part(False, 27, True))  # processor with country
        f[f"723{decimals}"] = _x(30)
    for decimals in range(4):
        f[f"394{decimals}"] = _n(4)
    for ai in range(4300, 4321):
        f[str(ai)] = _x(70)
    for ai in ("4300", "4301", "4310", "4311", "4320"):
        f[ai] = _x(35)
    f["4307"] = _x(2, False)
    f["4317"] = _x(2, False)
    f["4308"] = _x(30)
    f["4319"] = _x(30)
    f["4318"] = _x(20)
    f["4309"] = _n(20)
    f.update({"4321": _n(1), "4322": _n(1), "4323": _n(1), "4324": _n(10), "4325": _n(10), "4326": _n(6)})
    for ai in range(710, 715):
        f[str(ai)] = _x(20)
    return f


FORMATS = _formats()

#: How many digits an AI has, by its first two digits (GS1 General Specifications, figure 3.2-1).
AI_LENGTH = {
    **dict.fromkeys(["00", "01", "02", "10", "11", "12", "13", "15", "16", "17", "20", "21", "22", "30", "37"], 2),
    **dict.fromkeys([f"{n}" for n in range(90, 100)], 2),
    **dict.fromkeys(["23", "24", "25", "40", "41", "42", "71"], 3),
    **dict.fromkeys(["31", "32", "33", "34", "35", "36", "39", "43", "70", "72", "80", "81", "82"], 4),
}


def _optimisations() -> dict[str, tuple[str, ...]]:
    """Two-hex codes that stand for a sequence of AIs (the standard's optimisation table)."""
    t: dict[str, tuple[str, ...]] = {
        "0A": ("01", "22"),
        "0B": ("01", "10"),
        "0C": ("01", "21"),
        "0D": ("01", "17"),
        "0E": ("01", "7003"),
        "0F": ("01", "30"),
        "1A": ("01", "10", "21", "17"),
        "1B": ("01", "15"),
        "1C": ("01", "11"),
        "1D": ("01", "16"),
        "1E": ("01", "91"),
        "1F": ("01", "10", "15"),
        "9A": ("8010", "8011"),
        "9B": ("8017", "8019"),
        "9C": ("8018", "8019"),
        "9D": ("414", "254"),
    }
    # in the order of the standard's table: a tie between two sequences goes to the earlier code
    weights = {f"2{letter}": ("01", f"310{i}") for i, letter in enumerate("ABCDEF")}  # net kg
    weights.update({f"3{letter}": ("01", f"320{i}") for i, letter in enumerate("ABCDEF")})  # net lb
    t = {**dict(list(t.items())[:12]), **weights, **dict(list(t.items())[12:])}
    t.update({f"A{i}": ("01", f"392{i}") for i in range(10)})  # variable-measure price
    t.update({f"C{i}": ("255", f"390{i}") for i in range(10)})  # coupon value
    t.update({f"C{letter}": ("255", f"394{i}") for i, letter in enumerate("ABCD")})  # coupon % off
    return t


OPTIMISATIONS = _optimisations()

#: The primary keys and the key qualifiers; everything else is a data attribute.
PRIMARY_KEYS = (
    "01",
    "00",
    "253",
    "255",
    "401",
    "402",
    "414",
    "417",
    "8003",
    "8004",
    "8006",
    "8010",
    "8013",
    "8017",
    "8018",
)
QUALIFIERS = {"01": ("22", "10", "21", "235"), "414": ("254", "7040"), "8006": ("22", "10", "21"), "8010": ("8011",)}


def _value_bits(digits: int) -> int:
    return math.ceil(digits * math.log2(10) + 0.01)


def _length_bits(max_length: int) -> int:
    return math.ceil(math.log2(max_length) + 0.01)


def to_bits(segment: str) -> str:
    if not SAFE64_RE.match(segment):
        raise CompressionError("not URI-safe base64")
    return "".join(format(ALPHABET.index(c), "06b") for c in segment)


def from_bits(bits: str) -> str:
    bits += "0" * (-len(bits) % 6)
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class _Reader:
    def __init__(self, bits: str):
        self.bits, self.pos = bits, 0

    def take(self, n: int) -> str:
        if self.pos + n > len(self.bits):
            raise CompressionError("the bit string ends inside a value")
        chunk = self.bits[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def number(self, n: int) -> int:
        return int(self.take(n), 2) if n else 0

    def hex_digit(self) -> str:
        return HEX[self.number(4)]

    @property
    def left(self) -> int:
        return len(self.bits) - self.pos


def _read_chars(reader: _Reader, encoding: int, count: int) -> str:
    if encoding == 0:
        value = str(reader.number(_value_bits(count))) if count else ""
        if len(value) > count:
            raise CompressionError("a number longer than its length")
        return value.zfill(count) if count else ""
    if encoding in (1, 2):
        text = "".join(HEX[reader.number(4)] for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:
        return "".join(ALPHABET[reader.number(6)] for _ in range(count))
    if encoding == 4:
        return "".join(chr(reader.number(7)) for _ in range(count))
    raise CompressionError(f"unknown character encoding {encoding}")


def _read_value(reader: _Reader, ai: str) -> str:
    if ai not in FORMATS:
        raise CompressionError(f"AI {ai} is not supported")
    value = ""
    for part in FORMATS[ai]:
        if part.numeric and not part.variable:
            digits = str(reader.number(_value_bits(part.length)))
            if len(digits) > part.length:
                raise CompressionError(f"AI {ai}: a number too long")
            value += digits.zfill(part.length)
        elif part.numeric:
            count = reader.number(_length_bits(part.length))
            value += str(reader.number(_value_bits(count))).zfill(count) if count else ""
        else:
            encoding = reader.number(3)
            count = part.length if not part.variable else reader.number(_length_bits(part.length))
            value += _read_chars(reader, encoding, count)
    return value


def decompress_bits(bits: str) -> tuple[dict[str, str], dict[str, str]]:
    """(GS1 AIs, other key=value pairs) held in a bit string."""
    reader = _Reader(bits)
    ais: dict[str, str] = {}
    others: dict[str, str] = {}
    while reader.left > 8:
        h1, h2 = reader.hex_digit(), reader.hex_digit()
        code = h1 + h2
        if code.isdigit():
            if code not in AI_LENGTH:
                raise CompressionError(f"no AI starts with {code}")
            ai = code + "".join(reader.hex_digit() for _ in range(AI_LENGTH[code] - 2))
            if not ai.isdigit():
                raise CompressionError(f"AI {ai} is not all digits")
            ais[ai] = _read_value(reader, ai)
        elif code in OPTIMISATIONS:
            for ai in OPTIMISATIONS[code]:
                ais[ai] = _read_value(reader, ai)
        elif h1 == "F":
            reader.pos -= 4  # the key length's 7 bits start right after the F flag
            key_length = reader.number(7)
            key = "".join(ALPHABET[reader.number(6)] for _ in range(key_length))
            encoding = reader.number(3)
            count = reader.number(7)
            others[key] = _read_chars(reader, encoding, count)
        else:
            raise CompressionError(f"no optimisation is defined for {code}")
    if "1" in reader.bits[reader.pos :]:
        raise CompressionError("trailing bits that are not padding")
    return ais, others


def _encode_chars(text: str) -> tuple[int, str]:
    """(encoding, bits) of an alphanumeric, in the most compact encoding that can hold it."""
    if ALL_DIGITS_RE.match(text):
        return 0, format(int(text), "b").zfill(_value_bits(len(text)))
    if HEX_UPPER_RE.match(text) and not ALL_DIGITS_RE.match(text):
        return 2, "".join(format(HEX.index(c), "04b") for c in text)
    if HEX_LOWER_RE.match(text):
        return 1, "".join(format(HEX.index(c.upper()), "04b") for c in text)
    if SAFE64_RE.match(text):
        return 3, "".join(format(ALPHABET.index(c), "06b") for c in text)
    if any(ord(c) > 127 for c in text):
        raise CompressionError("only ASCII characters can be compressed")
    return 4, "".join(format(ord(c), "07b") for c in text)


def _encode_value(ai: str, value: str) -> str:
    if ai not in FORMATS:
        raise CompressionError(f"AI {ai} is not supported")
    bits, cursor = "", 0
    for part in FORMATS[ai]:
        if not part.variable:
            chunk, cursor = value[cursor : cursor + part.length], cursor + part.length
            if part.numeric:
                if len(chunk) != part.length or not chunk.isdigit():
                    raise CompressionError(f"AI {ai} needs {part.length} digits")
                bits += format(int(chunk), "b").zfill(_value_bits(part.length))
            else:
                encoding, char_bits = _encode_chars(chunk)
                bits += format(encoding, "03b") + char_bits
            continue
        chunk, cursor = value[cursor:], len(value)
        if len(chunk) > part.length:
            raise CompressionError(f"AI {ai} is longer than {part.length} characters")
        length = format(len(chunk), "b").zfill(_length_bits(part.length))
        if part.numeric:
            if chunk and not chunk.isdigit():
                raise CompressionError(f"AI {ai} needs digits")
            bits += length + (format(int(chunk), "b").zfill(_value_bits(len(chunk))) if chunk else "")
        else:
            encoding, char_bits = _encode_chars(chunk)
            bits += format(encoding, "03b") + length + char_bits
    return bits


def value_fits(ai: str, value: str) -> bool:
    """True when ``value`` fits the format of ``ai`` (a known AI)."""
    try:
        _encode_value(ai, value)
    except CompressionError:
        return False
    return bool(value)


def _ai_bits(code: str) -> str:
    return "".join(format(int(c, 16), "04b") for c in code)


def compress_bits(ais: dict[str, str], others: dict[str, str] | None = None, optimise: bool = True) -> str:
    """The bit string of ``ais`` (and of non-GS1 ``others``), AIs in sorted order after the
    longest optimisations, as GS1's reference implementation orders them."""
    remaining = sorted(ais)
    chosen: list[str] = []
    while optimise:
        candidates = {
            code: len("".join(seq)) for code, seq in OPTIMISATIONS.items() if all(a in remaining for a in seq)
        }
        if not candidates:
            break
        best = max(candidates, key=lambda c: (candidates[c], -list(OPTIMISATIONS).index(c)))
        chosen.append(best)
        remaining = [a for a in remaining if a not in OPTIMISATIONS[best]]
    bits = ""
    for code in chosen:
        bits += _ai_bits(code) + "".join(_encode_value(ai, ais[ai]) for ai in OPTIMISATIONS[code])
    for ai in remaining:
        bits += _ai_bits(ai) + _encode_value(ai, ais[ai])
    for key, value in (others or {}).items():
        if not SAFE64_RE.match(key) or len(key) > 127 or len(value) > 127:
            raise CompressionError("a key=value pair that cannot be compressed")
        encoding, char_bits = _encode_chars(value)
        bits += "1111" + format(len(key), "07b") + "".join(format(ALPHABET.index(c), "06b") for c in key)
        bits += format(encoding, "03b") + format(len(value), "07b") + char_bits
    return bits


def compress(ais: dict[str, str], others: dict[str, str] | None = None, optimise: bool = True) -> str:
    """The compressed path segment (without the leading slash) for ``ais``."""
    return from_bits(compress_bits(ais, others, optimise))


def decompress(segment: str) -> tuple[dict[str, str], dict[str, str]]:
    """(GS1 AIs, other key=value pairs) of a compressed path segment; ``CompressionError`` if the
    segment is not one."""
    return decompress_bits(to_bits(segment))


def uncompressed_path(ais: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(``/01/<gtin>/10/<lot>/21/<serial>``, data attributes for the query string) of decoded AIs
    whose primary key is a GTIN. ``CompressionError`` for another primary key or none."""
    keys = [ai for ai in ais if ai in PRIMARY_KEYS]
    if len(keys) != 1:
        raise CompressionError("not exactly one primary key")
    if keys != ["01"]:
        raise UnsupportedKey(keys[0])
    if not is_valid_gtin(ais["01"]):
        raise CompressionError("the GTIN's check digit is wrong")
    path = "/01/" + ais["01"]
    for qualifier in QUALIFIERS["01"]:
        if qualifier in ais:
            path += f"/{qualifier}/{ais[qualifier]}"
    attributes = {ai: v for ai, v in ais.items() if ai != "01" and ai not in QUALIFIERS["01"]}
    return path, attributes
