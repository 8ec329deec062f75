"""Second factors, recovery codes and sign-in challenges in the gateway schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from switchboard_shared.db import Connection

Purpose = Literal["verify", "enrol"]


@dataclass(frozen=True)
class Factor:
    user_id: str
    secret_sealed: bytes
    enabled_at: datetime | None
    last_step: int | None


@dataclass(frozen=True)
class Challenge:
    token_hash: str
    user_id: str
    tenant_id: str | None
    purpose: Purpose


async def get_factor(conn: Connection, user_id: str) -> Factor | None:
    """Locked until the transaction ends, so two requests cannot spend the same step."""
    cursor = await conn.execute(
        "SELECT user_id, secret_sealed, enabled_at, last_step FROM user_mfa"
        " WHERE user_id = %s FOR UPDATE",
        (user_id,),
    )
    row: Any = await cursor.fetchone()
    if row is None:
        return None
    return Factor(row["user_id"], bytes(row["secret_sealed"]), row["enabled_at"], row["last_step"])


async def put_pending_factor(
    conn: Connection, user_id: str, tenant_id: str | None, sealed: bytes
) -> bool:
    """A new pending secret replaces a pending one; False when a factor is already enabled."""
    cursor = await conn.execute(
        "INSERT INTO user_mfa (user_id, tenant_id, secret_sealed) VALUES (%s, %s, %s)"
        " ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,"
        " created_at = now(), last_step = NULL WHERE user_mfa.enabled_at IS NULL"
        " RETURNING user_id",
        (user_id, tenant_id, sealed),
    )
    return await cursor.fetchone() is not None


async def enable_factor(conn: Connection, user_id: str, step: int) -> None:
    await conn.execute(
        "UPDATE user_mfa SET enabled_at = now(), last_step = %s WHERE user_id = %s",
        (step, user_id),
    )


async def spend_step(conn: Connection, user_id: str, step: int) -> bool:
    cursor = await conn.execute(
        "UPDATE user_mfa SET last_step = %s WHERE user_id = %s"
        " AND (last_step IS NULL OR last_step < %s) RETURNING user_id",
        (step, user_id, step),
    )
    return await cursor.fetchone() is not None


async def delete_factor(conn: Connection, user_id: str) -> bool:
    await conn.execute("DELETE FROM mfa_recovery_codes WHERE user_id = %s", (user_id,))
    cursor = await conn.execute(
        "DELETE FROM user_mfa WHERE user_id = %s RETURNING user_id", (user_id,)
    )
    return await cursor.fetchone() is not None


async def replace_recovery_codes(
    conn: Connection, user_id: str, tenant_id: str | None, code_hashes: list[str]
) -> None:
    await conn.execute("DELETE FROM mfa_recovery_codes WHERE user_id = %s", (user_id,))
    async with conn.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO mfa_recovery_codes (code_hash, user_id, tenant_id) VALUES (%s, %s, %s)",
            [(code_hash, user_id, tenant_id) for code_hash in code_hashes],
        )


async def spend_recovery_code(conn: Connection, user_id: str, code_hash: str) -> bool:
    cursor = await conn.execute(
        "UPDATE mfa_recovery_codes SET used_at = now()"
        " WHERE code_hash = %s AND user_id = %s AND used_at IS NULL RETURNING code_hash",
        (code_hash, user_id),
    )
    return await cursor.fetchone() is not None


async def insert_challenge(
    conn: Connection,
    token_hash: str,
    user_id: str,
    tenant_id: str | None,
    purpose: Purpose,
    expires_at: datetime,
) -> None:
    await conn.execute("DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 hour'")
    await conn.execute(
        "INSERT INTO mfa_challenges (token_hash, user_id, tenant_id, purpose, expires_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        (token_hash, user_id, tenant_id, purpose, expires_at),
    )


async def find_challenge(
    conn: Connection, token_hash: str, purpose: Purpose, max_failures: int
) -> Challenge | None:
    """A live challenge: not spent, not expired, not worn out by wrong codes."""
    cursor = await conn.execute(
        "SELECT token_hash, user_id, tenant_id, purpose FROM mfa_challenges"
        " WHERE token_hash = %s AND purpose = %s AND used_at IS NULL"
        " AND expires_at > now() AND failures < %s",
        (token_hash, purpose, max_failures),
    )
    row: Any = await cursor.fetchone()
    if row is None:
        return None
    return Challenge(row["token_hash"], row["user_id"], row["tenant_id"], row["purpose"])


async def spend_challenge(conn: Connection, token_hash: str, max_failures: int) -> bool:
    cursor = await conn.execute(
        "UPDATE mfa_challenges SET used_at = now() WHERE token_hash = %s AND used_at IS NULL"
        " AND expires_at > now() AND failures < %s RETURNING token_hash",
        (token_hash, max_failures),
    )
    return await cursor.fetchone() is not None


async def count_challenge_failure(conn: Connection, token_hash: str) -> None:
    await conn.execute(
        "UPDATE mfa_challenges SET failures = failures + 1 WHERE token_hash = %s", (token_hash,)
    )
