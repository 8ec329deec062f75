"""Sign-in use cases: login, refresh with rotation and reuse detection, logout, sessions."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory, sessions
from switchboard_gateway.challenges import Challenges, MfaChallenge
from switchboard_gateway.domain import INVALID_CREDENTIALS, Session, User
from switchboard_gateway.passwords import Passwords
from switchboard_gateway.publishing import Announcer
from switchboard_gateway.ratelimit import LoginLimiter
from switchboard_gateway.tokens import (
    TokenIssuer,
    TokenSubject,
    hash_refresh_token,
    new_refresh_token,
)
from switchboard_shared.auth.principal import Principal
from switchboard_shared.db import ALL_TENANTS, tenant_transaction
from switchboard_shared.errors import NotFound, Unauthorized
from switchboard_shared.events import AuditResult
from switchboard_shared.masking import mask_email


@dataclass(frozen=True)
class Client:
    address: str | None
    user_agent: str | None


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


class AuthService:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        passwords: Passwords,
        issuer: TokenIssuer,
        announcer: Announcer,
        limiter: LoginLimiter,
        refresh_lifetime_seconds: int,
        challenges: Challenges,
    ) -> None:
        self._pool = pool
        self._challenges = challenges
        self._limiter = limiter
        self._passwords = passwords
        self._issuer = issuer
        self._announcer = announcer
        self._refresh_lifetime = refresh_lifetime_seconds

    async def login(self, email: str, password: str, client: Client) -> TokenPair | MfaChallenge:
        """Login acts before anyone is known, so it looks the e-mail up in platform scope.

        When a second step is due, a correct password earns a challenge instead of tokens; the
        account's failure count is only cleared once that step succeeds."""
        await self._limiter.check(client.address, email)
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            user = await directory.find_user_by_email(conn, email)
        stored_hash = user.password_hash if user else None
        valid = await asyncio.to_thread(self._passwords.verify, stored_hash, password)
        if user is None or not valid or user.disabled:
            await self._refuse_login(email, user, valid, client)
        purpose = await self._challenges.due(user)
        if purpose is None:
            return await self.complete_login(user, client, None)
        await self._announcer.audit(
            "auth.mfa_challenged",
            None,
            actor_id=user.id,
            actor_email=mask_email(user.email),
            tenant_id=user.tenant_id,
            resource=f"user:{user.id}",
            params={"purpose": purpose},
        )
        return await self._challenges.issue(user, purpose)

    async def complete_login(
        self, user: User, client: Client, second_factor: str | None
    ) -> TokenPair:
        pair = await self._open_session(user, client)
        await self._limiter.clear_account(user.email)
        await self._announcer.audit(
            "auth.login",
            None,
            actor_id=user.id,
            actor_email=mask_email(user.email),
            tenant_id=user.tenant_id,
            resource=f"user:{user.id}",
            params={"second_factor": second_factor} if second_factor else None,
        )
        return pair

    async def _refuse_login(
        self, email: str, user: User | None, valid: bool, client: Client
    ) -> NoReturn:
        """The same answer for an unknown e-mail, a wrong password and a disabled account."""
        await self._announcer.audit(
            "auth.login",
            None,
            actor_id=user.id if user else None,
            actor_email=mask_email(email),
            tenant_id=user.tenant_id if user else None,
            result=AuditResult.FAILURE,
            reason="disabled" if user and valid else "bad credentials",
        )
        await self._limiter.record_failure(client.address, email)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")

    async def _open_session(self, user: User, client: Client) -> TokenPair:
        session_id = str(uuid.uuid4())
        refresh = new_refresh_token()
        expires_at = datetime.now(UTC) + timedelta(seconds=self._refresh_lifetime)
        async with tenant_transaction(self._pool, user.tenant_id or ALL_TENANTS) as conn:
            await sessions.insert_session(
                conn,
                session_id=session_id,
                user_id=user.id,
                tenant_id=user.tenant_id,
                user_agent=client.user_agent,
                ip_address=client.address,
                expires_at=expires_at,
            )
            await sessions.insert_refresh_token(
                conn, hash_refresh_token(refresh), session_id, user.tenant_id
            )
        return await self._pair(user, session_id, refresh)

    async def _pair(self, user: User, session_id: str, refresh: str) -> TokenPair:
        await self._issuer.refresh_keys()
        subject = TokenSubject(
            user.id, user.email, str(user.role), user.tenant_id, session_id, user.locations
        )
        return TokenPair(self._issuer.issue(subject), refresh, self._issuer.lifetime_seconds)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Each refresh token works once; presenting a used one revokes its whole session."""
        new_refresh = new_refresh_token()
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            claimed = await sessions.claim_refresh_token(conn, hash_refresh_token(refresh_token))
            if claimed is None:
                raise Unauthorized("refresh token not recognised", code="invalid_refresh_token")
            session, reused = claimed
            user = await directory.get_user(conn, session.user_id)
            problem = _refresh_problem(session, user, reused)
            if problem is None and user is not None:
                await sessions.insert_refresh_token(
                    conn, hash_refresh_token(new_refresh), session.id, session.tenant_id
                )
                await sessions.touch_session(conn, session.id)
            elif session.revoked_at is None:
                await sessions.revoke_session(conn, session.id, problem or "refused")
        if problem is not None or user is None:
            await self._refuse_refresh(session, problem or "user gone", reused)
        assert user is not None
        return await self._pair(user, session.id, new_refresh)

    async def _refuse_refresh(self, session: Session, problem: str, reused: bool) -> None:
        if session.revoked_at is None:
            await self._announcer.revoke("session", session.id)
        if reused:
            await self._announcer.audit(
                "auth.refresh_token_reused",
                None,
                actor_id=session.user_id,
                tenant_id=session.tenant_id,
                resource=f"session:{session.id}",
                result=AuditResult.DENIED,
                reason=problem,
            )
        raise Unauthorized(f"refresh refused: {problem}", code="invalid_refresh_token")

    async def logout(self, principal: Principal) -> None:
        await self._revoke(principal, principal.session_id, "logout")
        await self._announcer.audit(
            "auth.logout",
            principal,
            tenant_id=principal.tenant_id,
            resource=f"session:{principal.session_id}",
        )

    async def revoke_session(self, principal: Principal, session_id: str) -> None:
        async with tenant_transaction(self._pool, principal.tenant_scope()) as conn:
            session = await sessions.get_session(conn, session_id)
        if session is None or session.user_id != principal.user_id:
            raise NotFound("no such session")
        await self._revoke(principal, session_id, "revoked by user")
        await self._announcer.audit(
            "auth.session_revoked",
            principal,
            tenant_id=principal.tenant_id,
            resource=f"session:{session_id}",
        )

    async def _revoke(self, principal: Principal, session_id: str, reason: str) -> None:
        async with tenant_transaction(self._pool, principal.tenant_scope()) as conn:
            await sessions.revoke_session(conn, session_id, reason)
        await self._announcer.revoke("session", session_id)

    async def me(self, principal: Principal) -> User:
        async with tenant_transaction(self._pool, principal.tenant_scope()) as conn:
            user = await directory.get_user(conn, principal.user_id)
        if user is None:
            raise Unauthorized("account no longer exists", code="invalid_token")
        return user

    async def sessions(self, principal: Principal) -> list[Session]:
        async with tenant_transaction(self._pool, principal.tenant_scope()) as conn:
            return await sessions.live_sessions(conn, principal.user_id)


def _refresh_problem(session: Session, user: User | None, reused: bool) -> str | None:
    if reused:
        return "refresh token reused"
    if session.revoked_at is not None:
        return "session revoked"
    if session.expires_at <= datetime.now(UTC):
        return "session expired"
    if user is None or user.disabled:
        return "account disabled"
    return None
