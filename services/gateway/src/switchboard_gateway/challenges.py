"""What a correct password earns when a second step is due: an opaque, short-lived token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory, mfa_store
from switchboard_gateway.domain import User
from switchboard_gateway.mfa_store import Purpose
from switchboard_gateway.tokens import hash_refresh_token, new_refresh_token
from switchboard_shared.db import ALL_TENANTS, tenant_transaction

MAX_FAILURES_PER_CHALLENGE = 5


@dataclass(frozen=True)
class MfaChallenge:
    purpose: Purpose
    token: str
    expires_in: int


def hash_challenge_token(token: str) -> str:
    return hash_refresh_token(token)


class Challenges:
    def __init__(
        self, pool: AsyncConnectionPool, lifetime_seconds: int, platform_required: bool
    ) -> None:
        self._pool = pool
        self._lifetime = lifetime_seconds
        self._platform_required = platform_required

    async def due(self, user: User) -> Purpose | None:
        """A code when a factor is enabled; enrolment when one is required but missing."""
        if user.mfa_enabled:
            return "verify"
        if await self._required(user):
            return "enrol"
        return None

    async def _required(self, user: User) -> bool:
        if user.tenant_id is None:
            return self._platform_required
        async with tenant_transaction(self._pool, user.tenant_id) as conn:
            tenant = await directory.get_tenant(conn, user.tenant_id)
        return tenant is not None and tenant.mfa_required

    async def issue(self, user: User, purpose: Purpose) -> MfaChallenge:
        token = new_refresh_token()
        expires_at = datetime.now(UTC) + timedelta(seconds=self._lifetime)
        async with tenant_transaction(self._pool, user.tenant_id or ALL_TENANTS) as conn:
            await mfa_store.insert_challenge(
                conn, hash_challenge_token(token), user.id, user.tenant_id, purpose, expires_at
            )
        return MfaChallenge(purpose, token, self._lifetime)

    async def find(self, token: str, purpose: Purpose) -> mfa_store.Challenge | None:
        """Nobody is known yet when a challenge token comes back, so the lookup is platform-wide
        (by the token's hash, a unique key), as for refresh tokens."""
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            return await mfa_store.find_challenge(
                conn, hash_challenge_token(token), purpose, MAX_FAILURES_PER_CHALLENGE
            )

    async def count_failure(self, challenge: mfa_store.Challenge) -> None:
        async with tenant_transaction(self._pool, challenge.tenant_id or ALL_TENANTS) as conn:
            await mfa_store.count_challenge_failure(conn, challenge.token_hash)
