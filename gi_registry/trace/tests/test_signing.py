"""The printed code: only the key holder can mint one, every tampering is caught, keys rotate."""

import secrets

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gi_registry.trace import signing

# Hypothesis runs a test body many times inside one pytest-django test, so no fixture is reset
# between examples; these tests touch no database.
HSETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
serials = st.binary(min_size=8, max_size=8)


def test_code_shape_is_20_base32_characters_starting_with_the_key_id():
    code = signing.sign(secrets.token_bytes(8))
    assert len(code) == signing.CODE_LENGTH == 20
    assert set(code) <= set(signing.ALPHABET)
    assert code[0] == signing.ALPHABET[signing.key_slot("t2")]  # the signing key is the first one


@HSETTINGS
@given(serial=serials)
def test_every_signed_code_verifies_to_its_serial(serial):
    code = signing.sign(serial)
    verified = signing.verify(code)
    assert verified is not None and verified.serial == serial and verified.kid == "t2"


@HSETTINGS
@given(serial=serials, data=st.data())
def test_lenient_input_case_spaces_hyphens_and_confusable_digits(serial, data):
    code = signing.sign(serial)
    lower = "".join(c.lower() if data.draw(st.booleans()) else c for c in code)
    grouped = "-".join(lower[i : i + 4] for i in range(0, 20, 4))
    confused = grouped.replace("O", "0").replace("I", "1").replace("B", "8")
    for text in (lower, grouped, " " + signing.display(code) + "\n", confused):
        assert signing.verify(text) == signing.verify(code)


@HSETTINGS
@given(serial=serials, position=st.integers(0, 19), replacement=st.sampled_from(signing.ALPHABET))
def test_any_single_character_change_is_rejected(serial, position, replacement):
    code = signing.sign(serial)
    if code[position] == replacement:
        return
    tampered = code[:position] + replacement + code[position + 1 :]
    assert signing.verify(tampered) is None


@HSETTINGS
@given(serial=serials, cut=st.integers(1, 19))
def test_truncated_codes_are_rejected(serial, cut):
    code = signing.sign(serial)
    assert signing.verify(code[:cut]) is None
    assert signing.verify(code[cut:]) is None


@HSETTINGS
@given(serial=serials, extra=st.text(alphabet=signing.ALPHABET + "=", min_size=1, max_size=8))
def test_padded_or_extended_codes_are_rejected(serial, extra):
    code = signing.sign(serial)
    assert signing.verify(code + extra) is None
    assert signing.verify(extra + code) is None


@HSETTINGS
@given(serial=serials, other=serials)
def test_a_tag_from_another_serial_does_not_fit(serial, other):
    if serial == other:
        return
    a, b = signing.sign(serial), signing.sign(other)
    # Splice a's key id and serial with b's tag: the last 31 bits live in the last 7 characters.
    assert signing.verify(a[:13] + b[13:]) is None or a[13:] == b[13:]


@HSETTINGS
@given(garbage=st.one_of(st.text(max_size=200), st.binary(max_size=50), st.none(), st.integers(), st.lists(st.text())))
def test_garbage_never_raises(garbage):
    assert signing.verify(garbage) is None


@HSETTINGS
@given(text=st.text(alphabet=signing.ALPHABET, min_size=20, max_size=20))
def test_random_well_formed_strings_do_not_verify(text):
    # 2⁻³¹ chance per example that a random string carries a right tag: never in practice.
    assert signing.verify(text) is None


def test_wrong_key_with_the_same_key_id_is_rejected():
    code = signing.sign(secrets.token_bytes(8))
    with override_settings(TRACE_SIGNING_KEYS="t2:an-attackers-guess,t1:first-test-key"):
        assert signing.verify(code) is None


def test_key_rotation_old_codes_still_verify_new_codes_use_the_new_key():
    serial = secrets.token_bytes(8)
    with override_settings(TRACE_SIGNING_KEYS="t1:first-test-key"):
        old = signing.sign(serial)
    with override_settings(TRACE_SIGNING_KEYS="t3:third-key,t2:second-test-key,t1:first-test-key"):
        assert signing.verify(old).kid == "t1"
        new = signing.sign(serial)
        assert signing.verify(new).kid == "t3"
        assert new != old
    with override_settings(TRACE_SIGNING_KEYS="t3:third-key"):
        assert signing.verify(old) is None  # a retired key no longer verifies
    assert signing.verify(old).kid == "t1"


def test_sign_under_a_retired_key_gives_none():
    assert signing.sign(secrets.token_bytes(8), "gone") is None


def test_no_keys_configured_verifies_nothing_and_refuses_to_sign():
    code = signing.sign(secrets.token_bytes(8))
    with override_settings(TRACE_SIGNING_KEYS=""):
        assert signing.verify(code) is None
        with pytest.raises(signing.ImproperlyConfigured):
            signing.sign(secrets.token_bytes(8))


def test_colliding_key_ids_are_refused_at_configuration():
    slot = signing.key_slot("t2")
    twin = next(f"k{i}" for i in range(10_000) if signing.key_slot(f"k{i}") == slot)
    with override_settings(TRACE_SIGNING_KEYS=f"t2:a,{twin}:b"), pytest.raises(signing.ImproperlyConfigured):
        signing.sign(secrets.token_bytes(8))


def test_verification_uses_compare_digest(monkeypatch):
    calls = []
    real = signing.hmac.compare_digest
    monkeypatch.setattr(signing.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert signing.verify(signing.sign(secrets.token_bytes(8)))
    assert calls
