"""Tenants and users in the gateway schema. Every call runs inside the caller's RLS scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import errors, sql

from switchboard_gateway.domain import Tenant, User
from switchboard_shared.auth.roles import Role
from switchboard_shared.db import Connection
from switchboard_shared.errors import Conflict

Page = tuple[datetime, str] | None

USER_COLUMNS = sql.SQL(
    "id, tenant_id, email, role, disabled, created_at, password_hash, locations,"
    " EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = users.id AND m.enabled_at IS NOT NULL)"
    " AS mfa_enabled"
)
TENANT_COLUMNS = sql.SQL("id, name, created_at, mfa_required")


def _user(row: dict[str, Any]) -> User:
    return User(
        id=row["id"],
        tenant_id=row["tenant_id"],
        email=row["email"],
        role=Role(row["role"]),
        disabled=row["disabled"],
        created_at=row["created_at"],
        password_hash=row["password_hash"],
        locations=tuple(row["locations"]) if row["locations"] is not None else None,
        mfa_enabled=row["mfa_enabled"],
    )


def _tenant(row: dict[str, Any]) -> Tenant:
    return Tenant(
        id=row["id"],
        name=row["name"],
        created_at=row["created_at"],
        mfa_required=row["mfa_required"],
    )


async def insert_tenant(conn: Connection, tenant_id: str, name: str) -> Tenant:
    cursor = await conn.execute(
        sql.SQL("INSERT INTO tenants (id, name) VALUES (%s, %s) RETURNING {}").format(
            TENANT_COLUMNS
        ),
        (tenant_id, name),
    )
    row = await cursor.fetchone()
    assert row is not None
    return _tenant(row)


async def get_tenant(conn: Connection, tenant_id: str) -> Tenant | None:
    cursor = await conn.execute(
        sql.SQL("SELECT {} FROM tenants WHERE id = %s").format(TENANT_COLUMNS), (tenant_id,)
    )
    row = await cursor.fetchone()
    return _tenant(row) if row else None


async def list_tenants(conn: Connection, limit: int, after: Page) -> list[Tenant]:
    cursor = await conn.execute(
        sql.SQL(
            "SELECT {} FROM tenants"
            " WHERE %(after)s::timestamptz IS NULL OR (created_at, id) > (%(after)s, %(after_id)s)"
            " ORDER BY created_at, id LIMIT %(limit)s"
        ).format(TENANT_COLUMNS),
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
            sql.SQL(
                "INSERT INTO users (id, tenant_id, email, password_hash, role, locations)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING {}"
            ).format(USER_COLUMNS),
            (
                user.id,
                user.tenant_id,
                user.email,
                user.password_hash,
                str(user.role),
                list(user.locations) if user.locations is not None else None,
            ),
        )
    except errors.UniqueViolation as error:
        raise Conflict("an account with this e-mail already exists", code="email_taken") from error
    row = await cursor.fetchone()
    assert row is not None
    return _user(row)


async def find_user_by_email(conn: Connection, email: str) -> User | None:
    cursor = await conn.execute(
        sql.SQL("SELECT {} FROM users WHERE lower(email) = lower(%s)").format(USER_COLUMNS),
        (email,),
    )
    row = await cursor.fetchone()
    return _user(row) if row else None


async def get_user(conn: Connection, user_id: str, tenant_id: str | None = None) -> User | None:
    cursor = await conn.execute(
        sql.SQL(
            "SELECT {} FROM users WHERE id = %s AND (%s::text IS NULL OR tenant_id = %s)"
        ).format(USER_COLUMNS),
        (user_id, tenant_id, tenant_id),
    )
    row = await cursor.fetchone()
    return _user(row) if row else None


async def list_users(
    conn: Connection, tenant_id: str | None, limit: int, after: Page
) -> list[User]:
    cursor = await conn.execute(
        sql.SQL(
            "SELECT {} FROM users WHERE tenant_id IS NOT DISTINCT FROM %(tenant)s"
            " AND (%(after)s::timestamptz IS NULL"
            " OR (created_at, id) > (%(after)s, %(after_id)s))"
            " ORDER BY created_at, id LIMIT %(limit)s"
        ).format(USER_COLUMNS),
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
        sql.SQL(
            "UPDATE users SET role = coalesce(%s, role), disabled = coalesce(%s, disabled),"
            " updated_at = now() WHERE id = %s RETURNING {}"
        ).format(USER_COLUMNS),
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


async def set_locations(conn: Connection, user_id: str, locations: tuple[str, ...] | None) -> User:
    cursor = await conn.execute(
        sql.SQL(
            "UPDATE users SET locations = %s, updated_at = now() WHERE id = %s RETURNING {}"
        ).format(USER_COLUMNS),
        (list(locations) if locations is not None else None, user_id),
    )
    row = await cursor.fetchone()
    assert row is not None
    return _user(row)


async def set_mfa_required(conn: Connection, tenant_id: str, required: bool) -> Tenant | None:
    cursor = await conn.execute(
        sql.SQL("UPDATE tenants SET mfa_required = %s WHERE id = %s RETURNING {}").format(
            TENANT_COLUMNS
        ),
        (required, tenant_id),
    )
    row = await cursor.fetchone()
    return _tenant(row) if row else None


async def platform_owner_emails(conn: Connection) -> list[str]:
    """The addresses of the enabled platform owners (super admins)."""
    cursor = await conn.execute(
        "SELECT email FROM users WHERE tenant_id IS NULL AND role = %s AND NOT disabled"
        " ORDER BY created_at, id",
        (Role.SUPER_ADMIN.value,),
    )
    return [row["email"] for row in await cursor.fetchall()]
