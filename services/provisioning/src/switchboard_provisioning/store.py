"""The provisioning schema's SQL, behind a small interface the handlers depend on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_shared.db import Connection, tenant_transaction


@dataclass(frozen=True)
class Generation:
    location_id: str
    tenant_id: str
    status: str
    version: str | None
    payload: dict[str, Any] | None
    reason: str | None
    source_event_id: str
    generated_at: datetime | None = None


class Session(Protocol):
    async def first_time(self, event_id: str) -> bool: ...
    async def save(self, generation: Generation) -> None: ...
    async def get(self, location_id: str, *, for_update: bool = False) -> Generation | None: ...
    async def mark_completed(self, location_id: str) -> None: ...


class Store(Protocol):
    def session(self, scope: str) -> AbstractAsyncContextManager[Session]:
        """One transaction that sees this tenant's rows (or every tenant's)."""


_SELECT = (
    "SELECT location_id, tenant_id, status, version, payload, reason, source_event_id,"
    " generated_at FROM provisioning.payloads WHERE location_id = %s"
)


class PostgresSession:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def first_time(self, event_id: str) -> bool:
        cursor = await self._conn.execute(
            "INSERT INTO provisioning.processed_events (event_id) VALUES (%s)"
            " ON CONFLICT DO NOTHING RETURNING event_id",
            (event_id,),
        )
        return await cursor.fetchone() is not None

    async def save(self, generation: Generation) -> None:
        g = generation
        await self._conn.execute(
            "INSERT INTO provisioning.payloads"
            " (location_id, tenant_id, status, version, payload, reason, source_event_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (location_id) DO UPDATE SET status = EXCLUDED.status,"
            " version = EXCLUDED.version, payload = EXCLUDED.payload, reason = EXCLUDED.reason,"
            " source_event_id = EXCLUDED.source_event_id, generated_at = now(), completed_at = NULL"
            " WHERE provisioning.payloads.tenant_id = EXCLUDED.tenant_id",
            (
                g.location_id,
                g.tenant_id,
                g.status,
                g.version,
                Jsonb(g.payload) if g.payload is not None else None,
                g.reason,
                g.source_event_id,
            ),
        )

    async def get(self, location_id: str, *, for_update: bool = False) -> Generation | None:
        query = _SELECT + (" FOR UPDATE" if for_update else "")
        row = await (await self._conn.execute(query, (location_id,))).fetchone()
        return Generation(**row) if row else None

    async def mark_completed(self, location_id: str) -> None:
        await self._conn.execute(
            "UPDATE provisioning.payloads SET status = 'completed', completed_at = now()"
            " WHERE location_id = %s",
            (location_id,),
        )


class PostgresStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def session(self, scope: str) -> AsyncIterator[PostgresSession]:
        async with tenant_transaction(self._pool, scope) as conn:
            yield PostgresSession(conn)
