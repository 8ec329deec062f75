"""The call-store's write-side SQL, behind a small port: a writer scoped to one tenant.
Only constant column names are formatted into the SQL text; every value is a parameter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_call_store.domain import CallRecord, ContactRecord, RecordingFetch
from switchboard_shared.db import Connection, tenant_transaction

CALL_COLUMNS = (
    "call_id", "provider", "status", "last_event_at", "direction", "phone_number", "agent_name",
    "disposition", "duration_sec", "campaign", "lead_id", "started_at", "ended_at",
    "recording_url", "summary", "qa_score",
)  # fmt: skip


class CallWriter(Protocol):
    async def remember_event(self, event_id: str) -> bool: ...
    async def lock_call(self, call_id: str) -> tuple[uuid.UUID, CallRecord] | None: ...
    async def insert_call(
        self, call: CallRecord, contact_id: uuid.UUID | None
    ) -> uuid.UUID | None: ...
    async def update_call(
        self, pk: uuid.UUID, call: CallRecord, contact_id: uuid.UUID | None
    ) -> None: ...
    async def save_transcript(self, pk: uuid.UUID, call: CallRecord) -> None: ...
    async def contact_for_lead(self, lead_id: str, phone: str | None) -> uuid.UUID: ...
    async def lock_contact(self, lead_id: str) -> ContactRecord | None: ...
    async def save_contact(self, contact: ContactRecord) -> uuid.UUID: ...
    async def schedule_recording(
        self, pk: uuid.UUID, call: CallRecord, fetch: RecordingFetch
    ) -> None: ...
    async def close_recording_job(self, pk: uuid.UUID) -> None: ...


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

    async def lock_call(self, call_id: str) -> tuple[uuid.UUID, CallRecord] | None:
        row = await self._one(
            f"SELECT c.id, {', '.join('c.' + c for c in CALL_COLUMNS)}, "  # noqa: S608
            "t.text AS transcript, t.segments FROM calls c "
            "LEFT JOIN transcripts t ON t.call_pk = c.id "
            "WHERE c.tenant_id = %s AND c.call_id = %s FOR UPDATE OF c",
            (self._tenant, call_id),
        )
        if row is None:
            return None
        return row.pop("id"), call_from_row(row)

    async def insert_call(self, call: CallRecord, contact_id: uuid.UUID | None) -> uuid.UUID | None:
        names = ("tenant_id", *CALL_COLUMNS, "contact_id")
        row = await self._one(
            f"INSERT INTO calls ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "  # noqa: S608
            "ON CONFLICT (tenant_id, call_id) DO NOTHING RETURNING id",
            (self._tenant, *call_values(call), contact_id),
        )
        return row["id"] if row else None

    async def update_call(
        self, pk: uuid.UUID, call: CallRecord, contact_id: uuid.UUID | None
    ) -> None:
        assignments = ", ".join(f"{c} = %s" for c in CALL_COLUMNS)
        await self._conn.execute(
            (
                f"UPDATE calls SET {assignments}, contact_id = COALESCE(%s, contact_id), "  # noqa: S608
                "updated_at = now() WHERE tenant_id = %s AND id = %s"
            ).encode(),
            (*call_values(call), contact_id, self._tenant, pk),
        )

    async def save_transcript(self, pk: uuid.UUID, call: CallRecord) -> None:
        await self._conn.execute(
            "INSERT INTO transcripts (call_pk, tenant_id, text, segments, engine) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (call_pk) DO UPDATE SET "
            "text = EXCLUDED.text, segments = EXCLUDED.segments, updated_at = now()",
            (pk, self._tenant, call.transcript, Jsonb(list(call.segments or ())), call.provider),
        )

    async def contact_for_lead(self, lead_id: str, phone: str | None) -> uuid.UUID:
        row = await self._one(
            "INSERT INTO contacts (tenant_id, lead_id, phone) VALUES (%s, %s, %s) "
            "ON CONFLICT (tenant_id, lead_id) DO UPDATE "
            "SET phone = COALESCE(contacts.phone, EXCLUDED.phone) RETURNING id",
            (self._tenant, lead_id, phone),
        )
        assert row is not None
        return uuid.UUID(str(row["id"]))

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

    async def schedule_recording(
        self, pk: uuid.UUID, call: CallRecord, fetch: RecordingFetch
    ) -> None:
        await self._conn.execute(
            "INSERT INTO recording_jobs (tenant_id, call_pk, call_id, lead_id, scheduled_for, "
            "call_started_at, call_ended_at, estimated_end_time) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (tenant_id, call_pk) DO UPDATE SET "
            "scheduled_for = LEAST(recording_jobs.scheduled_for, EXCLUDED.scheduled_for), "
            "call_ended_at = COALESCE(EXCLUDED.call_ended_at, recording_jobs.call_ended_at), "
            "lead_id = COALESCE(EXCLUDED.lead_id, recording_jobs.lead_id), updated_at = now() "
            "WHERE recording_jobs.status = 'pending'",
            (self._tenant, pk, call.call_id, call.lead_id, fetch.scheduled_for,
             fetch.call_started_at, fetch.call_ended_at, fetch.estimated_end_time),
        )  # fmt: skip

    async def close_recording_job(self, pk: uuid.UUID) -> None:
        await self._conn.execute(
            "UPDATE recording_jobs SET status = 'done', updated_at = now() "
            "WHERE tenant_id = %s AND call_pk = %s AND status = 'pending'",
            (self._tenant, pk),
        )


def call_values(call: CallRecord) -> tuple[Any, ...]:
    return tuple(getattr(call, c) for c in CALL_COLUMNS)


def call_from_row(row: dict[str, Any]) -> CallRecord:
    segments = row.pop("segments", None)
    return CallRecord(**row, segments=tuple(segments) if segments else None)
