"""Invitations: an admin invites by e-mail; the invitee sets a password and has an account."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory
from switchboard_gateway.domain import User, check_role_assignment, normalise_email
from switchboard_gateway.invitation_store import (
    Invitation,
    claim_invitation,
    insert_invitation,
    mark_accepted,
    open_invitations,
)
from switchboard_gateway.passwords import Passwords, password_problem
from switchboard_gateway.publishing import Announcer
from switchboard_gateway.tokens import hash_refresh_token, new_refresh_token
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission, Role
from switchboard_shared.db import ALL_TENANTS, tenant_transaction
from switchboard_shared.errors import NotFound, ValidationFailed
from switchboard_shared.events import Notification
from switchboard_shared.masking import mask_email


class InvitationService:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        passwords: Passwords,
        announcer: Announcer,
        lifetime_seconds: int,
        public_base_url: str,
    ) -> None:
        self._pool = pool
        self._passwords = passwords
        self._announcer = announcer
        self._lifetime = lifetime_seconds
        self._base_url = public_base_url.rstrip("/")

    async def invite(
        self, principal: Principal, tenant_id: str, email: str, role: Role
    ) -> Invitation:
        principal.require(Permission.INVITATIONS_CREATE)
        scope = principal.tenant_scope(tenant_id)
        check_role_assignment(principal, role, tenant_id)
        now = datetime.now(UTC)
        invitation = Invitation(
            str(uuid.uuid4()),
            tenant_id,
            normalise_email(email),
            role,
            principal.user_id,
            now,
            now + timedelta(seconds=self._lifetime),
            None,
        )
        token = new_refresh_token()
        async with tenant_transaction(self._pool, scope) as conn:
            if await directory.get_tenant(conn, tenant_id) is None:
                raise NotFound("no such tenant")
            await insert_invitation(conn, invitation, hash_refresh_token(token))
            await self._announcer.notify(self._message(invitation, token))
        await self._announcer.audit(
            "invitation.created",
            principal,
            tenant_id=tenant_id,
            resource=f"invitation:{invitation.id}",
            params={"email": mask_email(invitation.email), "role": str(role)},
        )
        return invitation

    def _message(self, invitation: Invitation, token: str) -> Notification:
        body = (
            f"You have been invited to Switchboard as {invitation.role}.\n"
            f"Accept before {invitation.expires_at:%Y-%m-%d %H:%M} UTC by choosing a password:\n"
            f"POST {self._base_url}/api/invitations/accept\n"
            f'{{"token": "{token}", "password": "<your password>"}}\n'
        )
        return Notification(
            notification_id=invitation.id,
            to=invitation.email,
            subject="Your Switchboard invitation",
            body=body,
        )

    async def pending(self, principal: Principal, tenant_id: str) -> list[Invitation]:
        principal.require(Permission.INVITATIONS_CREATE)
        async with tenant_transaction(self._pool, principal.tenant_scope(tenant_id)) as conn:
            if await directory.get_tenant(conn, tenant_id) is None:
                raise NotFound("no such tenant")
            return await open_invitations(conn, tenant_id)

    async def accept(self, token: str, password: str) -> User:
        """The token is the invitee's only proof, so the lookup runs in platform scope."""
        problem = password_problem(password)
        if problem:
            raise ValidationFailed(problem)
        password_hash = await asyncio.to_thread(self._passwords.hash, password)
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            invitation = await claim_invitation(conn, hash_refresh_token(token))
            if invitation is None:
                raise NotFound("invitation not found, already used or expired")
            draft = User(
                str(uuid.uuid4()),
                invitation.tenant_id,
                invitation.email,
                invitation.role,
                False,
                datetime.now(UTC),
                password_hash,
            )
            user = await directory.insert_user(conn, draft)
            await mark_accepted(conn, invitation.id, user.id)
        await self._announcer.audit(
            "invitation.accepted",
            None,
            actor_id=user.id,
            actor_email=mask_email(user.email),
            tenant_id=user.tenant_id,
            resource=f"invitation:{invitation.id}",
        )
        return user
