"""The audit log's SQL, behind a small Protocol: serialised appends, filtered reads, chain walk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.domain import GENESIS_HASH, Entry, EntryDraft, chain
from switchboard_shared.db import ALL_TENANTS, Connection, tenant_transaction

APPEND_LOCK = 0x5357_4155_4449_54  # one advisory lock: appends form a single linear chain
VERIFY_BATCH = 2000
COLUMNS = (
    "seq, event_id, occurred_at, recorded_at, actor_id, actor_email, actor_role, tenant_id, "
    "action, resource, params, result, reason, prev_hash, hash"
)


@dataclass(frozen=True)
class EntryQuery:
    scope: str
    tenant_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    before_seq: int | None = None
    limit: int = 50


class AuditStore(Protocol):
    async def append(self, draft: EntryDraft) -> Entry | None:
        """Chains and stores the entry; None when this event id was already recorded."""

    async def find(self, query: EntryQuery) -> list[Entry]: ...

    def walk(self) -> AsyncIterator[list[Entry]]:
        """Every entry in sequence order, in batches (platform scope)."""


class PostgresAuditStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def append(self, draft: EntryDraft) -> Entry | None:
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            if not await _claim(conn, draft.event_id):
                return None
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
            params = await _as_stored(conn, draft.params)
            normalised = EntryDraft(**{**draft.__dict__, "params": params})
            entry = chain(normalised, await _last_hash(conn), datetime.now(UTC))
            cursor = await conn.execute(_INSERT, _insert_values(entry))
            row = await cursor.fetchone()
            assert row is not None
            return Entry(**{**entry.__dict__, "seq": row["seq"]})

    async def find(self, query: EntryQuery) -> list[Entry]:
        conditions, values = _conditions(query)
        where = " AND ".join(conditions) or "TRUE"
        sql = f"SELECT {COLUMNS} FROM entries WHERE {where} ORDER BY seq DESC LIMIT %s"  # noqa: S608
        async with tenant_transaction(self._pool, query.scope) as conn:
            cursor = await conn.execute(sql.encode(), [*values, query.limit])
            return [_entry(row) for row in await cursor.fetchall()]

    async def walk(self) -> AsyncIterator[list[Entry]]:
        after = 0
        while True:
            async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
                cursor = await conn.execute(
                    f"SELECT {COLUMNS} FROM entries WHERE seq > %s ORDER BY seq LIMIT %s",  # noqa: S608
                    (after, VERIFY_BATCH),
                )
                batch = [_entry(row) for row in await cursor.fetchall()]
            if not batch:
                return
            yield batch
            after = batch[-1].seq or after


_INSERT = (
    "INSERT INTO entries (event_id, occurred_at, recorded_at, actor_id, actor_email, actor_role, "
    "tenant_id, action, resource, params, result, reason, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq"
)


def _insert_values(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.event_id, entry.occurred_at, entry.recorded_at, entry.actor_id, entry.actor_email,
        entry.actor_role, entry.tenant_id, entry.action, entry.resource, Jsonb(entry.params),
        entry.result, entry.reason, entry.prev_hash, entry.hash,
    )  # fmt: skip


async def _claim(conn: Connection, event_id: str) -> bool:
    cursor = await conn.execute(
        "INSERT INTO processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING 1",
        (event_id,),
    )
    return await cursor.fetchone() is not None


async def _as_stored(conn: Connection, params: dict[str, Any]) -> dict[str, Any]:
    """Params exactly as jsonb will give them back, so the hash survives the round trip."""
    cursor = await conn.execute("SELECT %s::jsonb AS params", (Jsonb(params),))
    row = await cursor.fetchone()
    assert row is not None
    return dict(row["params"])


async def _last_hash(conn: Connection) -> str:
    cursor = await conn.execute("SELECT hash FROM entries ORDER BY seq DESC LIMIT 1")
    row = await cursor.fetchone()
    return str(row["hash"]) if row else GENESIS_HASH


def _conditions(query: EntryQuery) -> tuple[list[str], list[Any]]:
    pairs: list[tuple[str, Any]] = [
        ("tenant_id = %s", query.tenant_id),
        ("actor_id = %s", query.actor_id),
        ("action = %s", query.action),
        ("occurred_at >= %s", query.start),
        ("occurred_at < %s", query.end),
        ("seq < %s", query.before_seq),
    ]
    present = [(sql, value) for sql, value in pairs if value is not None]
    return [sql for sql, _ in present], [value for _, value in present]


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(**row)
