"""Removal of archived entries, as the retention role (the service's own role cannot delete).

The owner's connection takes the role `<schema>_retention` with SET ROLE, so the removal runs
with that role's rights only: delete entries, clear the bytes of their leaves, add a mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Removal:
    after: int
    through: int
    root_hash: bytes
    checkpoint_id: int
    archive: str
    archive_sha256: str


class EntryRemover(Protocol):
    async def remove(self, removal: Removal) -> int:
        """Removes entries after..through; answers how many rows went."""


class PostgresEntryRemover:
    def __init__(self, owner_dsn: str, schema: str) -> None:
        self._dsn = owner_dsn
        self._schema = schema

    async def remove(self, removal: Removal) -> int:
        async with await psycopg.AsyncConnection.connect(self._dsn) as conn, conn.transaction():
            await conn.execute(
                sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self._schema))
            )
            role = sql.Identifier(f"{self._schema}_retention")
            await conn.execute(sql.SQL("SET LOCAL ROLE {}").format(role))
            cursor = await conn.execute(
                "DELETE FROM entries WHERE seq > %s AND seq <= %s",
                (removal.after, removal.through),
            )
            removed = cursor.rowcount
            await conn.execute(
                "UPDATE tree_nodes SET data = NULL "
                "WHERE level = 0 AND idx >= %s AND idx < %s AND data IS NOT NULL",
                (removal.after, removal.through),
            )
            await conn.execute(
                "INSERT INTO retention_marks (removed_through, root_hash, checkpoint_id, "
                "archive, archive_sha256) VALUES (%s, %s, %s, %s, %s)",
                (removal.through, removal.root_hash, removal.checkpoint_id, removal.archive,
                 removal.archive_sha256),
            )  # fmt: skip
            return removed
