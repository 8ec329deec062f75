"""Signing keys are sealed under SECRETS_KEY, bound to their kid, and published as OKP JWKs."""

from __future__ import annotations

import pytest

from switchboard_gateway.keys import KeyCipher, new_signing_key
from switchboard_shared.auth.tokens import keys_from_jwks
from switchboard_shared.sealing import SealError

SECRET = b"a-secrets-key-of-at-least-thirty-two-bytes"


def test_a_sealed_key_opens_to_the_same_key() -> None:
    key = new_signing_key()
    cipher = KeyCipher(SECRET)
    opened = cipher.open(key.kid, cipher.seal(key))
    assert opened.public_key().public_bytes_raw() == key.public_key.public_bytes_raw()


def test_the_sealed_form_does_not_contain_the_pem() -> None:
    sealed = KeyCipher(SECRET).seal(new_signing_key())
    assert b"PRIVATE KEY" not in sealed


def test_another_secrets_key_cannot_open_it() -> None:
    key = new_signing_key()
    sealed = KeyCipher(SECRET).seal(key)
    with pytest.raises(SealError):
        KeyCipher(b"another-secrets-key-of-thirty-two-bytes!").open(key.kid, sealed)


def test_a_sealed_key_moved_to_another_kid_does_not_open() -> None:
    key = new_signing_key()
    cipher = KeyCipher(SECRET)
    with pytest.raises(SealError):
        cipher.open("another-kid", cipher.seal(key))


def test_the_public_jwk_is_what_every_service_reads() -> None:
    key = new_signing_key()
    jwk = key.public_jwk()
    assert {k: jwk[k] for k in ("kty", "crv", "alg", "use", "kid")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": key.kid,
    }
    assert key.kid in keys_from_jwks({"keys": [jwk]})
