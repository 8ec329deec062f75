"""Bulk results item by item, size limits, and cursors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_onboarding import bulk
from switchboard_onboarding.paging import decode_cursor, encode_cursor
from switchboard_shared.errors import AppError, NotFound


async def test_one_failing_item_does_not_stop_the_others() -> None:
    async def action(location_id: str) -> dict[str, Any]:
        if location_id == "missing":
            raise NotFound("no such location")
        return {"status": "APPROVED"}

    outcome = await bulk.run_each(["a", "missing", "b"], action)

    assert [r["ok"] for r in outcome["results"]] == [True, False, True]
    assert outcome["results"][1]["error"] == "not_found"
    assert outcome["summary"] == {"total": 3, "succeeded": 2, "failed": 1}


@pytest.mark.parametrize(("count", "status"), [(0, 422), (101, 413)])
def test_bulk_sizes_outside_the_limits_are_refused(count: int, status: int) -> None:
    with pytest.raises(AppError) as caught:
        bulk.check_size(count)
    assert caught.value.status_code == status


def test_a_cursor_round_trips_and_a_forged_one_is_a_bad_request() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    assert decode_cursor(encode_cursor(at, "loc-9")) == (at, "loc-9")
    with pytest.raises(AppError) as caught:
        decode_cursor("not-a-cursor")
    assert caught.value.status_code == 400
