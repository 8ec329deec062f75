"""The log's SQL, behind a small Protocol: batched appends that grow the tree, reads, node reads.

One writer at a time (an advisory lock held until commit) places a whole batch: it claims the
event ids, numbers the new entries after the tree's size, and stores their leaves and every
subtree they complete. Proofs then read only the O(log n) nodes they name.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.domain import Entry, EntryDraft, place
from switchboard_audit.encoding import canonical_bytes
from switchboard_shared.db import ALL_TENANTS, Connection, tenant_transaction
from switchboard_shared.merkle import Frontier, NodeId, frontier_ids, leaf_hash

APPEND_LOCK = 0x5357_4155_4449_54  # one advisory lock: one writer grows the tree at a time
WALK_BATCH = 5000
COLUMNS = (
    "seq, event_id, occurred_at, recorded_at, actor_id, actor_email, actor_role, tenant_id, "
    "action, resource, params, result, reason"
)


@dataclass(frozen=True)
class EntryQuery:
    scope: str
    tenant_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    result: str | None = None
    resource: str | None = None
    text: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    before_seq: int | None = None
    limit: int = 50


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
            fresh = await _claim(conn, drafts)
            if not fresh:
                return []
            size = await _tree_size(conn)
            entries = await _insert_entries(conn, fresh, first_seq=size + 1)
            await _grow(conn, size, entries)
            return entries

    async def catch_up(self) -> int:
        """Grows the tree over entries it does not cover yet (those of the former hash chain);
        answers how many leaves it added."""
        added = 0
        while True:
            async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
                size = await _tree_size(conn)
                cursor = await conn.execute(_UNCOVERED, (size, WALK_BATCH))
                entries = [Entry(**row) for row in await cursor.fetchall()]
                if not entries:
                    return added
                if [e.seq for e in entries] != list(range(size + 1, size + 1 + len(entries))):
                    raise RuntimeError(
                        f"audit entries after {size} have gaps; the tree cannot grow"
                    )
                await _grow(conn, size, entries)
                added += len(entries)

    async def find(self, query: EntryQuery) -> list[Entry]:
        conditions, values = _conditions(query)
        where = " AND ".join(conditions) or "TRUE"
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
            cursor = await conn.execute(_AFTER, (after, after + limit))
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
            cursor = await conn.execute(_WALK, (after, last))
            return [StoredLeaf(row["seq"], _bytes(row["hash"])) for row in await cursor.fetchall()]

    async def unfaithful(self, after: int, limit: int, through: int | None = None) -> list[int]:
        """Entries after `after` whose recorded leaf is not their content: the stored leaf
        bytes do not hash to the leaf, or do not say what the row's columns say. The check
        runs in PostgreSQL, with pg_catalog functions named explicitly."""
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            last = through if through is not None else 2**62
            cursor = await conn.execute(_UNFAITHFUL, (after, last, limit))
            return [row["seq"] for row in await cursor.fetchall()]

    async def tree_size(self) -> int:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            return await _tree_size(conn)

    async def head(self) -> tuple[int, bytes]:
        """Subtrees never change once complete, so the size and its edge need no lock."""
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            size = await _tree_size(conn)
            frontier = Frontier.at(size, await _nodes(conn, frontier_ids(size)))
        return size, frontier.root()

    async def nodes(self, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            return await _nodes(conn, ids)

    async def shape(self) -> LogShape:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            cursor = await conn.execute(
                "SELECT count(*) AS entries, COALESCE(max(seq), 0) AS max_seq FROM entries"
            )
            row = await cursor.fetchone()
            assert row is not None
            return LogShape(row["entries"], row["max_seq"], await _tree_size(conn))


_WALK = (
    b"SELECT e.seq, n.hash FROM entries e "
    b"LEFT JOIN tree_nodes n ON n.level = 0 AND n.idx = e.seq - 1 "
    b"WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq"
)

_UTC_TEXT = "pg_catalog.to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
_UNFAITHFUL = (
    "SELECT e.seq FROM entries e "  # noqa: S608
    "LEFT JOIN tree_nodes n ON n.level = 0 AND n.idx = e.seq - 1 "
    "WHERE e.seq > %s AND e.seq <= %s AND (n.data IS NULL "
    "OR n.hash <> pg_catalog.sha256('\\x00'::bytea || pg_catalog.convert_to(n.data, 'UTF8')) "
    "OR n.data::jsonb <> pg_catalog.jsonb_build_object("
    "'seq', e.seq, 'event_id', e.event_id, "
    f"'occurred_at', {_UTC_TEXT.format('e.occurred_at')}, "
    f"'recorded_at', {_UTC_TEXT.format('e.recorded_at')}, "
    "'actor_id', e.actor_id, 'actor_email', e.actor_email, 'actor_role', e.actor_role, "
    "'tenant_id', e.tenant_id, 'action', e.action, 'resource', e.resource, "
    "'params', e.params, 'result', e.result, 'reason', e.reason)) "
    "ORDER BY e.seq LIMIT %s"
).encode()

_AFTER = f"SELECT {COLUMNS} FROM entries WHERE seq > %s AND seq <= %s ORDER BY seq".encode()  # noqa: S608
_UNCOVERED = f"SELECT {COLUMNS} FROM entries WHERE seq > %s ORDER BY seq LIMIT %s".encode()  # noqa: S608

_INSERT = (
    "INSERT INTO entries (seq, event_id, occurred_at, recorded_at, actor_id, actor_email, "
    "actor_role, tenant_id, action, resource, params, result, reason) "
    "SELECT * FROM unnest(%b::bigint[], %b::text[], %b::timestamptz[], %b::timestamptz[], "
    "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::jsonb[], "
    "%b::text[], %b::text[]) "
    "RETURNING seq, params"
)


def _bytes(value: bytes | memoryview | None) -> bytes | None:
    return bytes(value) if value is not None else None


async def _grow(conn: Connection, size: int, entries: Sequence[Entry]) -> None:
    """Stores each entry's leaf (its canonical bytes and their hash) and every subtree that
    became complete."""
    frontier = Frontier.at(size, await _nodes(conn, frontier_ids(size)))
    levels: list[int] = []
    indexes: list[int] = []
    hashes: list[bytes] = []
    data: list[str | None] = []
    for entry in entries:
        leaf_data = canonical_bytes(entry)
        for (level, index), value in frontier.append(leaf_hash(leaf_data)):
            levels.append(level)
            indexes.append(index)
            hashes.append(value)
            data.append(leaf_data.decode() if level == 0 else None)
    await conn.execute(
        "INSERT INTO tree_nodes (level, idx, hash, data) "
        "SELECT * FROM unnest(%b::smallint[], %b::bigint[], %b::bytea[], %b::text[])",
        (levels, indexes, hashes, data),
    )


async def _claim(conn: Connection, drafts: Sequence[EntryDraft]) -> list[EntryDraft]:
    """The drafts whose event id nobody recorded yet, first occurrence kept, in order."""
    cursor = await conn.execute(
        "INSERT INTO processed_events (event_id) SELECT unnest(%b::text[]) "
        "ON CONFLICT DO NOTHING RETURNING event_id",
        ([d.event_id for d in drafts],),
    )
    claimed = {row["event_id"] for row in await cursor.fetchall()}
    fresh: list[EntryDraft] = []
    for draft in drafts:
        if draft.event_id in claimed:
            claimed.discard(draft.event_id)
            fresh.append(draft)
    return fresh


async def _insert_entries(
    conn: Connection, drafts: Sequence[EntryDraft], *, first_seq: int
) -> list[Entry]:
    """Params come back from jsonb, so the leaf hashes what a later read gives back."""
    now = datetime.now(UTC)
    placed = [place(d, first_seq + n, now) for n, d in enumerate(drafts)]
    columns: list[list[Any]] = [[] for _ in range(13)]
    for entry in placed:
        values = (
            entry.seq, entry.event_id, entry.occurred_at, entry.recorded_at, entry.actor_id,
            entry.actor_email, entry.actor_role, entry.tenant_id, entry.action, entry.resource,
            Jsonb(entry.params), entry.result, entry.reason,
        )  # fmt: skip
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    cursor = await conn.execute(_INSERT, columns)
    stored = {row["seq"]: row["params"] for row in await cursor.fetchall()}
    return [replace(e, params=dict(stored[e.seq])) for e in placed]


async def _tree_size(conn: Connection) -> int:
    cursor = await conn.execute(
        "SELECT idx FROM tree_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1"
    )
    row = await cursor.fetchone()
    return int(row["idx"]) + 1 if row else 0


async def _nodes(conn: Connection, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    cursor = await conn.execute(
        "SELECT n.level, n.idx, n.hash FROM tree_nodes n "
        "JOIN unnest(%b::smallint[], %b::bigint[]) AS w(level, idx) "
        "ON n.level = w.level AND n.idx = w.idx",
        ([level for level, _ in wanted], [idx for _, idx in wanted]),
    )
    return {(row["level"], row["idx"]): bytes(row["hash"]) for row in await cursor.fetchall()}


def _conditions(query: EntryQuery) -> tuple[list[str], list[Any]]:
    pattern = f"%{_escape_like(query.text)}%" if query.text else None
    pairs: list[tuple[str, Any]] = [
        ("tenant_id = %s", query.tenant_id),
        ("actor_id = %s", query.actor_id),
        ("action = %s", query.action),
        ("result = %s", query.result),
        ("resource = %s", query.resource),
        ("occurred_at >= %s", query.start),
        ("occurred_at < %s", query.end),
        ("seq < %s", query.before_seq),
    ]
    present = [(sql, value) for sql, value in pairs if value is not None]
    conditions = [sql for sql, _ in present]
    values = [value for _, value in present]
    if pattern is not None:
        conditions.append(
            "(action ILIKE %s OR coalesce(resource, '') ILIKE %s OR coalesce(reason, '') ILIKE %s)"
        )
        values += [pattern, pattern, pattern]
    return conditions, values


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
