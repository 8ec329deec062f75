"""Signing-key rotation as an operator task, for the command line to call."""

from __future__ import annotations

from switchboard_gateway.key_store import KeyRing
from switchboard_gateway.keys import KeyCipher
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.db import create_pool, role_dsn


async def rotate_signing_key(settings: GatewaySettings) -> str:
    """Adds a new signing key and retires the old one (still published until it expires).

    Running gateways sign with the new key within a minute; tokens signed before keep working.
    Returns the new key id.
    """
    password = (
        settings.db_service_password.get_secret_value() if settings.db_service_password else None
    )
    pool = create_pool(
        role_dsn(settings.database_url, settings.db_role, password),
        min_size=1,
        max_size=1,
        name="gateway-keys",
    )
    await pool.open()
    try:
        ring = KeyRing(pool, KeyCipher(settings.encryption_secret), settings.signing_key_seconds)
        return (await ring.rotate()).kid
    finally:
        await pool.close()
