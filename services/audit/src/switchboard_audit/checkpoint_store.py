"""Keys, checkpoints and verification marks in SQL, behind a small Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from psycopg_pool import AsyncConnectionPool

from switchboard_audit.signing import StoredKey
from switchboard_shared.db import ALL_TENANTS, tenant_transaction

KEY_LOCK = 0x5357_4155_4449_4B  # replicas starting together create one key, not two


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    tree_size: int
    root_hash: bytes
    key_id: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class Verification:
    checkpoint_id: int
    tree_size: int
    root_hash: bytes
    verified_at: datetime


@dataclass(frozen=True)
class RetentionMark:
    """Entries up to `removed_through` were archived and removed; the tree there had this root."""

    removed_through: int
    root_hash: bytes
    checkpoint_id: int
    archive: str
    removed_at: datetime

    def as_start(self) -> Verification:
        return Verification(
            self.checkpoint_id, self.removed_through, self.root_hash, self.removed_at
        )


class CheckpointStore(Protocol):
    async def keys(self) -> list[StoredKey]:
        """Every key that ever signed, retired ones included, oldest first."""

    async def active_key(self) -> StoredKey | None: ...

    async def add_key_unless_active(self, key: StoredKey) -> StoredKey:
        """Stores `key` unless an active key exists; answers the active key."""

    async def retire_keys(self, except_key_id: str) -> None: ...

    async def add_checkpoint(
        self, tree_size: int, root_hash: bytes, key_id: str, note: str
    ) -> StoredCheckpoint: ...

    async def latest(self) -> StoredCheckpoint | None: ...

    async def at_size(self, tree_size: int) -> StoredCheckpoint | None: ...

    async def page(self, before_id: int | None, limit: int) -> list[StoredCheckpoint]:
        """Newest first."""

    async def after(self, after_id: int) -> list[StoredCheckpoint]:
        """Oldest first."""

    async def last_verification(self) -> Verification | None: ...

    async def add_verification(self, checkpoint: StoredCheckpoint) -> None: ...

    async def retention_mark(self) -> RetentionMark | None:
        """The latest removal of archived entries, if any."""


_KEY_COLUMNS = "key_id, name, public_key, sealed_private_key, created_at, retired_at"
_CHECKPOINT_COLUMNS = "id, tree_size, root_hash, key_id, note, created_at"


class PostgresCheckpointStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def keys(self) -> list[StoredKey]:
        rows = await self._rows(f"SELECT {_KEY_COLUMNS} FROM signing_keys ORDER BY created_at")  # noqa: S608
        return [_key(row) for row in rows]

    async def active_key(self) -> StoredKey | None:
        rows = await self._rows(
            f"SELECT {_KEY_COLUMNS} FROM signing_keys WHERE retired_at IS NULL "  # noqa: S608
            "ORDER BY created_at DESC LIMIT 1"
        )
        return _key(rows[0]) if rows else None

    async def add_key_unless_active(self, key: StoredKey) -> StoredKey:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (KEY_LOCK,))
            cursor = await conn.execute(
                f"SELECT {_KEY_COLUMNS} FROM signing_keys WHERE retired_at IS NULL "  # noqa: S608
                "ORDER BY created_at DESC LIMIT 1"
            )
            if row := await cursor.fetchone():
                return _key(row)
            cursor = await conn.execute(
                "INSERT INTO signing_keys (key_id, name, public_key, sealed_private_key) "  # noqa: S608
                f"VALUES (%s, %s, %s, %s) RETURNING {_KEY_COLUMNS}",
                (key.key_id, key.name, key.public_key, key.sealed_private_key),
            )
            stored = await cursor.fetchone()
            assert stored is not None
            return _key(stored)

    async def retire_keys(self, except_key_id: str) -> None:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            await conn.execute(
                "UPDATE signing_keys SET retired_at = now() "
                "WHERE retired_at IS NULL AND key_id <> %s",
                (except_key_id,),
            )

    async def add_checkpoint(
        self, tree_size: int, root_hash: bytes, key_id: str, note: str
    ) -> StoredCheckpoint:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(
                "INSERT INTO checkpoints (tree_size, root_hash, key_id, note) "  # noqa: S608
                f"VALUES (%s, %s, %s, %s) RETURNING {_CHECKPOINT_COLUMNS}",
                (tree_size, root_hash, key_id, note),
            )
            row = await cursor.fetchone()
        assert row is not None
        return _checkpoint(row)

    async def latest(self) -> StoredCheckpoint | None:
        rows = await self._rows(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints ORDER BY id DESC LIMIT 1"  # noqa: S608
        )
        return _checkpoint(rows[0]) if rows else None

    async def at_size(self, tree_size: int) -> StoredCheckpoint | None:
        rows = await self._rows(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints WHERE tree_size = %s "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            (tree_size,),
        )
        return _checkpoint(rows[0]) if rows else None

    async def page(self, before_id: int | None, limit: int) -> list[StoredCheckpoint]:
        rows = await self._rows(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints WHERE id < %s "  # noqa: S608
            "ORDER BY id DESC LIMIT %s",
            (before_id if before_id is not None else 2**63 - 1, limit),
        )
        return [_checkpoint(row) for row in rows]

    async def after(self, after_id: int) -> list[StoredCheckpoint]:
        rows = await self._rows(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints WHERE id > %s ORDER BY id",  # noqa: S608
            (after_id,),
        )
        return [_checkpoint(row) for row in rows]

    async def last_verification(self) -> Verification | None:
        rows = await self._rows(
            "SELECT checkpoint_id, tree_size, root_hash, verified_at FROM verifications "
            "ORDER BY id DESC LIMIT 1"
        )
        if not rows:
            return None
        row = rows[0]
        return Verification(
            row["checkpoint_id"], row["tree_size"], bytes(row["root_hash"]), row["verified_at"]
        )

    async def add_verification(self, checkpoint: StoredCheckpoint) -> None:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            await conn.execute(
                "INSERT INTO verifications (checkpoint_id, tree_size, root_hash) "
                "VALUES (%s, %s, %s)",
                (checkpoint.id, checkpoint.tree_size, checkpoint.root_hash),
            )

    async def retention_mark(self) -> RetentionMark | None:
        rows = await self._rows(
            "SELECT removed_through, root_hash, checkpoint_id, archive, removed_at "
            "FROM retention_marks ORDER BY id DESC LIMIT 1"
        )
        if not rows:
            return None
        row = rows[0]
        return RetentionMark(
            row["removed_through"], bytes(row["root_hash"]), row["checkpoint_id"],
            row["archive"], row["removed_at"],
        )  # fmt: skip

    async def _rows(self, sql: str, values: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(sql.encode(), values)
            return list(await cursor.fetchall())


def _key(row: dict[str, Any]) -> StoredKey:
    return StoredKey(
        key_id=row["key_id"],
        name=row["name"],
        public_key=bytes(row["public_key"]),
        sealed_private_key=bytes(row["sealed_private_key"]),
        created_at=row["created_at"],
        retired_at=row["retired_at"],
    )


def _checkpoint(row: dict[str, Any]) -> StoredCheckpoint:
    return StoredCheckpoint(
        id=row["id"],
        tree_size=row["tree_size"],
        root_hash=bytes(row["root_hash"]),
        key_id=row["key_id"],
        note=row["note"],
        created_at=row["created_at"],
    )
