"""The call-store's write-side SQL, behind a small port: a writer scoped to one tenant.
Only constant column names are formatted into the SQL text; every value is a parameter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from psycopg_pool import AsyncConnectionPool

from switchboard_call_store.domain import CallRecord, ContactRecord
from switchboard_shared.db import Connection, tenant_transaction

CALL_COLUMNS = (
    "call_id", "provider", "status", "last_event_at", "direction", "phone_number", "agent_name",
    "disposition", "duration_sec", "campaign", "lead_id", "started_at", "ended_at",
    "recording_url", "summary", "qa_score",
)  # fmt: skip


class CallWriter(Protocol):
    async def remember_event(self, event_id: str) -> bool: ...
    async def lock_contact(self, lead_id: str) -> ContactRecord | None: ...
    async def save_contact(self, contact: ContactRecord) -> uuid.UUID: ...


class CallStore(Protocol):
    def writer(self, tenant_id: str) -> AbstractAsyncContextManager[CallWriter]:
        """One transaction scoped to one tenant; everything written in it commits together."""


class PostgresCallStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def writer(self, tenant_id: str) -> AsyncIterator[CallWriter]:
        async with tenant_transaction(self._pool, tenant_id) as conn:
            yield PostgresCallWriter(conn, tenant_id)


class PostgresCallWriter:
    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self._conn = conn
        self._tenant = tenant_id

    async def _one(self, query: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
        return await (await self._conn.execute(query.encode(), params)).fetchone()

    async def remember_event(self, event_id: str) -> bool:
        row = await self._one(
            "INSERT INTO processed_events (event_id) VALUES (%s) "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            (event_id,),
        )
        return row is not None

    async def lock_contact(self, lead_id: str) -> ContactRecord | None:
        row = await self._one(
            "SELECT lead_id, phone, name, email, status, last_event_at FROM contacts "
            "WHERE tenant_id = %s AND lead_id = %s FOR UPDATE",
            (self._tenant, lead_id),
        )
        return ContactRecord(**row) if row else None

    async def save_contact(self, contact: ContactRecord) -> uuid.UUID:
        row = await self._one(
            "INSERT INTO contacts (tenant_id, lead_id, phone, name, email, status, last_event_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (tenant_id, lead_id) DO UPDATE SET "
            "phone = EXCLUDED.phone, name = EXCLUDED.name, email = EXCLUDED.email, "
            "status = EXCLUDED.status, last_event_at = EXCLUDED.last_event_at, updated_at = now() "
            "RETURNING id",
            (self._tenant, contact.lead_id, contact.phone, contact.name, contact.email,
             contact.status, contact.last_event_at),
        )  # fmt: skip
        assert row is not None
        return uuid.UUID(str(row["id"]))


def call_values(call: CallRecord) -> tuple[Any, ...]:
    return tuple(getattr(call, c) for c in CALL_COLUMNS)


def call_from_row(row: dict[str, Any]) -> CallRecord:
    segments = row.pop("segments", None)
    return CallRecord(**row, segments=tuple(segments) if segments else None)
