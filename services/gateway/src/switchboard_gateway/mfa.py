"""Second-factor use cases: enrol an authenticator, confirm it, verify at sign-in, disable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory, mfa_store, totp
from switchboard_gateway.auth import AuthService, Client, TokenPair
from switchboard_gateway.challenges import MAX_FAILURES_PER_CHALLENGE, Challenges
from switchboard_gateway.domain import User
from switchboard_gateway.mfa_store import Challenge
from switchboard_gateway.publishing import Announcer
from switchboard_gateway.ratelimit import LoginLimiter
from switchboard_shared.auth.principal import Principal
from switchboard_shared.db import ALL_TENANTS, Connection, tenant_transaction
from switchboard_shared.errors import Conflict, Unauthorized, Unavailable
from switchboard_shared.events import AuditResult
from switchboard_shared.masking import mask_email
from switchboard_shared.sealing import Sealer, SealError

log = logging.getLogger(__name__)

SECRET_PURPOSE = b"switchboard/gateway/totp-secrets/v1"


class _Mismatch(Exception):
    """The code matched nothing; the transaction that tried it is rolled back."""


def invalid_code() -> Unauthorized:
    """One answer for a wrong code, a spent code, and an unknown, spent or expired token."""
    return Unauthorized("invalid or expired code", code="invalid_mfa_code")


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class Confirmation:
    recovery_codes: list[str]
    tokens: TokenPair | None


@dataclass(frozen=True)
class Caller:
    """Who acts on their own second factor: signed in, or holding an enrolment challenge."""

    user: User
    challenge: Challenge | None


class TotpSecrets:
    """TOTP secrets sealed under SECRETS_KEY, the user id as associated data."""

    def __init__(self, secrets_key: bytes) -> None:
        self._sealer = Sealer(secrets_key, SECRET_PURPOSE)

    def seal(self, user_id: str, secret: bytes) -> bytes:
        return self._sealer.seal(secret, user_id.encode())

    def open(self, user_id: str, sealed: bytes) -> bytes:
        try:
            return self._sealer.open(sealed, user_id.encode())
        except SealError as error:
            log.error("a second-factor secret cannot be opened: is SECRETS_KEY right?")
            raise Unavailable("the second factor cannot be checked now", retry_after=5) from error


def _scope(user: User) -> str:
    return user.tenant_id or ALL_TENANTS


class MfaService:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        auth: AuthService,
        challenges: Challenges,
        secrets: TotpSecrets,
        announcer: Announcer,
        limiter: LoginLimiter,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._pool = pool
        self._auth = auth
        self._challenges = challenges
        self._secrets = secrets
        self._announcer = announcer
        self._limiter = limiter
        self._clock = clock

    async def caller(self, principal: Principal | None, mfa_token: str | None) -> Caller:
        if mfa_token is not None:
            challenge = await self._challenges.find(mfa_token, "enrol")
            if challenge is None:
                raise invalid_code()
            return Caller(await self._user(challenge.user_id, challenge.tenant_id), challenge)
        if principal is None:
            raise Unauthorized("a bearer token is required", code="missing_token")
        return Caller(await self._user(principal.user_id, principal.tenant_id), None)

    async def _user(self, user_id: str, tenant_id: str | None) -> User:
        async with tenant_transaction(self._pool, tenant_id or ALL_TENANTS) as conn:
            user = await directory.get_user(conn, user_id, tenant_id)
        if user is None or user.disabled:
            raise Unauthorized("account not available", code="invalid_token")
        return user

    async def enrol(self, caller: Caller) -> Enrolment:
        user = caller.user
        secret = totp.new_secret()
        async with tenant_transaction(self._pool, _scope(user)) as conn:
            stored = await mfa_store.put_pending_factor(
                conn, user.id, user.tenant_id, self._secrets.seal(user.id, secret)
            )
        if not stored:
            raise Conflict("a second factor is already enabled", code="mfa_already_enabled")
        return Enrolment(totp.base32_secret(secret), totp.provisioning_uri(secret, user.email))

    async def confirm(self, caller: Caller, code: str, client: Client) -> Confirmation:
        user = caller.user
        await self._limiter.check(client.address, user.email)
        codes = totp.new_recovery_codes()
        try:
            async with tenant_transaction(self._pool, _scope(user)) as conn:
                await self._enable(conn, caller, code, codes)
        except _Mismatch:
            await self._refuse(user, client, caller.challenge, "confirm")
        await self._announcer.audit(
            "auth.mfa_enrolled",
            None,
            actor_id=user.id,
            actor_email=mask_email(user.email),
            tenant_id=user.tenant_id,
            resource=f"user:{user.id}",
        )
        if caller.challenge is None:
            return Confirmation(codes, None)
        return Confirmation(codes, await self._auth.complete_login(user, client, "totp"))

    async def _enable(self, conn: Connection, caller: Caller, code: str, codes: list[str]) -> None:
        user = caller.user
        factor = await mfa_store.get_factor(conn, user.id)
        if factor is None or factor.enabled_at is not None:
            raise Conflict("no enrolment is waiting for a code", code="mfa_not_pending")
        secret = self._secrets.open(user.id, factor.secret_sealed)
        step = totp.matching_step(secret, totp.normalise_code(code), self._clock(), None)
        if step is None:
            raise _Mismatch()
        if caller.challenge is not None and not await mfa_store.spend_challenge(
            conn, caller.challenge.token_hash, MAX_FAILURES_PER_CHALLENGE
        ):
            raise invalid_code()
        await mfa_store.enable_factor(conn, user.id, step)
        hashes = [totp.hash_recovery_code(user.id, c) for c in codes]
        await mfa_store.replace_recovery_codes(conn, user.id, user.tenant_id, hashes)

    async def verify(self, mfa_token: str, code: str, client: Client) -> TokenPair:
        challenge = await self._challenges.find(mfa_token, "verify")
        if challenge is None:
            raise invalid_code()
        try:
            user = await self._user(challenge.user_id, challenge.tenant_id)
        except Unauthorized as error:
            raise invalid_code() from error
        await self._limiter.check(client.address, user.email)
        try:
            async with tenant_transaction(self._pool, _scope(user)) as conn:
                if not await mfa_store.spend_challenge(
                    conn, challenge.token_hash, MAX_FAILURES_PER_CHALLENGE
                ):
                    raise invalid_code()
                method = await self._match(conn, user, code)
        except _Mismatch:
            await self._refuse(user, client, challenge, "sign-in")
        return await self._auth.complete_login(user, client, method)

    async def disable(self, principal: Principal, code: str, client: Client) -> None:
        user = await self._user(principal.user_id, principal.tenant_id)
        if not user.mfa_enabled:
            raise Conflict("no second factor is enabled", code="mfa_not_enabled")
        await self._limiter.check(client.address, user.email)
        try:
            async with tenant_transaction(self._pool, _scope(user)) as conn:
                await self._match(conn, user, code)
                await mfa_store.delete_factor(conn, user.id)
        except _Mismatch:
            await self._refuse(user, client, None, "disable")
        await self._announcer.audit(
            "auth.mfa_disabled", principal, tenant_id=user.tenant_id, resource=f"user:{user.id}"
        )

    async def _match(self, conn: Connection, user: User, code: str) -> str:
        """'totp' or 'recovery_code', each spent as it matches; raises _Mismatch otherwise."""
        typed = totp.normalise_code(code)
        if len(typed) == totp.DIGITS and typed.isdigit():
            factor = await mfa_store.get_factor(conn, user.id)
            if factor is None or factor.enabled_at is None:
                raise _Mismatch()
            secret = self._secrets.open(user.id, factor.secret_sealed)
            step = totp.matching_step(secret, typed, self._clock(), factor.last_step)
            if step is None or not await mfa_store.spend_step(conn, user.id, step):
                raise _Mismatch()
            return "totp"
        code_hash = totp.hash_recovery_code(user.id, typed)
        if not await mfa_store.spend_recovery_code(conn, user.id, code_hash):
            raise _Mismatch()
        return "recovery_code"

    async def _refuse(
        self, user: User, client: Client, challenge: Challenge | None, stage: str
    ) -> NoReturn:
        """A wrong code counts as a failed sign-in of the account (and wears the challenge)."""
        if challenge is not None:
            await self._challenges.count_failure(challenge)
        await self._limiter.record_failure(client.address, user.email)
        await self._announcer.audit(
            "auth.mfa_verify_failed",
            None,
            actor_id=user.id,
            actor_email=mask_email(user.email),
            tenant_id=user.tenant_id,
            resource=f"user:{user.id}",
            result=AuditResult.FAILURE,
            reason=stage,
        )
        raise invalid_code()
