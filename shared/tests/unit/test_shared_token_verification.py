"""RFC 8725 attacks against the shared verifier every service uses."""

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.tokens import TokenVerifier
from switchboard_shared.errors import Unauthorized
from switchboard_shared.events import Revocation

SECRET = b"s" * 32
PRIVATE = Ed25519PrivateKey.generate()
PUBLIC = PRIVATE.public_key()


class FakeKeys:
    async def public_key(self, kid: str) -> Any | None:
        return PUBLIC if kid == "k1" else None


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "u1",
        "email": "a@b.c",
        "role": "admin",
        "tenant_id": "t1",
        "sid": "s1",
        "iat": now,
        "exp": now + 60,
        "iss": "switchboard",
        "aud": "switchboard",
        "jti": "j1",
    }
    return {**base, **overrides}


def signed(payload: dict[str, Any] | None = None, kid: str = "k1", typ: str = "at+jwt") -> str:
    return jwt.encode(
        payload or claims(), PRIVATE, algorithm="EdDSA", headers={"kid": kid, "typ": typ}
    )


def verifier(
    revocations: RevocationList | None = None, secret: bytes | None = None
) -> TokenVerifier:
    return TokenVerifier(
        issuer="switchboard",
        audience="switchboard",
        keys=FakeKeys(),
        shared_secret=secret,
        revocations=revocations or RevocationList(),
    )


async def test_accepts_a_well_formed_token_and_reads_its_claims() -> None:
    principal = await verifier().verify(signed())
    assert (principal.user_id, principal.tenant_id, principal.session_id) == ("u1", "t1", "s1")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_refuses_alg_none() -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': 'k1'})}.{_b64(claims())}."
    with pytest.raises(Unauthorized):
        await verifier().verify(token)


async def test_refuses_an_hs256_token_signed_with_the_public_key() -> None:
    public_pem = PUBLIC.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    forged = jwt.encode(
        claims(), public_pem + b"x" * 32, algorithm="HS256", headers={"kid": "k1", "typ": "at+jwt"}
    )
    with pytest.raises(Unauthorized):
        await verifier().verify(forged)


async def test_refuses_hs256_when_no_shared_secret_is_configured() -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS256", headers={"typ": "at+jwt"})
    with pytest.raises(Unauthorized):
        await verifier().verify(token)
    assert (await verifier(secret=SECRET).verify(token)).user_id == "u1"


async def test_refuses_an_unknown_key_id() -> None:
    with pytest.raises(Unauthorized):
        await verifier().verify(signed(kid="k-unknown"))


@pytest.mark.parametrize(
    "bad",
    [
        {"exp": int(time.time()) - 120},
        {"nbf": int(time.time()) + 600},
        {"iss": "someone-else"},
        {"aud": "another-api"},
        {"role": "emperor"},
    ],
)
async def test_refuses_expired_premature_foreign_or_unknown_role_tokens(
    bad: dict[str, Any],
) -> None:
    with pytest.raises(Unauthorized):
        await verifier().verify(signed(claims(**bad)))


async def test_refuses_a_token_missing_a_required_claim() -> None:
    payload = claims()
    del payload["sid"]
    with pytest.raises(Unauthorized):
        await verifier().verify(signed(payload))


async def test_refuses_a_token_of_another_type() -> None:
    with pytest.raises(Unauthorized):
        await verifier().verify(signed(typ="refresh+jwt"))


async def test_refuses_a_token_whose_signature_was_tampered_with() -> None:
    header, _payload, signature = signed().split(".")
    tampered_payload = _b64(claims(role="owner"))
    with pytest.raises(Unauthorized):
        await verifier().verify(f"{header}.{tampered_payload}.{signature}")


async def test_refuses_a_revoked_session_and_tokens_issued_before_a_user_was_revoked() -> None:
    revocations = RevocationList()
    check = verifier(revocations)
    revocations.add(Revocation(kind="session", subject_id="s1"))
    with pytest.raises(Unauthorized):
        await check.verify(signed())
    revocations.add(Revocation(kind="user", subject_id="u2"))
    with pytest.raises(Unauthorized):
        await check.verify(signed(claims(sub="u2", sid="s2", iat=int(time.time()) - 5)))
