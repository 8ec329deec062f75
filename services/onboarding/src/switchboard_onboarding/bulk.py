"""Bulk operations: one result per item, each item in its own transaction, never all-or-nothing.

Items run a few at a time; the results keep the order of the request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from switchboard_shared.errors import AppError, PayloadTooLarge, ValidationFailed

MAX_BULK_ITEMS = 100
MAX_BULK_PROVISIONING = 50
CONCURRENCY = 4
"""Items of one bulk request in flight at once: each holds a database connection."""
T = TypeVar("T")

ItemAction = Callable[[str], Awaitable[dict[str, Any]]]
Job = Callable[[], Awaitable[dict[str, Any]]]


def check_size(count: int, limit: int = MAX_BULK_ITEMS) -> None:
    if count == 0:
        raise ValidationFailed("at least one item is required", code="empty_bulk")
    if count > limit:
        raise PayloadTooLarge(
            f"at most {limit} items per request, got {count}", code="bulk_too_large"
        )


async def run_each(location_ids: Sequence[str], action: ItemAction) -> dict[str, Any]:
    return await run_jobs([(lid, partial(action, lid)) for lid in location_ids])


async def bounded(jobs: Sequence[Awaitable[T]], limit: int = CONCURRENCY) -> list[T]:
    """Runs these at most `limit` at a time; the results in the order given."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Awaitable[T]) -> T:
        async with gate:
            return await job

    return list(await asyncio.gather(*(one(job) for job in jobs)))


async def run_jobs(jobs: Sequence[tuple[str, Job]]) -> dict[str, Any]:
    results = await bounded([_one(location_id, job) for location_id, job in jobs])
    succeeded = sum(1 for r in results if r["ok"])
    return {
        "results": results,
        "summary": {
            "total": len(results),
            "succeeded": succeeded,
            "failed": len(results) - succeeded,
        },
    }


async def _one(location_id: str, job: Job) -> dict[str, Any]:
    try:
        outcome = await job()
    except AppError as error:
        return {
            "location_id": location_id,
            "ok": False,
            "error": error.code,
            "detail": error.detail,
            **error.extra,
        }
    return {"ok": True, **outcome, "location_id": location_id}
