"""Tenant and user management use cases, each inside the caller's row-level security scope."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory, mfa_store, sessions
from switchboard_gateway.domain import (
    KEEP,
    Keep,
    Tenant,
    User,
    check_location_grant,
    check_may_manage,
    check_role_assignment,
    normalise_email,
)
from switchboard_gateway.pagination import decode_cursor
from switchboard_gateway.passwords import Passwords, password_problem
from switchboard_gateway.publishing import Announcer
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission, Role
from switchboard_shared.db import ALL_TENANTS, Connection, tenant_transaction
from switchboard_shared.errors import Forbidden, NotFound, ValidationFailed
from switchboard_shared.masking import mask_email


class AccountService:
    def __init__(
        self, pool: AsyncConnectionPool, passwords: Passwords, announcer: Announcer
    ) -> None:
        self._pool = pool
        self._passwords = passwords
        self._announcer = announcer

    async def create_tenant(self, principal: Principal, name: str) -> Tenant:
        principal.require(Permission.TENANTS_CREATE)
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            tenant = await directory.insert_tenant(conn, str(uuid.uuid4()), name.strip())
        await self._announcer.audit(
            "tenant.created",
            principal,
            tenant_id=tenant.id,
            resource=f"tenant:{tenant.id}",
            params={"name": tenant.name},
        )
        return tenant

    async def list_tenants(
        self, principal: Principal, limit: int, cursor: str | None
    ) -> list[Tenant]:
        if principal.can(Permission.TENANTS_READ_ALL):
            scope = ALL_TENANTS
        elif principal.tenant_id is not None:
            scope = principal.tenant_id
        else:
            raise Forbidden(f"role {principal.role} may not list tenants")
        async with tenant_transaction(self._pool, scope) as conn:
            return await directory.list_tenants(conn, limit, decode_cursor(cursor))

    async def tenant_exists(self, tenant_id: str) -> bool:
        async with tenant_transaction(self._pool, tenant_id) as conn:
            return await directory.get_tenant(conn, tenant_id) is not None

    async def _scope(self, principal: Principal, permission: Permission, tenant_id: str) -> str:
        principal.require(permission)
        scope = principal.tenant_scope(tenant_id)
        if not await self.tenant_exists(tenant_id):
            raise NotFound("no such tenant")
        return scope

    async def create_user(
        self,
        principal: Principal,
        tenant_id: str | None,
        email: str,
        password: str,
        role: Role,
        locations: tuple[str, ...] | None = None,
    ) -> User:
        """With tenant_id None, a platform account (only the super admin makes those)."""
        scope = (
            await self._scope(principal, Permission.USERS_MANAGE, tenant_id)
            if tenant_id
            else ALL_TENANTS
        )
        if tenant_id is None and principal.role is not Role.SUPER_ADMIN:
            raise Forbidden("only the super admin creates platform accounts")
        check_role_assignment(principal, role, tenant_id)
        check_location_grant(principal, locations, tenant_id)
        problem = password_problem(password)
        if problem:
            raise ValidationFailed(problem)
        password_hash = await asyncio.to_thread(self._passwords.hash, password)
        draft = User(
            str(uuid.uuid4()),
            tenant_id,
            normalise_email(email),
            role,
            False,
            datetime.now(UTC),
            password_hash,
            locations,
        )
        async with tenant_transaction(self._pool, scope) as conn:
            user = await directory.insert_user(conn, draft)
        await self._announcer.audit(
            "user.created",
            principal,
            tenant_id=tenant_id,
            resource=f"user:{user.id}",
            params={"email": mask_email(user.email), "role": str(role)},
        )
        return user

    async def list_users(
        self, principal: Principal, tenant_id: str | None, limit: int, cursor: str | None
    ) -> list[User]:
        if tenant_id is None:
            principal.require(Permission.TENANTS_READ_ALL)
            scope = ALL_TENANTS
        else:
            scope = await self._scope(principal, Permission.USERS_READ, tenant_id)
        async with tenant_transaction(self._pool, scope) as conn:
            return await directory.list_users(conn, tenant_id, limit, decode_cursor(cursor))

    async def update_user(
        self,
        principal: Principal,
        tenant_id: str,
        user_id: str,
        role: Role | None,
        disabled: bool | None,
        locations: tuple[str, ...] | Keep | None = KEEP,
    ) -> User:
        scope = await self._scope(principal, Permission.USERS_MANAGE, tenant_id)
        async with tenant_transaction(self._pool, scope) as conn:
            target = await _manageable_user(conn, principal, user_id, tenant_id)
            if role is not None:
                check_role_assignment(principal, role, tenant_id)
            if not isinstance(locations, Keep):
                check_location_grant(principal, locations, tenant_id)
                await directory.set_locations(conn, user_id, locations)
            user = await directory.update_user(conn, user_id, role, disabled)
            cut_off = (
                user.disabled or user.role != target.role or user.locations != target.locations
            )
            if cut_off:
                await sessions.revoke_user_sessions(conn, user_id, "account changed")
        if cut_off:
            await self._announcer.revoke("user", user_id)
        await self._audit_change(principal, target, user)
        return user

    async def _audit_change(self, principal: Principal, before: User, after: User) -> None:
        resource = f"user:{after.id}"
        if before.role != after.role:
            await self._announcer.audit(
                "user.role_changed",
                principal,
                tenant_id=after.tenant_id,
                resource=resource,
                params={"from": str(before.role), "to": str(after.role)},
            )
        if before.disabled != after.disabled:
            action = "user.disabled" if after.disabled else "user.enabled"
            await self._announcer.audit(
                action, principal, tenant_id=after.tenant_id, resource=resource
            )
        if before.locations != after.locations:
            await self._announcer.audit(
                "user.locations_changed",
                principal,
                tenant_id=after.tenant_id,
                resource=resource,
                params={"locations": list(after.locations) if after.locations else None},
            )

    async def remove_user(self, principal: Principal, tenant_id: str, user_id: str) -> None:
        """Removal disables the account (its history stays) and cuts every session at once."""
        scope = await self._scope(principal, Permission.USERS_MANAGE, tenant_id)
        async with tenant_transaction(self._pool, scope) as conn:
            await _manageable_user(conn, principal, user_id, tenant_id)
            await directory.update_user(conn, user_id, None, True)
            await sessions.revoke_user_sessions(conn, user_id, "account removed")
        await self._announcer.revoke("user", user_id)
        await self._announcer.audit(
            "user.removed", principal, tenant_id=tenant_id, resource=f"user:{user_id}"
        )

    async def require_mfa(self, principal: Principal, tenant_id: str, required: bool) -> Tenant:
        """Members who have not enrolled are asked to, at their next sign-in."""
        scope = await self._scope(principal, Permission.USERS_MANAGE, tenant_id)
        async with tenant_transaction(self._pool, scope) as conn:
            tenant = await directory.set_mfa_required(conn, tenant_id, required)
        if tenant is None:
            raise NotFound("no such tenant")
        await self._announcer.audit(
            "tenant.mfa_required_changed",
            principal,
            tenant_id=tenant_id,
            resource=f"tenant:{tenant_id}",
            params={"mfa_required": required},
        )
        return tenant

    async def reset_mfa(self, principal: Principal, tenant_id: str, user_id: str) -> None:
        """For a member who lost both authenticator and recovery codes: they enrol again."""
        scope = await self._scope(principal, Permission.USERS_MANAGE, tenant_id)
        async with tenant_transaction(self._pool, scope) as conn:
            await _manageable_user(conn, principal, user_id, tenant_id)
            if not await mfa_store.delete_factor(conn, user_id):
                raise NotFound("this user has no second factor")
        await self._announcer.audit(
            "auth.mfa_reset", principal, tenant_id=tenant_id, resource=f"user:{user_id}"
        )


async def _manageable_user(
    conn: Connection, principal: Principal, user_id: str, tenant_id: str
) -> User:
    """The tenant's user that `principal` may manage; 404 when there is none, 403 when above."""
    target = await directory.get_user(conn, user_id, tenant_id)
    if target is None:
        raise NotFound("no such user")
    check_may_manage(principal, target)
    return target
