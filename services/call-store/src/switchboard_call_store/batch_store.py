"""The call-store's set-based write SQL: one transaction for a whole batch of call events, each
statement covering every call of one tenant at once (arrays unnested into rows).
Only constant column names and types are formatted into the SQL text; every value is a parameter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

import orjson
from psycopg.rows import TupleRow, tuple_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_call_store.domain import CallRecord, RecordingFetch
from switchboard_call_store.store import CALL_COLUMNS, call_from_row, call_values
from switchboard_shared.db import Connection

CALL_TYPES = {
    "last_event_at": "timestamptz", "started_at": "timestamptz", "ended_at": "timestamptz",
    "duration_sec": "float8", "qa_score": "float8",
}  # fmt: skip
CallRow = tuple[uuid.UUID, CallRecord]
RecordingJob = tuple[uuid.UUID, str, str | None, RecordingFetch]  # call pk, call id, lead id
TRANSCRIPT_COLUMNS = ("pk", "text", "segments", "engine")
TRANSCRIPT_TYPES = {"pk": "uuid", "segments": "jsonb"}
JOB_COLUMNS = (
    "call_pk", "call_id", "lead_id", "scheduled_for", "call_started_at", "call_ended_at",
    "estimated_end_time",
)  # fmt: skip
JOB_TYPES = {
    "call_pk": "uuid", "scheduled_for": "timestamptz", "call_started_at": "timestamptz",
    "call_ended_at": "timestamptz", "estimated_end_time": "timestamptz",
}  # fmt: skip


class CallBatchWriter(Protocol):
    async def remember_events(self, event_ids: Sequence[str]) -> set[str]: ...
    async def scope(self, tenant_id: str) -> None: ...
    async def lock_calls(self, call_ids: Sequence[str]) -> dict[str, CallRow]: ...
    async def insert_calls(
        self, calls: Sequence[tuple[CallRecord, uuid.UUID | None]]
    ) -> dict[str, uuid.UUID]: ...
    async def update_calls(
        self, calls: Sequence[tuple[uuid.UUID, CallRecord, uuid.UUID | None]]
    ) -> None: ...
    async def contacts_for_leads(self, phones: dict[str, str | None]) -> dict[str, uuid.UUID]: ...
    async def save_transcripts(self, calls: Sequence[CallRow]) -> None: ...
    async def schedule_recordings(self, jobs: Sequence[RecordingJob]) -> None: ...
    async def close_recording_jobs(self, pks: Sequence[uuid.UUID]) -> None: ...


class PostgresCallBatchStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def batch_writer(self) -> AsyncIterator[CallBatchWriter]:
        """One transaction; `scope(tenant)` sets the row-level security tenant inside it."""
        async with self._pool.connection() as conn, conn.transaction():
            yield PostgresCallBatchWriter(conn)  # type: ignore[arg-type]


def _rows(columns: Sequence[str], types: dict[str, str]) -> str:
    """A derived table `v` of the rows passed as one JSON array of arrays: one parameter,
    encoded in native code, where an array per column costs far more per value."""
    values = ", ".join(f"(e->>{i})::{types.get(c, 'text')} AS {c}" for i, c in enumerate(columns))
    return f"(SELECT {values} FROM jsonb_array_elements(%s) AS e) AS v"  # noqa: S608 (constants)


def _json_rows(rows: Sequence[Sequence[Any]]) -> Jsonb:
    return Jsonb(rows, dumps=orjson.dumps)  # timestamps and uuids as PostgreSQL reads them


class PostgresCallBatchWriter:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._tenant = ""

    async def _all(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        return await (await self._conn.execute(query.encode(), params)).fetchall()

    async def _tuples(self, query: str, params: Sequence[Any]) -> list[TupleRow]:
        """Rows as tuples: for the statements that answer a row per call of the batch."""
        cursor = self._conn.cursor(row_factory=tuple_row)
        return await (await cursor.execute(query.encode(), params)).fetchall()

    async def remember_events(self, event_ids: Sequence[str]) -> set[str]:
        rows = await self._tuples(
            "INSERT INTO processed_events (event_id) SELECT unnest(%s::text[]) "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            (list(event_ids),),
        )
        return {event_id for (event_id,) in rows}

    async def scope(self, tenant_id: str) -> None:
        await self._conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant_id,))
        self._tenant = tenant_id

    async def lock_calls(self, call_ids: Sequence[str]) -> dict[str, CallRow]:
        """One unique-key lookup per call id (a lateral join, so the plan does not depend on
        how many calls the tenant has according to possibly stale statistics)."""
        rows = await self._all(
            f"SELECT c.* FROM unnest(%s::text[]) AS k(call_id) CROSS JOIN LATERAL ("  # noqa: S608
            f"SELECT c.id, {', '.join('c.' + c for c in CALL_COLUMNS)}, "
            "t.text AS transcript, t.segments FROM calls c "
            "LEFT JOIN transcripts t ON t.call_pk = c.id "
            "WHERE c.tenant_id = %s AND c.call_id = k.call_id FOR UPDATE OF c) c",
            (list(call_ids), self._tenant),
        )
        found = ((row.pop("id"), call_from_row(row)) for row in rows)
        return {call.call_id: (pk, call) for pk, call in found}

    async def insert_calls(
        self, calls: Sequence[tuple[CallRecord, uuid.UUID | None]]
    ) -> dict[str, uuid.UUID]:
        if not calls:
            return {}
        names = (*CALL_COLUMNS, "contact_id")
        rows = [(*call_values(call), contact) for call, contact in calls]
        inserted = await self._tuples(
            f"INSERT INTO calls (tenant_id, {', '.join(names)}) "  # noqa: S608
            f"SELECT %s, v.* FROM {_rows(names, {**CALL_TYPES, 'contact_id': 'uuid'})} "
            "ON CONFLICT (tenant_id, call_id) DO NOTHING RETURNING call_id, id",
            (self._tenant, _json_rows(rows)),
        )
        return dict(inserted)

    async def update_calls(
        self, calls: Sequence[tuple[uuid.UUID, CallRecord, uuid.UUID | None]]
    ) -> None:
        if not calls:
            return
        names = ("id", *CALL_COLUMNS, "contact_id")
        rows = [(pk, *call_values(call), contact) for pk, call, contact in calls]
        assignments = ", ".join(f"{c} = v.{c}" for c in CALL_COLUMNS)
        types = {**CALL_TYPES, "id": "uuid", "contact_id": "uuid"}
        await self._conn.execute(
            (
                f"UPDATE calls c SET {assignments}, "  # noqa: S608
                "contact_id = COALESCE(v.contact_id, c.contact_id), updated_at = now() "
                f"FROM {_rows(names, types)} WHERE c.tenant_id = %s AND c.id = v.id"
            ).encode(),
            (_json_rows(rows), self._tenant),
        )

    async def contacts_for_leads(self, phones: dict[str, str | None]) -> dict[str, uuid.UUID]:
        if not phones:
            return {}
        leads = sorted(phones)
        rows = await self._all(
            "INSERT INTO contacts (tenant_id, lead_id, phone) "
            "SELECT %s, v.lead_id, v.phone "
            "FROM unnest(%s::text[], %s::text[]) AS v(lead_id, phone) "
            "ON CONFLICT (tenant_id, lead_id) DO UPDATE "
            "SET phone = COALESCE(contacts.phone, EXCLUDED.phone) RETURNING id, lead_id",
            (self._tenant, leads, [phones[lead] for lead in leads]),
        )
        return {row["lead_id"]: uuid.UUID(str(row["id"])) for row in rows}

    async def save_transcripts(self, calls: Sequence[CallRow]) -> None:
        if not calls:
            return
        rows = [
            (pk, call.transcript, list(call.segments or ()), call.provider) for pk, call in calls
        ]
        await self._conn.execute(
            "INSERT INTO transcripts (call_pk, tenant_id, text, segments, engine) "  # noqa: S608
            "SELECT v.pk, %s, v.text, v.segments, v.engine "
            f"FROM {_rows(TRANSCRIPT_COLUMNS, TRANSCRIPT_TYPES)} "
            "ON CONFLICT (call_pk) DO UPDATE SET "
            "text = EXCLUDED.text, segments = EXCLUDED.segments, updated_at = now()",
            (self._tenant, _json_rows(rows)),
        )

    async def schedule_recordings(self, jobs: Sequence[RecordingJob]) -> None:
        if not jobs:
            return
        rows = [
            (pk, call_id, lead_id, fetch.scheduled_for, fetch.call_started_at,
             fetch.call_ended_at, fetch.estimated_end_time)
            for pk, call_id, lead_id, fetch in jobs
        ]  # fmt: skip
        await self._conn.execute(
            "INSERT INTO recording_jobs (tenant_id, call_pk, call_id, lead_id, scheduled_for, "  # noqa: S608
            "call_started_at, call_ended_at, estimated_end_time) "
            f"SELECT %s, v.* FROM {_rows(JOB_COLUMNS, JOB_TYPES)} "
            "ON CONFLICT (tenant_id, call_pk) DO UPDATE SET "
            "scheduled_for = LEAST(recording_jobs.scheduled_for, EXCLUDED.scheduled_for), "
            "call_ended_at = COALESCE(EXCLUDED.call_ended_at, recording_jobs.call_ended_at), "
            "lead_id = COALESCE(EXCLUDED.lead_id, recording_jobs.lead_id), updated_at = now() "
            "WHERE recording_jobs.status = 'pending'",
            (self._tenant, _json_rows(rows)),
        )

    async def close_recording_jobs(self, pks: Sequence[uuid.UUID]) -> None:
        if not pks:
            return
        await self._conn.execute(
            "UPDATE recording_jobs SET status = 'done', updated_at = now() "
            "WHERE tenant_id = %s AND call_pk = ANY(%s) AND status = 'pending'",
            (self._tenant, list(pks)),
        )
