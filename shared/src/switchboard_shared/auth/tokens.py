"""Access-token verification: pinned algorithms, issuer, audience, type, key id and revocation.

Access tokens are JWTs of type `at+jwt` (RFC 9068) signed with EdDSA keys published as a JWKS;
HS256 with a shared secret of at least 32 bytes remains for the smallest setups.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Protocol

import httpx
import jwt
from jwt.algorithms import OKPAlgorithm

from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import Unauthorized

log = logging.getLogger(__name__)

ACCESS_TOKEN_TYPE = "at+jwt"
ASYMMETRIC_ALGORITHM = "EdDSA"
SYMMETRIC_ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "role", "sid", "iat", "exp", "iss", "aud", "jti"]
JWKS_REFRESH_SECONDS = 5.0
LEEWAY_SECONDS = 5


class KeySource(Protocol):
    async def public_key(self, kid: str) -> Any | None:
        """The verification key for this key id, or None when nobody knows it."""


class JwksKeySource:
    """Fetches the gateway's JWKS, caches it, and refetches (rate-limited) on an unknown kid."""

    def __init__(self, url: str, client: httpx.AsyncClient | None = None) -> None:
        self._url = url
        self._client = client or httpx.AsyncClient(timeout=3.0)
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def public_key(self, kid: str) -> Any | None:
        """Callers that arrive while a refresh is under way wait for it instead of failing."""
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            stale = time.monotonic() - self._fetched_at > JWKS_REFRESH_SECONDS
            if kid not in self._keys and stale:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._client.get(self._url)
            response.raise_for_status()
            self._keys = keys_from_jwks(response.json())
        except (httpx.HTTPError, ValueError) as error:
            log.warning("could not fetch JWKS from %s: %s", self._url, error)

    async def aclose(self) -> None:
        await self._client.aclose()


def keys_from_jwks(document: dict[str, Any]) -> dict[str, Any]:
    keys = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and "kid" in jwk:
            keys[jwk["kid"]] = OKPAlgorithm.from_jwk(json.dumps(jwk))
    return keys


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource | None,
        shared_secret: bytes | None,
        revocations: RevocationList,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._keys = keys
        self._secret = shared_secret
        self._revocations = revocations

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized("malformed token", code="invalid_token") from error
        if header.get("typ") != ACCESS_TOKEN_TYPE:
            raise Unauthorized("not an access token", code="invalid_token")
        key, algorithm = await self._key_for(header)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("token expired", code="token_expired") from error
        except jwt.PyJWTError as error:
            raise Unauthorized(f"invalid token: {error}", code="invalid_token") from error
        principal = principal_from_claims(claims)
        if self._revocations.is_session_revoked(
            principal.session_id, principal.user_id, principal.issued_at
        ):
            raise Unauthorized("session revoked", code="session_revoked")
        return principal

    async def _key_for(self, header: dict[str, Any]) -> tuple[Any, str]:
        algorithm = header.get("alg")
        if algorithm == ASYMMETRIC_ALGORITHM and self._keys is not None:
            key = await self._keys.public_key(str(header.get("kid", "")))
            if key is None:
                raise Unauthorized("unknown signing key", code="invalid_token")
            return key, ASYMMETRIC_ALGORITHM
        if algorithm == SYMMETRIC_ALGORITHM and self._secret is not None:
            return self._secret, SYMMETRIC_ALGORITHM
        raise Unauthorized("signing algorithm not accepted", code="invalid_token")


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
    except ValueError as error:
        raise Unauthorized("unknown role", code="invalid_token") from error
    locations = claims.get("locations")
    return Principal(
        user_id=str(claims["sub"]),
        email=str(claims.get("email", "")),
        role=role,
        tenant_id=claims.get("tenant_id"),
        session_id=str(claims["sid"]),
        token_id=str(claims["jti"]),
        issued_at=int(claims["iat"]),
        expires_at=int(claims["exp"]),
        locations=tuple(locations) if isinstance(locations, list) else None,
    )
