"""The figures of a period: what was stored, counted, summed and averaged within the caller's
tenant scope; another tenant's figures are not found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import CallStoreHarness, call_event
from switchboard_deploy.testing import eventually, unique_id

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 1, tzinfo=UTC)


async def test_the_report_counts_sums_and_averages_the_periods_calls(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    calls = [
        ("booked", 95.0, 80.0, START + timedelta(hours=1)),
        ("booked", 30.0, 90.0, START + timedelta(hours=2)),
        ("missed", 61.0, None, START + timedelta(hours=3)),
        ("booked", 600.0, 10.0, START + timedelta(days=40)),  # outside the period
    ]
    for disposition, duration, qa, started in calls:
        event = call_event(
            disposition=disposition, duration_sec=duration, qa_score=qa, started_at=started
        )
        await call_store.publish(event, tenant_id=tenant)

    async def stored() -> bool:
        rows = await call_store.rows("SELECT 1 FROM calls WHERE tenant_id = %s", tenant)
        return len(rows) == len(calls)

    await eventually(stored)
    period = {"start": START.isoformat(), "end": (START + timedelta(days=1)).isoformat()}
    answer = await call_store.client.get(
        "/api/admin/calls/report", params=period, headers=call_store.headers("admin", tenant)
    )
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    assert figures["calls"] == 3
    assert figures["by_disposition"] == {"booked": 2, "missed": 1}
    assert figures["by_provider"] == {"standard": 3}
    assert figures["total_duration_sec"] == 186.0
    assert figures["average_duration_sec"] == 62.0
    assert figures["billable_minutes"] == 2 + 1 + 2
    assert figures["average_qa_score"] == 85.0

    other = await call_store.client.get(
        "/api/admin/calls/report",
        params={**period, "tenant_id": tenant},
        headers=call_store.headers("admin", unique_id("tenant")),
    )
    assert other.status_code == 404
    backwards = await call_store.client.get(
        "/api/admin/calls/report",
        params={"start": period["end"], "end": period["start"]},
        headers=call_store.headers("admin", tenant),
    )
    assert (backwards.status_code, backwards.json()["error"]) == (400, "invalid_range")
