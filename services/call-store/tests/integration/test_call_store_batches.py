"""Events that arrive together are stored together: each call's events merged in order, each
tenant under its own scope, a repeated envelope id without effect, a poison record alone in the
dead letters. The consumer is held in maintenance while the events are published, so that they
wait on the bus and are taken in batches once it runs again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import CallStoreHarness, call_event
from switchboard_deploy.testing import eventually, unique_id
from switchboard_shared.events import ControlState, OperatingMode

pytestmark = pytest.mark.integration

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@asynccontextmanager
async def held(harness: CallStoreHarness) -> AsyncIterator[None]:
    maintenance = harness.runtime.maintenance
    maintenance.current = ControlState(mode=OperatingMode.MAINTENANCE, reason="test")
    try:
        yield
    finally:
        maintenance.current = ControlState(mode=OperatingMode.RUNNING, reason="test")


async def calls_of(harness: CallStoreHarness, tenant: str) -> list[dict[str, Any]]:
    return await harness.rows(
        "SELECT c.*, ct.lead_id AS contact_lead FROM calls c "
        "LEFT JOIN contacts ct ON ct.id = c.contact_id WHERE c.tenant_id = %s ORDER BY c.call_id",
        tenant,
    )


async def publish_call(harness: CallStoreHarness, tenant: str, call_id: str) -> None:
    """Four events in order: the second older than the first, the fourth repeating the third's
    envelope id with other content."""
    ended_id = str(uuid.uuid4())
    for event, envelope_id in (
        (call_event(call_id, event="started", occurred_at=T0, agent_name="Ana",
                    lead_id=f"lead-{call_id}"), None),
        (call_event(call_id, event="updated", occurred_at=T0 - timedelta(minutes=1),
                    agent_name="Older", disposition="Completed"), None),
        (call_event(call_id, event="ended", occurred_at=T0 + timedelta(minutes=3),
                    duration_sec=170), ended_id),
        (call_event(call_id, event="ended", occurred_at=T0 + timedelta(minutes=9),
                    agent_name="Repeated"), ended_id),
    ):  # fmt: skip
        await harness.publish(event, tenant_id=tenant, envelope_id=envelope_id)


async def test_events_of_several_tenants_and_calls_arriving_together_merge_in_order(
    call_store: CallStoreHarness,
) -> None:
    tenants = [unique_id("tenant"), unique_id("tenant")]
    call_ids = [unique_id("call") for _ in range(5)]
    async with held(call_store):
        await asyncio.gather(*(publish_call(call_store, t, c) for t in tenants for c in call_ids))

    async def all_stored() -> bool:
        rows = [await calls_of(call_store, tenant) for tenant in tenants]
        return all(len(r) == len(call_ids) and {c["status"] for c in r} == {"ended"} for r in rows)

    await eventually(all_stored)
    for tenant in tenants:
        for row in await calls_of(call_store, tenant):
            assert row["agent_name"] == "Ana"
            assert row["disposition"] == "Completed"
            assert row["duration_sec"] == 170
            assert row["last_event_at"] == T0 + timedelta(minutes=3)
            assert row["contact_lead"] == f"lead-{row['call_id']}"
    jobs = await call_store.rows(
        "SELECT j.status FROM recording_jobs j JOIN calls c ON c.id = j.call_pk "
        "WHERE c.tenant_id = ANY(%s)",
        tenants,
    )
    assert [j["status"] for j in jobs] == ["pending"] * len(tenants) * len(call_ids)


async def test_an_unstorable_event_among_others_is_dead_lettered_alone(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    good = [call_event() for _ in range(3)]
    poison_id = str(uuid.uuid4())
    async with held(call_store):
        await call_store.publish(good[0], tenant_id=tenant)
        await call_store.publish(call_event(), tenant_id=None, envelope_id=poison_id)
        await call_store.publish(good[1], tenant_id=tenant)
        await call_store.publish(good[2], tenant_id=tenant)

    async def all_good_stored() -> bool:
        return len(await calls_of(call_store, tenant)) == len(good)

    await eventually(all_good_stored)

    async def dead_lettered() -> bool:
        response = await call_store.client.get(
            "/api/admin/calls/dlq", headers=call_store.headers("sre", None)
        )
        return any(i["headers"].get("ce_id") == poison_id for i in response.json()["items"])

    await eventually(dead_lettered)
    assert sorted(r["call_id"] for r in await calls_of(call_store, tenant)) == sorted(
        e.call_id for e in good
    )
