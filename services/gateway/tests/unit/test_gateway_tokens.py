"""Issued access tokens verify; every forged, stale or mistyped one is refused."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from switchboard_gateway.keys import SigningKey, new_signing_key
from switchboard_gateway.tokens import (
    TokenIssuer,
    TokenSubject,
    hash_refresh_token,
    new_refresh_token,
)
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.tokens import TokenVerifier
from switchboard_shared.errors import Unauthorized

SECRET = "a-shared-hs256-secret-of-at-least-32-bytes!"


class MemoryKeys:
    def __init__(self, *keys: SigningKey) -> None:
        self.keys = {key.kid: key for key in keys}

    def signing_key(self) -> SigningKey:
        return list(self.keys.values())[-1]

    async def refresh_if_stale(self) -> None:
        return None

    async def public_key(self, kid: str) -> Any | None:
        key = self.keys.get(kid)
        return key.public_key if key else None


SUBJECT = TokenSubject("user-1", "ann@example.test", "admin", "tenant-1", "sid-1")


def _issuer(keys: MemoryKeys, **overrides: Any) -> TokenIssuer:
    options = {
        "issuer": "switchboard",
        "audience": "switchboard",
        "lifetime_seconds": 600,
        **overrides,
    }
    return TokenIssuer(keys, **options)


def _verifier(keys: MemoryKeys, secret: str | None = None) -> TokenVerifier:
    return TokenVerifier(
        issuer="switchboard",
        audience="switchboard",
        keys=keys,
        shared_secret=secret.encode() if secret else None,
        revocations=RevocationList(),
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_an_issued_token_verifies_with_its_claims() -> None:
    keys = MemoryKeys(new_signing_key())
    principal = await _verifier(keys).verify(_issuer(keys).issue(SUBJECT))
    assert (principal.user_id, principal.tenant_id, principal.session_id) == (
        "user-1",
        "tenant-1",
        "sid-1",
    )
    assert principal.role == "admin"
    assert principal.expires_at - principal.issued_at == 600


async def test_the_header_names_the_key_and_the_token_type() -> None:
    keys = MemoryKeys(new_signing_key())
    header = jwt.get_unverified_header(_issuer(keys).issue(SUBJECT))
    assert header == {"alg": "EdDSA", "typ": "at+jwt", "kid": keys.signing_key().kid}


async def test_an_unsigned_alg_none_token_is_refused() -> None:
    keys = MemoryKeys(new_signing_key())
    claims = jwt.decode(_issuer(keys).issue(SUBJECT), options={"verify_signature": False})
    forged = f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(claims)}."
    with pytest.raises(Unauthorized):
        await _verifier(keys, SECRET).verify(forged)


async def test_an_hs256_token_signed_with_the_public_key_is_refused() -> None:
    key = new_signing_key()
    keys = MemoryKeys(key)
    claims = jwt.decode(_issuer(keys).issue(SUBJECT), options={"verify_signature": False})
    public_jwk_x = key.public_jwk()["x"].encode()
    forged = jwt.encode(
        claims, public_jwk_x, algorithm="HS256", headers={"typ": "at+jwt", "kid": key.kid}
    )
    with pytest.raises(Unauthorized):
        await _verifier(keys).verify(forged)


async def test_a_token_from_an_unknown_key_is_refused() -> None:
    stranger = MemoryKeys(new_signing_key())
    with pytest.raises(Unauthorized, match="unknown signing key"):
        await _verifier(MemoryKeys(new_signing_key())).verify(_issuer(stranger).issue(SUBJECT))


async def test_an_expired_token_is_refused() -> None:
    keys = MemoryKeys(new_signing_key())
    stale = _issuer(keys, lifetime_seconds=60).issue(SUBJECT, now=int(time.time()) - 3600)
    with pytest.raises(Unauthorized, match="expired"):
        await _verifier(keys).verify(stale)


async def test_a_token_of_another_type_is_refused() -> None:
    key = new_signing_key()
    keys = MemoryKeys(key)
    claims = jwt.decode(_issuer(keys).issue(SUBJECT), options={"verify_signature": False})
    id_token = jwt.encode(
        claims, key.private_key, algorithm="EdDSA", headers={"typ": "JWT", "kid": key.kid}
    )
    with pytest.raises(Unauthorized, match="not an access token"):
        await _verifier(keys).verify(id_token)


@pytest.mark.parametrize("field", ["issuer", "audience"])
async def test_a_token_for_another_issuer_or_audience_is_refused(field: str) -> None:
    keys = MemoryKeys(new_signing_key())
    token = _issuer(keys, **{field: "someone-else"}).issue(SUBJECT)
    with pytest.raises(Unauthorized):
        await _verifier(keys).verify(token)


async def test_a_token_of_a_revoked_session_is_refused() -> None:
    from switchboard_shared.events import Revocation

    keys = MemoryKeys(new_signing_key())
    verifier = _verifier(keys)
    token = _issuer(keys).issue(SUBJECT)
    verifier._revocations.add(Revocation(kind="session", subject_id="sid-1"))
    with pytest.raises(Unauthorized, match="revoked"):
        await verifier.verify(token)


def test_refresh_tokens_are_random_and_stored_only_as_a_hash() -> None:
    first, second = new_refresh_token(), new_refresh_token()
    assert first != second
    assert len(first) >= 43
    assert hash_refresh_token(first) != first
    assert hash_refresh_token(first) == hash_refresh_token(first)
