"""Issuing access tokens (EdDSA JWTs of type at+jwt) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from switchboard_gateway.keys import SigningKey
from switchboard_shared.auth.tokens import ACCESS_TOKEN_TYPE, ASYMMETRIC_ALGORITHM
from switchboard_shared.errors import Unavailable

REFRESH_TOKEN_BYTES = 32


class SigningKeys(Protocol):
    def signing_key(self) -> SigningKey: ...

    async def refresh_if_stale(self) -> None: ...


@dataclass(frozen=True)
class TokenSubject:
    user_id: str
    email: str
    role: str
    tenant_id: str | None
    session_id: str
    locations: tuple[str, ...] | None = None


class TokenIssuer:
    def __init__(
        self, keys: SigningKeys, *, issuer: str, audience: str, lifetime_seconds: int
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self.lifetime_seconds = lifetime_seconds

    async def refresh_keys(self) -> None:
        """Picks up a key another replica rotated in (checked at most once a minute)."""
        await self._keys.refresh_if_stale()

    def issue(self, subject: TokenSubject, now: int | None = None) -> str:
        key = self._keys.signing_key()
        if key.private_key is None:
            raise Unavailable(f"signing key {key.kid} cannot sign; retry shortly", retry_after=5)
        issued_at = int(time.time()) if now is None else now
        claims: dict[str, Any] = {
            "sub": subject.user_id,
            "email": subject.email,
            "role": subject.role,
            "tenant_id": subject.tenant_id,
            "sid": subject.session_id,
            "iat": issued_at,
            "exp": issued_at + self.lifetime_seconds,
            "iss": self._issuer,
            "aud": self._audience,
            "jti": str(uuid.uuid4()),
        }
        if subject.locations is not None:
            claims["locations"] = list(subject.locations)
        headers = {"kid": key.kid, "typ": ACCESS_TOKEN_TYPE}
        return jwt.encode(claims, key.private_key, algorithm=ASYMMETRIC_ALGORITHM, headers=headers)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are 256 random bits, so a plain SHA-256 is a sound way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()
