"""The onboarding schema's SQL, behind a small interface the handlers depend on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, Protocol

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_onboarding.bulk_store import Jobs, PostgresJobs, PostgresRequests, Requests
from switchboard_onboarding.changes import FieldChange
from switchboard_onboarding.domain import CLAIMING_MACS, Location, Status
from switchboard_shared.db import Connection, tenant_transaction

_SELECT = (
    "SELECT id, tenant_id, name, status, data, blocked_from, submitted_at, created_at"
    " FROM onboarding.locations"
)


class Session(Protocol):
    @property
    def requests(self) -> Requests: ...
    @property
    def jobs(self) -> Jobs: ...

    async def get(self, location_id: str, *, for_update: bool = False) -> Location | None: ...
    async def insert(self, location: Location, created_by: str) -> None: ...
    async def page(
        self, only: Sequence[str] | None, limit: int, after: tuple[datetime, str] | None
    ) -> list[tuple[Location, datetime]]: ...
    async def save(self, location: Location) -> None: ...
    async def record_changes(
        self, location: Location, changes: Sequence[FieldChange], actor: str, reason: str | None
    ) -> None: ...
    async def history(self, location_id: str) -> list[dict[str, Any]]: ...
    async def record_decision(
        self, location: Location, decision: str, comment: str | None, actor: str
    ) -> None: ...
    async def first_time(self, event_id: str) -> bool: ...
    async def lock_tenant(self, tenant_id: str) -> None: ...
    async def macs_claimed_elsewhere(self, tenant_id: str, location_id: str) -> frozenset[str]: ...
    async def extension_range(self, tenant_id: str) -> tuple[int, int] | None: ...
    async def set_extension_range(
        self, tenant_id: str, low: int, high: int, actor: str
    ) -> None: ...


class Store(Protocol):
    def session(self, scope: str) -> AbstractAsyncContextManager[Session]:
        """One transaction that sees this tenant's rows (or every tenant's)."""


def _location(row: dict[str, Any]) -> Location:
    return Location(
        id=row["id"],
        tenant_id=row["tenant_id"],
        name=row["name"],
        status=Status(row["status"]),
        data=dict(row["data"]),
        blocked_from=Status(row["blocked_from"]) if row["blocked_from"] else None,
        submitted_at=row["submitted_at"],
    )


class PostgresSession:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.requests = PostgresRequests(conn)
        self.jobs = PostgresJobs(conn)

    async def get(self, location_id: str, *, for_update: bool = False) -> Location | None:
        query = _SELECT + " WHERE id = %s" + (" FOR UPDATE" if for_update else "")
        cursor = await self._conn.execute(query, (location_id,))
        row = await cursor.fetchone()
        return _location(row) if row else None

    async def insert(self, location: Location, created_by: str) -> None:
        await self._conn.execute(
            "INSERT INTO onboarding.locations (id, tenant_id, name, status, data, created_by)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (
                location.id,
                location.tenant_id,
                location.name,
                location.status,
                Jsonb(location.data),
                created_by,
            ),
        )

    async def page(
        self, only: Sequence[str] | None, limit: int, after: tuple[datetime, str] | None
    ) -> list[tuple[Location, datetime]]:
        cursor = await self._conn.execute(
            _SELECT + " WHERE (%(only)s::text[] IS NULL OR id = ANY(%(only)s::text[]))"
            " AND (%(at)s::timestamptz IS NULL OR (created_at, id) > (%(at)s, %(id)s))"
            " ORDER BY created_at, id LIMIT %(limit)s",
            {
                "only": list(only) if only is not None else None,
                "at": after[0] if after else None,
                "id": after[1] if after else None,
                "limit": limit,
            },
        )
        return [(_location(row), row["created_at"]) for row in await cursor.fetchall()]

    async def save(self, location: Location) -> None:
        await self._conn.execute(
            "UPDATE onboarding.locations"
            " SET status = %s, data = %s, blocked_from = %s, submitted_at = %s, updated_at = now()"
            " WHERE id = %s",
            (
                location.status,
                Jsonb(location.data),
                location.blocked_from,
                location.submitted_at,
                location.id,
            ),
        )

    async def record_changes(
        self, location: Location, changes: Sequence[FieldChange], actor: str, reason: str | None
    ) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO onboarding.field_history"
                " (tenant_id, location_id, field, old_value, new_value, changed_by,"
                " override_reason)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        location.tenant_id,
                        location.id,
                        c.field,
                        Jsonb(c.old),
                        Jsonb(c.new),
                        actor,
                        reason,
                    )
                    for c in changes
                ],
            )

    async def history(self, location_id: str) -> list[dict[str, Any]]:
        cursor = await self._conn.execute(
            "SELECT field, old_value AS old, new_value AS new, changed_by, changed_at,"
            " override_reason FROM onboarding.field_history WHERE location_id = %s ORDER BY id",
            (location_id,),
        )
        return [dict(row) for row in await cursor.fetchall()]

    async def record_decision(
        self, location: Location, decision: str, comment: str | None, actor: str
    ) -> None:
        await self._conn.execute(
            "INSERT INTO onboarding.approvals"
            " (tenant_id, location_id, decision, comment, decided_by) VALUES (%s, %s, %s, %s, %s)",
            (location.tenant_id, location.id, decision, comment, actor),
        )

    async def first_time(self, event_id: str) -> bool:
        cursor = await self._conn.execute(
            "INSERT INTO onboarding.processed_events (event_id) VALUES (%s)"
            " ON CONFLICT DO NOTHING RETURNING event_id",
            (event_id,),
        )
        return await cursor.fetchone() is not None

    async def lock_tenant(self, tenant_id: str) -> None:
        """Serialises the submissions of one tenant, so two cannot claim the same MAC."""
        await self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('onboarding.submit:' || %s))", (tenant_id,)
        )

    async def macs_claimed_elsewhere(self, tenant_id: str, location_id: str) -> frozenset[str]:
        cursor = await self._conn.execute(
            "SELECT DISTINCT upper(replace(device->>'mac_address', '-', ':')) AS mac"
            " FROM onboarding.locations,"
            " jsonb_array_elements(coalesce(data->'devices', '[]'::jsonb)) AS device"
            " WHERE tenant_id = %s AND id <> %s AND status = ANY(%s)",
            (tenant_id, location_id, list(CLAIMING_MACS)),
        )
        return frozenset(row["mac"] for row in await cursor.fetchall() if row["mac"])

    async def extension_range(self, tenant_id: str) -> tuple[int, int] | None:
        cursor = await self._conn.execute(
            "SELECT extension_min, extension_max FROM onboarding.tenant_rules WHERE tenant_id = %s",
            (tenant_id,),
        )
        row = await cursor.fetchone()
        return (row["extension_min"], row["extension_max"]) if row else None

    async def set_extension_range(self, tenant_id: str, low: int, high: int, actor: str) -> None:
        await self._conn.execute(
            "INSERT INTO onboarding.tenant_rules"
            " (tenant_id, extension_min, extension_max, updated_by) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (tenant_id) DO UPDATE SET extension_min = EXCLUDED.extension_min,"
            " extension_max = EXCLUDED.extension_max, updated_by = EXCLUDED.updated_by,"
            " updated_at = now()",
            (tenant_id, low, high, actor),
        )


class PostgresStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def session(self, scope: str) -> AsyncIterator[PostgresSession]:
        async with tenant_transaction(self._pool, scope) as conn:
            yield PostgresSession(conn)
