"""Invitations in the gateway schema (the token only as its hash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_shared.auth.roles import Role
from switchboard_shared.db import Connection

_COLUMNS = "id, tenant_id, email, role, invited_by, created_at, expires_at, accepted_at"


@dataclass(frozen=True)
class Invitation:
    id: str
    tenant_id: str
    email: str
    role: Role
    invited_by: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


def _invitation(row: dict[str, Any]) -> Invitation:
    values = {k: row[k] for k in _COLUMNS.split(", ")}
    return Invitation(**{**values, "role": Role(row["role"])})


async def insert_invitation(conn: Connection, invitation: Invitation, token_hash: str) -> None:
    await conn.execute(
        "INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (
            invitation.id,
            invitation.tenant_id,
            invitation.email,
            str(invitation.role),
            token_hash,
            invitation.invited_by,
            invitation.expires_at,
        ),
    )


async def claim_invitation(conn: Connection, token_hash: str) -> Invitation | None:
    """The open, unexpired invitation with this token, locked for acceptance."""
    cursor = await conn.execute(
        "SELECT id, tenant_id, email, role, invited_by, created_at, expires_at, accepted_at"
        " FROM invitations WHERE token_hash = %s AND accepted_at IS NULL AND expires_at > now()"
        " FOR UPDATE",
        (token_hash,),
    )
    row = await cursor.fetchone()
    return _invitation(row) if row else None


async def mark_accepted(conn: Connection, invitation_id: str, user_id: str) -> None:
    await conn.execute(
        "UPDATE invitations SET accepted_at = now(), accepted_user_id = %s WHERE id = %s",
        (user_id, invitation_id),
    )


async def open_invitations(conn: Connection, tenant_id: str) -> list[Invitation]:
    cursor = await conn.execute(
        "SELECT id, tenant_id, email, role, invited_by, created_at, expires_at, accepted_at"
        " FROM invitations WHERE tenant_id = %s AND accepted_at IS NULL AND expires_at > now()"
        " ORDER BY created_at DESC LIMIT 200",
        (tenant_id,),
    )
    return [_invitation(row) for row in await cursor.fetchall()]
