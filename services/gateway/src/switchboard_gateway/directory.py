"""Tenants and users in the gateway schema. Every call runs inside the caller's RLS scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import errors

from switchboard_gateway.domain import Tenant, User
from switchboard_shared.auth.roles import Role
from switchboard_shared.db import Connection
from switchboard_shared.errors import Conflict

Page = tuple[datetime, str] | None


def _user(row: dict[str, Any]) -> User:
    return User(
        id=row["id"],
        tenant_id=row["tenant_id"],
        email=row["email"],
        role=Role(row["role"]),
        disabled=row["disabled"],
        created_at=row["created_at"],
        password_hash=row["password_hash"],
    )


def _tenant(row: dict[str, Any]) -> Tenant:
    return Tenant(id=row["id"], name=row["name"], created_at=row["created_at"])


async def insert_tenant(conn: Connection, tenant_id: str, name: str) -> Tenant:
    cursor = await conn.execute(
        "INSERT INTO tenants (id, name) VALUES (%s, %s) RETURNING id, name, created_at",
        (tenant_id, name),
    )
    row = await cursor.fetchone()
    assert row is not None
    return _tenant(row)


async def get_tenant(conn: Connection, tenant_id: str) -> Tenant | None:
    cursor = await conn.execute(
        "SELECT id, name, created_at FROM tenants WHERE id = %s", (tenant_id,)
    )
    row = await cursor.fetchone()
    return _tenant(row) if row else None


async def list_tenants(conn: Connection, limit: int, after: Page) -> list[Tenant]:
    cursor = await conn.execute(
        "SELECT id, name, created_at FROM tenants"
        " WHERE %(after)s::timestamptz IS NULL OR (created_at, id) > (%(after)s, %(after_id)s)"
        " ORDER BY created_at, id LIMIT %(limit)s",
        {
            "after": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
    return [_tenant(row) for row in await cursor.fetchall()]


async def insert_user(conn: Connection, user: User) -> User:
    try:
        cursor = await conn.execute(
            "INSERT INTO users (id, tenant_id, email, password_hash, role)"
            " VALUES (%s, %s, %s, %s, %s)"
            " RETURNING id, tenant_id, email, role, disabled, created_at, password_hash",
            (user.id, user.tenant_id, user.email, user.password_hash, str(user.role)),
        )
    except errors.UniqueViolation as error:
        raise Conflict("an account with this e-mail already exists", code="email_taken") from error
    row = await cursor.fetchone()
    assert row is not None
    return _user(row)


async def find_user_by_email(conn: Connection, email: str) -> User | None:
    cursor = await conn.execute(
        "SELECT id, tenant_id, email, role, disabled, created_at, password_hash"
        " FROM users WHERE lower(email) = lower(%s)",
        (email,),
    )
    row = await cursor.fetchone()
    return _user(row) if row else None


async def get_user(conn: Connection, user_id: str, tenant_id: str | None = None) -> User | None:
    cursor = await conn.execute(
        "SELECT id, tenant_id, email, role, disabled, created_at, password_hash"
        " FROM users WHERE id = %s AND (%s::text IS NULL OR tenant_id = %s)",
        (user_id, tenant_id, tenant_id),
    )
    row = await cursor.fetchone()
    return _user(row) if row else None


async def list_users(
    conn: Connection, tenant_id: str | None, limit: int, after: Page
) -> list[User]:
    cursor = await conn.execute(
        "SELECT id, tenant_id, email, role, disabled, created_at, password_hash FROM users"
        " WHERE tenant_id IS NOT DISTINCT FROM %(tenant)s"
        " AND (%(after)s::timestamptz IS NULL OR (created_at, id) > (%(after)s, %(after_id)s))"
        " ORDER BY created_at, id LIMIT %(limit)s",
        {
            "tenant": tenant_id,
            "after": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
    return [_user(row) for row in await cursor.fetchall()]


async def update_user(
    conn: Connection, user_id: str, role: Role | None, disabled: bool | None
) -> User:
    cursor = await conn.execute(
        "UPDATE users SET role = coalesce(%s, role), disabled = coalesce(%s, disabled),"
        " updated_at = now() WHERE id = %s"
        " RETURNING id, tenant_id, email, role, disabled, created_at, password_hash",
        (str(role) if role else None, disabled, user_id),
    )
    row = await cursor.fetchone()
    assert row is not None
    return _user(row)


async def update_password_hash(conn: Connection, user_id: str, password_hash: str) -> None:
    await conn.execute(
        "UPDATE users SET password_hash = %s, updated_at = now() WHERE id = %s",
        (password_hash, user_id),
    )
