"""Sessions and their refresh tokens (stored hashed) in the gateway schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchboard_gateway.domain import Session
from switchboard_shared.db import Connection

_SESSION_COLUMNS = (
    "id, user_id, tenant_id, user_agent, created_at, last_used_at, expires_at, revoked_at"
)


def _session(row: dict[str, Any]) -> Session:
    return Session(**{k: row[k] for k in _SESSION_COLUMNS.split(", ")})


async def insert_session(
    conn: Connection,
    *,
    session_id: str,
    user_id: str,
    tenant_id: str | None,
    user_agent: str | None,
    ip_address: str | None,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO sessions (id, user_id, tenant_id, user_agent, ip_address, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (session_id, user_id, tenant_id, (user_agent or "")[:300] or None, ip_address, expires_at),
    )


async def insert_refresh_token(
    conn: Connection, token_hash: str, session_id: str, tenant_id: str | None
) -> None:
    await conn.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id, tenant_id) VALUES (%s, %s, %s)",
        (token_hash, session_id, tenant_id),
    )


async def claim_refresh_token(conn: Connection, token_hash: str) -> tuple[Session, bool] | None:
    """The token's session, locked, and whether the token had been used before."""
    cursor = await conn.execute(
        "SELECT r.used_at, s.id, s.user_id, s.tenant_id, s.user_agent, s.created_at,"
        " s.last_used_at, s.expires_at, s.revoked_at"
        " FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.token_hash = %s FOR UPDATE OF r, s",
        (token_hash,),
    )
    row = await cursor.fetchone()
    if row is None:
        return None
    await conn.execute(
        "UPDATE refresh_tokens SET used_at = coalesce(used_at, now()) WHERE token_hash = %s",
        (token_hash,),
    )
    return _session(row), row["used_at"] is not None


async def touch_session(conn: Connection, session_id: str) -> None:
    await conn.execute("UPDATE sessions SET last_used_at = now() WHERE id = %s", (session_id,))


async def revoke_session(conn: Connection, session_id: str, reason: str) -> bool:
    """True when this call revoked it (it was live)."""
    cursor = await conn.execute(
        "UPDATE sessions SET revoked_at = now(), revoked_reason = %s"
        " WHERE id = %s AND revoked_at IS NULL RETURNING id",
        (reason, session_id),
    )
    return await cursor.fetchone() is not None


async def revoke_user_sessions(conn: Connection, user_id: str, reason: str) -> list[str]:
    cursor = await conn.execute(
        "UPDATE sessions SET revoked_at = now(), revoked_reason = %s"
        " WHERE user_id = %s AND revoked_at IS NULL RETURNING id",
        (reason, user_id),
    )
    return [row["id"] for row in await cursor.fetchall()]


async def get_session(conn: Connection, session_id: str) -> Session | None:
    cursor = await conn.execute(
        "SELECT id, user_id, tenant_id, user_agent, created_at, last_used_at, expires_at,"
        " revoked_at FROM sessions WHERE id = %s",
        (session_id,),
    )
    row = await cursor.fetchone()
    return _session(row) if row else None


async def live_sessions(conn: Connection, user_id: str) -> list[Session]:
    cursor = await conn.execute(
        "SELECT id, user_id, tenant_id, user_agent, created_at, last_used_at, expires_at,"
        " revoked_at FROM sessions"
        " WHERE user_id = %s AND revoked_at IS NULL AND expires_at > now()"
        " ORDER BY created_at DESC LIMIT 100",
        (user_id,),
    )
    return [_session(row) for row in await cursor.fetchall()]
