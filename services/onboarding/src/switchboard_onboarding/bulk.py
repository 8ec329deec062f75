"""Bulk operations: one result per item, each item in its own transaction, never all-or-nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from switchboard_shared.errors import AppError, PayloadTooLarge, ValidationFailed
from switchboard_shared.problems import FieldsInvalid, TransitionRefused

MAX_BULK_ITEMS = 100
MAX_BULK_PROVISIONING = 50

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


async def run_jobs(jobs: Sequence[tuple[str, Job]]) -> dict[str, Any]:
    results = [await _one(location_id, job) for location_id, job in jobs]
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
        extra = error.extra() if isinstance(error, (FieldsInvalid, TransitionRefused)) else {}
        return {
            "location_id": location_id,
            "ok": False,
            "error": error.code,
            "detail": error.detail,
            **extra,
        }
    return {"ok": True, **outcome, "location_id": location_id}
