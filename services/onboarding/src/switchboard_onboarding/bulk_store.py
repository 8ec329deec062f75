"""The SQL of bulk operations: requests remembered by idempotency key, and provisioning jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from psycopg.types.json import Jsonb

from switchboard_shared.db import Connection


@dataclass(frozen=True)
class Remembered:
    """A bulk request made before under the same key."""

    fingerprint: str
    status_code: int | None
    response: dict[str, Any] | None


@dataclass(frozen=True)
class JobItem:
    position: int
    location_id: str
    state: str
    error: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Job:
    id: str
    operation: str
    created_by: str
    created_at: datetime
    items: list[JobItem]


class Requests(Protocol):
    async def claim(
        self, scope: str, actor: str, key: str, operation: str, fingerprint: str, stale: float
    ) -> Remembered | None:
        """None when this call may run the request; else what the first call left."""

    async def finish(
        self, actor: str, key: str, status_code: int, body: dict[str, Any]
    ) -> None: ...
    async def forget(self, actor: str, key: str) -> None: ...


class Jobs(Protocol):
    async def create(self, job_id: str, scope: str, operation: str, actor: str) -> None: ...
    async def add_item(
        self, job_id: str, item: JobItem, tenant_id: str | None, request_event_id: str | None
    ) -> None: ...
    async def settle_item(self, job_id: str, position: int, error: str, detail: str) -> None: ...
    async def record_outcome(
        self, request_event_id: str, state: str, detail: str | None
    ) -> None: ...
    async def get(self, job_id: str) -> Job | None: ...


class PostgresRequests:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def claim(
        self, scope: str, actor: str, key: str, operation: str, fingerprint: str, stale: float
    ) -> Remembered | None:
        claimed = await self._conn.execute(
            "INSERT INTO onboarding.bulk_requests"
            " (tenant_id, actor_id, idempotency_key, operation, fingerprint)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (actor_id, idempotency_key) DO UPDATE"
            " SET started_at = now(), operation = EXCLUDED.operation,"
            " fingerprint = EXCLUDED.fingerprint"
            " WHERE bulk_requests.response IS NULL"
            " AND bulk_requests.started_at < now() - make_interval(secs => %s)"
            " RETURNING actor_id",
            (scope, actor, key, operation, fingerprint, stale),
        )
        if await claimed.fetchone():
            return None
        cursor = await self._conn.execute(
            "SELECT fingerprint, status_code, response FROM onboarding.bulk_requests"
            " WHERE actor_id = %s AND idempotency_key = %s",
            (actor, key),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        return Remembered(row["fingerprint"], row["status_code"], row["response"])

    async def finish(self, actor: str, key: str, status_code: int, body: dict[str, Any]) -> None:
        await self._conn.execute(
            "UPDATE onboarding.bulk_requests"
            " SET status_code = %s, response = %s, finished_at = now()"
            " WHERE actor_id = %s AND idempotency_key = %s",
            (status_code, Jsonb(body), actor, key),
        )

    async def forget(self, actor: str, key: str) -> None:
        await self._conn.execute(
            "UPDATE onboarding.bulk_requests SET started_at = 'epoch'"
            " WHERE actor_id = %s AND idempotency_key = %s AND response IS NULL",
            (actor, key),
        )


class PostgresJobs:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def create(self, job_id: str, scope: str, operation: str, actor: str) -> None:
        await self._conn.execute(
            "INSERT INTO onboarding.bulk_jobs (id, tenant_id, operation, created_by)"
            " VALUES (%s, %s, %s, %s)",
            (job_id, scope, operation, actor),
        )

    async def add_item(
        self, job_id: str, item: JobItem, tenant_id: str | None, request_event_id: str | None
    ) -> None:
        await self._conn.execute(
            "INSERT INTO onboarding.bulk_job_items (job_id, position, tenant_id, location_id,"
            " request_event_id, state, error, detail, finished_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
            " CASE WHEN %s = 'pending' THEN NULL ELSE now() END)",
            (
                job_id,
                item.position,
                tenant_id,
                item.location_id,
                request_event_id,
                item.state,
                item.error,
                item.detail,
                item.state,
            ),
        )

    async def settle_item(self, job_id: str, position: int, error: str, detail: str) -> None:
        await self._conn.execute(
            "UPDATE onboarding.bulk_job_items"
            " SET state = 'refused', error = %s, detail = %s, finished_at = now()"
            " WHERE job_id = %s AND position = %s AND state = 'pending'",
            (error, detail, job_id, position),
        )

    async def record_outcome(self, request_event_id: str, state: str, detail: str | None) -> None:
        await self._conn.execute(
            "UPDATE onboarding.bulk_job_items"
            " SET state = %s, detail = %s, finished_at = now()"
            " WHERE request_event_id = %s AND state = 'pending'",
            (state, detail, request_event_id),
        )

    async def get(self, job_id: str) -> Job | None:
        cursor = await self._conn.execute(
            "SELECT id, operation, created_by, created_at FROM onboarding.bulk_jobs WHERE id = %s",
            (job_id,),
        )
        job = await cursor.fetchone()
        if job is None:
            return None
        cursor = await self._conn.execute(
            "SELECT position, location_id, state, error, detail FROM onboarding.bulk_job_items"
            " WHERE job_id = %s ORDER BY position",
            (job_id,),
        )
        items = [JobItem(**row) for row in await cursor.fetchall()]
        return Job(job["id"], job["operation"], job["created_by"], job["created_at"], items)
