"""The signing keys in the gateway schema, and the in-memory key ring that signs and verifies.

The key ring is the gateway's own `KeySource`: it verifies from memory and reloads from the
database (at most every few seconds) when it meets a key id another replica created.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway.keys import (
    KeyCipher,
    SigningKey,
    load_public_pem,
    new_signing_key,
    public_pem,
)
from switchboard_shared.errors import Unavailable
from switchboard_shared.sealing import SealError

log = logging.getLogger(__name__)

RELOAD_INTERVAL_SECONDS = 5.0
STALE_AFTER_SECONDS = 60.0
KEY_CREATION_LOCK = 0x5B_6B_65_79  # advisory lock id: one replica creates the first key


class KeyRing:
    def __init__(
        self, pool: AsyncConnectionPool, cipher: KeyCipher, key_lifetime_seconds: int
    ) -> None:
        self._pool = pool
        self._cipher = cipher
        self._lifetime = key_lifetime_seconds
        self._keys: dict[str, SigningKey] = {}
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def ensure_signing_key(self) -> None:
        """Creates the first key unless one exists (safe with several replicas), then loads all."""
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (KEY_CREATION_LOCK,))
            cursor = await conn.execute(
                "SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1"
            )
            if await cursor.fetchone() is None:
                await self._insert(conn, new_signing_key())
        await self.reload()

    async def rotate(self) -> SigningKey:
        """A new signing key; the old ones stop signing but stay published until they expire."""
        key = new_signing_key()
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "UPDATE signing_keys SET retired_at = now(), expires_at = %s"
                " WHERE retired_at IS NULL",
                (datetime.now(UTC) + timedelta(seconds=self._lifetime),),
            )
            await self._insert(conn, key)
        await self.reload()
        return key

    async def _insert(self, conn: Any, key: SigningKey) -> None:
        await conn.execute(
            "INSERT INTO signing_keys (kid, public_key_pem, private_key_encrypted)"
            " VALUES (%s, %s, %s)",
            (key.kid, public_pem(key), self._cipher.seal(key)),
        )

    async def reload(self) -> None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT kid, public_key_pem, private_key_encrypted, created_at, retired_at,"
                " expires_at"
                " FROM signing_keys WHERE expires_at IS NULL OR expires_at > now()"
                " ORDER BY created_at"
            )
            rows: list[Any] = await cursor.fetchall()
        self._keys = {row["kid"]: self._from_row(row) for row in rows}
        self._loaded_at = time.monotonic()

    def _from_row(self, row: dict[str, Any]) -> SigningKey:
        private = None
        if row["retired_at"] is None:
            try:
                private = self._cipher.open(row["kid"], bytes(row["private_key_encrypted"]))
            except (SealError, ValueError):
                log.error("signing key %s cannot be decrypted: is SECRETS_KEY right?", row["kid"])
        return SigningKey(
            kid=row["kid"],
            private_key=private,
            public_key=load_public_pem(row["public_key_pem"]),
            created_at=row["created_at"],
            retired_at=row["retired_at"],
            expires_at=row["expires_at"],
        )

    async def _try_reload(self) -> None:
        try:
            await self.reload()
        except Exception as error:
            self._loaded_at = time.monotonic()
            log.warning("could not reload signing keys: %s", error)

    def signing_key(self) -> SigningKey:
        usable = [k for k in self._keys.values() if k.can_sign]
        if not usable:
            raise Unavailable("no signing key is loaded yet; retry shortly", retry_after=5)
        return usable[-1]

    async def refresh_if_stale(self) -> None:
        if time.monotonic() - self._loaded_at > STALE_AFTER_SECONDS:
            async with self._lock:
                if time.monotonic() - self._loaded_at > STALE_AFTER_SECONDS:
                    await self._try_reload()

    async def ready(self) -> bool:
        return any(key.can_sign for key in self._keys.values())

    def published(self) -> list[SigningKey]:
        return list(self._keys.values())

    async def public_key(self, kid: str) -> Any | None:
        if kid not in self._keys and time.monotonic() - self._loaded_at > RELOAD_INTERVAL_SECONDS:
            async with self._lock:
                if kid not in self._keys:
                    await self._try_reload()
        key = self._keys.get(kid)
        return key.public_key if key else None
