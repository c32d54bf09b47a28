"""The identifier rules: credit codes (GB 32100-2015 / GB 11714) and standard codes."""

import pytest
from django.core.exceptions import ValidationError

from gi_registry.factories import make_credit_code
from gi_registry.validators import (
    credit_code_check_character,
    normalise_credit_code,
    normalise_standard_code,
    org_code_check_character,
    validate_credit_code,
    validate_standard_code,
)


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91350100m000100y43", "9135 0100 M000 100Y43", make_credit_code(7)]
)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


def test_check_character_of_published_example():
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "credit_code_check"),  # wrong check character
        ("91350100M000100Y4", "credit_code_length"),  # 17 characters
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100M00O100Y43", "credit_code_charset"),  # letter O is not used
        ("913501I0M000100Y43", "credit_code_charset"),  # letter in the division code
        ("91350100M000100Z43", "credit_code_charset"),  # Z is not used
        ("91350100M000101Y4X", "credit_code_check"),
        ("", "credit_code_length"),
    ],
)
def test_invalid_credit_codes_are_rejected_with_a_reason(code, error):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == error


def test_organisation_code_check_is_enforced():
    # The 18th character is right for the first 17, but the organisation code's own check is not.
    org_body = "MA000001"
    wrong = "1" if org_code_check_character(org_body) != "1" else "2"
    first17 = "91500155" + org_body + wrong
    code = first17 + credit_code_check_character(first17)
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == "credit_code_org_check"


def test_normalise_credit_code():
    assert normalise_credit_code(" 9135-0100 m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("db50/t1000—2020", "DB50/T 1000-2020"),
        ("DB50/T 1000-2020", "DB50/T 1000-2020"),
        ("GB/T19332-2008", "GB/T 19332-2008"),
        ("ny/t 5015 - 2002", "NY/T 5015-2002"),
        ("t/cqlp 001-2023", "T/CQLP 001-2023"),
        ("ＤＢ５０／Ｔ　１０００－２０２０", "DB50/T 1000-2020"),
    ],
)
def test_normalise_standard_code(typed, canonical):
    assert normalise_standard_code(typed) == canonical


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("GB/T 19332-2008", "national", True),
        ("GB 2762-2022", "national", True),
        ("NY/T 5015-2002", "industry", True),
        ("DB50/T 1000-2020", "local", True),
        ("T/CQLP 001-2023", "group", True),
        ("Q/LPY 001-2024", "enterprise", True),
        ("DB50/T 1000-2020", "national", False),
        ("DB50/T 1000", "local", False),  # no year
        ("GB/T 19332-08", "national", False),
        ("T/ 001-2023", "group", False),
    ],
)
def test_standard_code_matches_its_level(code, level, ok):
    if ok:
        validate_standard_code(code, level)
    else:
        with pytest.raises(ValidationError):
            validate_standard_code(code, level)
