"""The log's SQL, behind a small Protocol: batched appends that grow the tree, reads, node reads.

One writer at a time (an advisory lock held until commit) places a whole batch: it claims the
event ids, numbers the new entries after the tree's size, and stores their leaves and every
subtree they complete. Proofs then read only the O(log n) nodes they name.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from psycopg_pool import AsyncConnectionPool

from switchboard_audit.domain import Entry, EntryDraft, EntryQuery
from switchboard_audit.store_sql import (
    AFTER,
    COLUMNS,
    UNCOVERED,
    UNFAITHFUL,
    WALK,
    as_bytes,
    claim,
    conditions,
    grow,
    insert_entries,
    nodes_of,
    tree_size_of,
)
from switchboard_shared.db import ALL_TENANTS, tenant_transaction
from switchboard_shared.merkle import Frontier, NodeId, frontier_ids

APPEND_LOCK = 0x5357_4155_4449_54  # one advisory lock: one writer grows the tree at a time
WALK_BATCH = 5000


@dataclass(frozen=True)
class StoredLeaf:
    """An entry's seq with the leaf hash the tree recorded for it (None: none recorded)."""

    seq: int
    hash: bytes | None


@dataclass(frozen=True)
class LogShape:
    entries: int
    max_seq: int
    tree_size: int


class AuditStore(Protocol):
    async def append(self, drafts: Sequence[EntryDraft]) -> list[Entry]:
        """Places the drafts whose event id is new; answers the entries it stored."""

    async def find(self, query: EntryQuery) -> list[Entry]: ...

    async def get(self, seq: int, scope: str) -> Entry | None: ...

    async def last_seq_before(self, cutoff: datetime) -> int:
        """The newest entry recorded before `cutoff` (seq and recorded_at grow together)."""

    async def after(self, after: int, limit: int) -> list[Entry]:
        """Entries after `after` in sequence order (platform scope), for an export."""

    def walk(self, after: int) -> AsyncIterator[list[StoredLeaf]]:
        """The seq and recorded leaf of every entry after `after`, in order, in batches."""

    async def unfaithful(self, after: int, limit: int, through: int | None = None) -> list[int]:
        """Up to `limit` entries in (after, through] whose recorded leaf is not their content."""

    async def tree_size(self) -> int: ...

    async def head(self) -> tuple[int, bytes]:
        """The tree's size and root as stored now."""

    async def nodes(self, ids: Iterable[NodeId]) -> dict[NodeId, bytes]: ...

    async def shape(self) -> LogShape: ...


class PostgresAuditStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def append(self, drafts: Sequence[EntryDraft]) -> list[Entry]:
        if not drafts:
            return []
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
            fresh = await claim(conn, drafts)
            if not fresh:
                return []
            size = await tree_size_of(conn)
            entries = await insert_entries(conn, fresh, first_seq=size + 1)
            await grow(conn, size, entries)
            return entries

    async def catch_up(self) -> int:
        """Grows the tree over entries it does not cover yet (those of the former hash chain);
        answers how many leaves it added."""
        added = 0
        while True:
            async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
                size = await tree_size_of(conn)
                cursor = await conn.execute(UNCOVERED, (size, WALK_BATCH))
                entries = [Entry(**row) for row in await cursor.fetchall()]
                if not entries:
                    return added
                if [e.seq for e in entries] != list(range(size + 1, size + 1 + len(entries))):
                    raise RuntimeError(
                        f"audit entries after {size} have gaps; the tree cannot grow"
                    )
                await grow(conn, size, entries)
                added += len(entries)

    async def find(self, query: EntryQuery) -> list[Entry]:
        where_parts, values = conditions(query)
        where = " AND ".join(where_parts) or "TRUE"
        sql = f"SELECT {COLUMNS} FROM entries WHERE {where} ORDER BY seq DESC LIMIT %s"  # noqa: S608
        async with tenant_transaction(self._pool, query.scope) as conn:
            cursor = await conn.execute(sql.encode(), [*values, query.limit])
            return [Entry(**row) for row in await cursor.fetchall()]

    async def get(self, seq: int, scope: str) -> Entry | None:
        async with tenant_transaction(self._pool, scope) as conn:
            sql = f"SELECT {COLUMNS} FROM entries WHERE seq = %s"  # noqa: S608
            cursor = await conn.execute(sql.encode(), (seq,))
            row = await cursor.fetchone()
        return Entry(**row) if row else None

    async def last_seq_before(self, cutoff: datetime) -> int:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(
                "SELECT COALESCE(max(seq), 0) AS seq FROM entries WHERE recorded_at < %s",
                (cutoff,),
            )
            row = await cursor.fetchone()
        return int(row["seq"]) if row else 0

    async def after(self, after: int, limit: int) -> list[Entry]:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(AFTER, (after, after + limit))
            return [Entry(**row) for row in await cursor.fetchall()]

    async def walk(self, after: int) -> AsyncIterator[list[StoredLeaf]]:
        """Ranges of seq, each fetched while the caller still works on the one before."""
        end = (await self.shape()).max_seq
        pending = asyncio.create_task(self._range(after, after + WALK_BATCH))
        try:
            while True:
                batch = await pending
                after += WALK_BATCH
                if after < end:
                    pending = asyncio.create_task(self._range(after, after + WALK_BATCH))
                    await asyncio.sleep(0)  # the next query reaches the server before we yield
                if batch:
                    yield batch
                if after >= end:
                    return
        finally:
            pending.cancel()

    async def _range(self, after: int, last: int) -> list[StoredLeaf]:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(WALK, (after, last))
            return [
                StoredLeaf(row["seq"], as_bytes(row["hash"])) for row in await cursor.fetchall()
            ]

    async def unfaithful(self, after: int, limit: int, through: int | None = None) -> list[int]:
        """Entries after `after` whose recorded leaf is not their content: the stored leaf
        bytes do not hash to the leaf, or do not say what the row's columns say. The check
        runs in PostgreSQL, with pg_catalog functions named explicitly."""
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            last = through if through is not None else 2**62
            cursor = await conn.execute(UNFAITHFUL, (after, last, limit))
            return [row["seq"] for row in await cursor.fetchall()]

    async def tree_size(self) -> int:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            return await tree_size_of(conn)

    async def head(self) -> tuple[int, bytes]:
        """Subtrees never change once complete, so the size and its edge need no lock."""
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            size = await tree_size_of(conn)
            frontier = Frontier.at(size, await nodes_of(conn, frontier_ids(size)))
        return size, frontier.root()

    async def nodes(self, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            return await nodes_of(conn, ids)

    async def shape(self) -> LogShape:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(
                "SELECT count(*) AS entries, COALESCE(max(seq), 0) AS max_seq FROM entries"
            )
            row = await cursor.fetchone()
            assert row is not None
            return LogShape(row["entries"], row["max_seq"], await tree_size_of(conn))
