"""Figures of the calls stored in a period, for owner reports and billing: counts by disposition
and by provider, total and average duration, billable minutes (each call rounded up to the
minute) and the average QA score. Always inside the caller's tenant scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from switchboard_shared.db import Connection, tenant_transaction
from switchboard_shared.errors import BadRequest

TOTALS = (
    "SELECT count(*) AS calls, coalesce(sum(duration_sec), 0) AS total_duration_sec,"
    " avg(duration_sec) AS average_duration_sec, avg(qa_score) AS average_qa_score,"
    " coalesce(sum(ceil(duration_sec / 60.0)), 0) AS billable_minutes"
    " FROM calls WHERE sort_at >= %s AND sort_at < %s AND (%s::text IS NULL OR tenant_id = %s)"
)
BY = (
    "SELECT coalesce({column}, 'unknown') AS name, count(*) AS calls FROM calls"
    " WHERE sort_at >= %s AND sort_at < %s AND (%s::text IS NULL OR tenant_id = %s)"
    " GROUP BY 1 ORDER BY 2 DESC, 1"
)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @classmethod
    def of(cls, start: datetime, end: datetime) -> Period:
        if start >= end:
            raise BadRequest("start must be before end", code="invalid_range")
        return cls(start, end)


async def call_figures(
    pool: AsyncConnectionPool, scope: str, period: Period, tenant_id: str | None
) -> dict[str, Any]:
    params = (period.start, period.end, tenant_id, tenant_id)
    async with tenant_transaction(pool, scope) as conn:
        totals = await (await conn.execute(TOTALS, params)).fetchone()
        by_disposition = await _counts(conn, "lower(disposition)", params)
        by_provider = await _counts(conn, "provider", params)
    assert totals is not None
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "tenant_id": tenant_id,
        "calls": totals["calls"],
        "total_duration_sec": float(totals["total_duration_sec"]),
        "average_duration_sec": _rounded(totals["average_duration_sec"]),
        "average_qa_score": _rounded(totals["average_qa_score"]),
        "billable_minutes": int(totals["billable_minutes"]),
        "by_disposition": by_disposition,
        "by_provider": by_provider,
    }


async def _counts(conn: Connection, column: str, params: tuple[Any, ...]) -> dict[str, int]:
    """Calls per value of one of the constant columns above (never a caller's text)."""
    rows = await (await conn.execute(BY.format(column=column).encode(), params)).fetchall()
    return {row["name"]: row["calls"] for row in rows}


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)
