"""TOTP as RFC 6238 defines it, and the rules on top: drift of one step, no code used twice."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from switchboard_gateway.totp import (
    base32_secret,
    hash_recovery_code,
    hotp,
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    time_step,
    totp,
)

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(
    ("unix_seconds", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_sha1_codes_match_the_rfc_6238_appendix_b_vectors(unix_seconds: int, expected: str) -> None:
    assert totp(RFC_SECRET, unix_seconds, digits=8) == expected


def test_six_digit_codes_are_the_last_six_digits_of_the_rfc_values() -> None:
    assert totp(RFC_SECRET, 1234567890) == "005924"


def test_hotp_matches_the_rfc_4226_appendix_d_values() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314"]
    assert [hotp(RFC_SECRET, counter) for counter in range(5)] == expected


def test_a_code_of_the_current_step_matches_it() -> None:
    now = 1_700_000_015.0
    assert matching_step(RFC_SECRET, totp(RFC_SECRET, now), now, None) == time_step(now)


@pytest.mark.parametrize("offset", [-30, 30])
def test_a_code_one_step_early_or_late_is_accepted(offset: int) -> None:
    now = 1_700_000_015.0
    code = totp(RFC_SECRET, now + offset)
    assert matching_step(RFC_SECRET, code, now, None) == time_step(now + offset)


@pytest.mark.parametrize("offset", [-60, 60])
def test_a_code_two_steps_away_is_refused(offset: int) -> None:
    now = 1_700_000_015.0
    assert matching_step(RFC_SECRET, totp(RFC_SECRET, now + offset), now, None) is None


def test_a_code_of_a_step_already_used_is_refused() -> None:
    now = 1_700_000_015.0
    code = totp(RFC_SECRET, now)
    assert matching_step(RFC_SECRET, code, now, time_step(now)) is None


def test_an_older_code_is_refused_once_a_later_step_was_used() -> None:
    now = 1_700_000_015.0
    earlier = totp(RFC_SECRET, now - 30)
    assert matching_step(RFC_SECRET, earlier, now, time_step(now)) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 345"])
def test_malformed_codes_match_nothing(code: str) -> None:
    assert matching_step(RFC_SECRET, code, 1_700_000_015.0, None) is None


def test_the_provisioning_uri_carries_the_secret_and_the_parameters() -> None:
    secret = new_secret()
    uri = urlparse(provisioning_uri(secret, "ana@example.test"))
    query = parse_qs(uri.query)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/Switchboard:ana@example.test"
    padded = query["secret"][0] + "=" * (-len(query["secret"][0]) % 8)
    assert base64.b32decode(padded) == secret
    assert query["algorithm"] == ["SHA1"]
    assert (query["digits"], query["period"]) == (["6"], ["30"])


def test_secrets_are_160_random_bits() -> None:
    first, second = new_secret(), new_secret()
    assert len(first) == 20
    assert first != second
    assert len(base32_secret(first)) == 32


def test_recovery_codes_are_distinct_and_their_hash_ignores_case_and_dashes() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    code = codes[0]
    assert hash_recovery_code("u1", code) == hash_recovery_code("u1", code.upper().replace("-", ""))
    assert hash_recovery_code("u1", code) != hash_recovery_code("u2", code)
