"""The read side: calls, transcripts and the library, always inside a tenant-scoped transaction
so row-level security decides what exists. Only constant fragments are formatted into the SQL
text; every value travels as a parameter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from psycopg_pool import AsyncConnectionPool

from switchboard_call_store.domain import (
    BEST_DISPOSITIONS,
    BEST_MIN_DURATION_SEC,
    LIBRARY_SIZE,
    RECENT_WINDOW,
    WORST_DISPOSITIONS,
    WORST_MAX_DURATION_SEC,
)
from switchboard_call_store.queries import CallQuery, Cursor
from switchboard_shared.db import ALL_TENANTS, Connection, tenant_transaction

CALL_FIELDS = (
    "c.id, c.tenant_id, c.call_id, c.provider, c.direction, c.phone_number, c.agent_name, "
    "c.disposition, c.duration_sec, c.campaign, c.lead_id, c.contact_id, c.started_at, "
    "c.ended_at, c.recording_url, c.summary, c.qa_score, c.status, c.last_event_at, "
    "c.created_at, c.updated_at, c.sort_at"
)
Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    items: list[Row]
    next_cursor: str | None


class CallReader(Protocol):
    async def list_calls(self, scope: str, query: CallQuery) -> Page: ...
    async def find_call(self, scope: str, ref: str) -> Row | None: ...
    async def transcript(self, scope: str, ref: str) -> tuple[Row, Row | None] | None: ...
    async def library(self, scope: str, now: datetime) -> dict[str, Any]: ...


class PostgresCallReader:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def list_calls(self, scope: str, query: CallQuery) -> Page:
        where, params = _conditions(scope, query)
        sql = (
            f"SELECT {CALL_FIELDS} FROM calls c WHERE {' AND '.join(where)} "  # noqa: S608
            "ORDER BY c.sort_at DESC, c.id DESC LIMIT %s"
        )
        async with tenant_transaction(self._pool, scope) as conn:
            rows = await _all(conn, sql, (*params, query.limit + 1))
        more = len(rows) > query.limit
        items = rows[: query.limit]
        cursor = Cursor(items[-1]["sort_at"], items[-1]["id"]).encode() if more else None
        return Page(items=items, next_cursor=cursor)

    async def find_call(self, scope: str, ref: str) -> Row | None:
        async with tenant_transaction(self._pool, scope) as conn:
            return await _find(conn, scope, ref)

    async def transcript(self, scope: str, ref: str) -> tuple[Row, Row | None] | None:
        async with tenant_transaction(self._pool, scope) as conn:
            call = await _find(conn, scope, ref)
            if call is None:
                return None
            rows = await _all(
                conn,
                "SELECT text, segments, lang, engine FROM transcripts WHERE call_pk = %s",
                (call["id"],),
            )
        return call, rows[0] if rows else None

    async def library(self, scope: str, now: datetime) -> dict[str, Any]:
        tenant, params = _tenant_condition(scope)
        best = (
            f"lower(c.disposition) = ANY(%s) AND c.duration_sec > {BEST_MIN_DURATION_SEC}",
            [list(BEST_DISPOSITIONS)],
        )
        worst = (
            f"(lower(c.disposition) = ANY(%s) OR c.duration_sec < {WORST_MAX_DURATION_SEC})",
            [list(WORST_DISPOSITIONS)],
        )
        recent = ("c.started_at >= %s", [now - RECENT_WINDOW])
        async with tenant_transaction(self._pool, scope) as conn:
            result: dict[str, Any] = {}
            for name, (condition, extra) in (("best", best), ("worst", worst), ("recent", recent)):
                result[name] = await _all(
                    conn,
                    f"SELECT {CALL_FIELDS} FROM calls c WHERE {tenant} AND {condition} "  # noqa: S608
                    f"ORDER BY c.sort_at DESC, c.id DESC LIMIT {LIBRARY_SIZE}",
                    (*params, *extra),
                )
            average = await _all(
                conn,
                f"SELECT avg(c.qa_score) AS avg FROM calls c WHERE {tenant}",  # noqa: S608
                tuple(params),
            )
        result["avg_score"] = average[0]["avg"]
        return result


def _tenant_condition(scope: str) -> tuple[str, list[Any]]:
    if scope == ALL_TENANTS:
        return "TRUE", []
    return "c.tenant_id = %s", [scope]


def _conditions(scope: str, query: CallQuery) -> tuple[list[str], list[Any]]:
    tenant, params = _tenant_condition(scope)
    where = [tenant]
    optional: list[tuple[str, Any]] = [
        ("c.tenant_id = %s", query.tenant_id),
        ("c.call_id = %s", query.call_id),
        ("lower(c.disposition) = lower(%s)", query.disposition),
        ("lower(c.agent_name) = lower(%s)", query.agent),
        ("c.sort_at >= %s", query.since),
        ("c.sort_at < %s", query.until),
    ]
    for condition, value in optional:
        if value is not None:
            where.append(condition)
            params.append(value)
    if query.cursor is not None:
        where.append("(c.sort_at, c.id) < (%s, %s)")
        params += [query.cursor.sort_at, query.cursor.id]
    return where, params


async def _find(conn: Connection, scope: str, ref: str) -> Row | None:
    tenant, params = _tenant_condition(scope)
    rows: list[Row] = []
    if _is_uuid(ref):
        rows = await _all(
            conn,
            f"SELECT {CALL_FIELDS} FROM calls c WHERE {tenant} AND c.id = %s",  # noqa: S608
            (*params, ref),
        )
    if not rows:
        rows = await _all(
            conn,
            f"SELECT {CALL_FIELDS} FROM calls c WHERE {tenant} AND c.call_id = %s "  # noqa: S608
            "ORDER BY c.created_at LIMIT 1",
            (*params, ref),
        )
    return rows[0] if rows else None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def _all(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Row]:
    return await (await conn.execute(sql.encode(), params)).fetchall()
