"""The audit log's statements and the steps of an append, on one connection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb

from switchboard_audit.domain import Entry, EntryDraft, EntryQuery, place
from switchboard_audit.encoding import canonical_bytes
from switchboard_shared.db import Connection
from switchboard_shared.merkle import Frontier, NodeId, frontier_ids, leaf_hash

COLUMNS = (
    "seq, event_id, occurred_at, recorded_at, actor_id, actor_email, actor_role, tenant_id, "
    "action, resource, params, result, reason"
)

WALK = (
    b"SELECT e.seq, n.hash FROM entries e "
    b"LEFT JOIN tree_nodes n ON n.level = 0 AND n.idx = e.seq - 1 "
    b"WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq"
)

UTC_TEXT = "pg_catalog.to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
UNFAITHFUL = (
    "SELECT e.seq FROM entries e "  # noqa: S608
    "LEFT JOIN tree_nodes n ON n.level = 0 AND n.idx = e.seq - 1 "
    "WHERE e.seq > %s AND e.seq <= %s AND (n.data IS NULL "
    "OR n.hash <> pg_catalog.sha256('\\x00'::bytea || pg_catalog.convert_to(n.data, 'UTF8')) "
    "OR n.data::jsonb <> pg_catalog.jsonb_build_object("
    "'seq', e.seq, 'event_id', e.event_id, "
    f"'occurred_at', {UTC_TEXT.format('e.occurred_at')}, "
    f"'recorded_at', {UTC_TEXT.format('e.recorded_at')}, "
    "'actor_id', e.actor_id, 'actor_email', e.actor_email, 'actor_role', e.actor_role, "
    "'tenant_id', e.tenant_id, 'action', e.action, 'resource', e.resource, "
    "'params', e.params, 'result', e.result, 'reason', e.reason)) "
    "ORDER BY e.seq LIMIT %s"
).encode()

AFTER = f"SELECT {COLUMNS} FROM entries WHERE seq > %s AND seq <= %s ORDER BY seq".encode()  # noqa: S608
UNCOVERED = f"SELECT {COLUMNS} FROM entries WHERE seq > %s ORDER BY seq LIMIT %s".encode()  # noqa: S608

INSERT = (
    "INSERT INTO entries (seq, event_id, occurred_at, recorded_at, actor_id, actor_email, "
    "actor_role, tenant_id, action, resource, params, result, reason) "
    "SELECT * FROM unnest(%b::bigint[], %b::text[], %b::timestamptz[], %b::timestamptz[], "
    "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::jsonb[], "
    "%b::text[], %b::text[]) "
    "RETURNING seq, params"
)


def as_bytes(value: bytes | memoryview | None) -> bytes | None:
    return bytes(value) if value is not None else None


async def grow(conn: Connection, size: int, entries: Sequence[Entry]) -> None:
    """Stores each entry's leaf (its canonical bytes and their hash) and every subtree that
    became complete."""
    frontier = Frontier.at(size, await nodes_of(conn, frontier_ids(size)))
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


async def claim(conn: Connection, drafts: Sequence[EntryDraft]) -> list[EntryDraft]:
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


async def insert_entries(
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
    cursor = await conn.execute(INSERT, columns)
    stored = {row["seq"]: row["params"] for row in await cursor.fetchall()}
    return [replace(e, params=dict(stored[e.seq])) for e in placed]


async def tree_size_of(conn: Connection) -> int:
    cursor = await conn.execute(
        "SELECT idx FROM tree_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1"
    )
    row = await cursor.fetchone()
    return int(row["idx"]) + 1 if row else 0


async def nodes_of(conn: Connection, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
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


def conditions(query: EntryQuery) -> tuple[list[str], list[Any]]:
    pattern = f"%{escape_like(query.text)}%" if query.text else None
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


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
