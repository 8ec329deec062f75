"""First start: the platform owner from BOOTSTRAP_OWNER_EMAIL / BOOTSTRAP_OWNER_PASSWORD."""

from __future__ import annotations

import asyncio
import logging
import uuid

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway.domain import normalise_email
from switchboard_gateway.passwords import Passwords
from switchboard_shared.auth.roles import Role
from switchboard_shared.db import ALL_TENANTS, tenant_transaction
from switchboard_shared.masking import mask_email

log = logging.getLogger(__name__)


async def ensure_platform_owner(
    pool: AsyncConnectionPool, passwords: Passwords, email: str, password: str
) -> bool:
    """Creates the super admin unless that e-mail exists; True when this call created it.

    The unique e-mail index settles a race between replicas: the loser inserts nothing.
    """
    address = normalise_email(email)
    async with tenant_transaction(pool, ALL_TENANTS) as conn:
        cursor = await conn.execute("SELECT 1 FROM users WHERE lower(email) = %s", (address,))
        if await cursor.fetchone() is not None:
            return False
    password_hash = await asyncio.to_thread(passwords.hash, password)
    async with tenant_transaction(pool, ALL_TENANTS) as conn:
        cursor = await conn.execute(
            "INSERT INTO users (id, tenant_id, email, password_hash, role)"
            " VALUES (%s, NULL, %s, %s, %s) ON CONFLICT ((lower(email))) DO NOTHING RETURNING id",
            (str(uuid.uuid4()), address, password_hash, str(Role.SUPER_ADMIN)),
        )
        created = await cursor.fetchone() is not None
    if created:
        log.info("created the platform owner %s", mask_email(address))
    return created
