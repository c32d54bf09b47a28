"""Validators for identifiers a registry officer types in.

Each function states the rule and where it comes from; the model ``clean()`` methods and the
spreadsheet importer both call them, so a code is checked the same way wherever it enters.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 §4: the 31 characters of the code, in the order that gives each its value.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: the 9-character organisation code inside it has its own check character.
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")


def normalise_credit_code(value: str) -> str:
    """Upper-case the code and drop spaces and hyphens people type to group its characters."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015 §5).

    Each of the first 17 characters has a value (its index in ``CREDIT_CODE_CHARSET``); the
    check value is ``31 - (Σ value × weight mod 31)``, with 31 written as ``0``.
    """
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714-1997): ``11 - Σ mod 11``; 10 is X."""
    total = sum(ORG_CODE_CHARSET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_credit_code(value: str) -> None:
    """Reject anything that is not a well-formed unified social credit code.

    18 characters from ``0-9 A-H J-N P-R T U W-Y`` (no I, O, Z, S, V); characters 3–8 are the
    administrative division code (digits); the 18th is the GB 32100 check character and the
    9th–17th form an organisation code whose last character is its GB 11714 check character.
    """
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and the letters "
                "A–H, J–N, P–R, T, U, W–Y, with digits in places 3–8."
            ),
            code="credit_code_charset",
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this credit code is wrong; please check for a typo."),
            code="credit_code_check",
        )
    org = code[8:17]
    if org_code_check_character(org[:8]) != org[8]:
        raise ValidationError(
            _("The organisation code inside this credit code (characters 9–17) does not check."),
            code="credit_code_org_check",
        )


# Chinese standard codes: prefix, optional "/T" or "/Z", number, "-", four-digit year.
STANDARD_CODE_PATTERNS = {
    "national": re.compile(r"^GB(/[TZ])? \d+(\.\d+)?-\d{4}$"),
    "industry": re.compile(r"^[A-Z]{2}(/[TZ])? \d+(\.\d+)?-\d{4}$"),
    "local": re.compile(r"^DB\d{2}(/T)? \d+(\.\d+)?-\d{4}$"),
    "group": re.compile(r"^T/[A-Z0-9]+ \d+(\.\d+)?-\d{4}$"),
    "enterprise": re.compile(r"^Q/[A-Z0-9]+ [A-Z0-9.]+-\d{4}$"),
}
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "―": "-"})


def normalise_standard_code(value: str) -> str:
    """Canonical spelling of a standard code: half-width, upper case, one space before the number.

    ``db50/t1000—2020`` → ``DB50/T 1000-2020``; full-width characters (``ＤＢ５０／Ｔ``) are folded by
    NFKC first, as Chinese input methods often produce them.
    """
    code = unicodedata.normalize("NFKC", value or "").translate(_DASHES).upper().strip()
    code = re.sub(r"\s+", " ", code)
    code = re.sub(r"\s*-\s*", "-", code)
    code = re.sub(r"\s*/\s*", "/", code)
    # insert the space between the prefix and the number when it was left out
    return re.sub(r"^((?:GB|DB\d{2}|[A-Z]{2}|T/[A-Z0-9]+|Q/[A-Z0-9]+)(?:/[TZ])?)\s*(?=\d)", r"\1 ", code)


def validate_standard_code(code: str, level: str) -> None:
    """The code must have the form of its level: GB…, NY/T…, DB50/T…, T/…, Q/…, ending in a year."""
    pattern = STANDARD_CODE_PATTERNS.get(level)
    if pattern and not pattern.match(code):
        examples = {
            "national": "GB/T 19332-2008",
            "industry": "NY/T 5015-2002",
            "local": "DB50/T 1000-2020",
            "group": "T/CQLP 001-2023",
            "enterprise": "Q/LPY 001-2024",
        }
        raise ValidationError(
            _("“%(code)s” is not a valid code for this level; expected a form like %(example)s."),
            code="standard_code_format",
            params={"code": code, "example": examples[level]},
        )


# Authorisation numbers (使用授权编号): LPGI-<year>-<five-digit sequence>, e.g. LPGI-2026-00012.
# The year is the year the number was given; the sequence counts from 00001 within that year
# (00000 is never given: the import templates use it for their example row).
AUTHORISATION_NUMBER_PREFIX = "LPGI"
_AUTHORISATION_NUMBER_RE = re.compile(r"^LPGI-(\d{4})-(\d{5})$")


def format_authorisation_number(year: int, sequence: int) -> str:
    return f"{AUTHORISATION_NUMBER_PREFIX}-{year:04d}-{sequence:05d}"


def normalise_authorisation_number(value: str) -> str:
    """Half-width, upper case, no spaces, any dash as ``-``: ``lpgi－2026－00012`` → ``LPGI-2026-00012``."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES)
    return re.sub(r"\s+", "", text).upper()


def parse_authorisation_number(value: str) -> tuple[int, int] | None:
    """(year, sequence) of a number written by the rule, else None."""
    match = _AUTHORISATION_NUMBER_RE.match(value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def validate_authorisation_number(value: str) -> None:
    """A number an officer types must follow the rule: LPGI-<4-digit year>-<5-digit sequence from 00001>."""
    parsed = parse_authorisation_number(value)
    if parsed is None or parsed[1] == 0 or not 1990 <= parsed[0] <= 2999:
        raise ValidationError(
            _(
                "“%(value)s” is not an authorisation number: write LPGI-<year>-<five digits>, "
                "e.g. LPGI-2026-00012, or leave it empty to have the next number assigned."
            ),
            code="authorisation_number_format",
            params={"value": value},
        )
