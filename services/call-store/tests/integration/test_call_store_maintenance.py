"""While processing is paused for maintenance, call events wait on the bus: not processed, not
acknowledged, not dropped; once the platform runs again they are stored."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from conftest import CallStoreHarness, call_event, eventually
from switchboard_deploy.testing import unique_id
from switchboard_shared.events import ControlState, OperatingMode
from switchboard_shared.topics import CALLS_EVENTS

pytestmark = pytest.mark.integration


async def committed_offsets(harness: CallStoreHarness) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=harness.runtime.settings.kafka_bootstrap_servers,
        group_id=harness.group_id,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        return {
            p: await consumer.committed(TopicPartition(CALLS_EVENTS.name, p))
            for p in range(CALLS_EVENTS.partitions)
        }
    finally:
        await consumer.stop()


def set_mode(harness: CallStoreHarness, mode: OperatingMode) -> None:
    harness.runtime.maintenance.current = ControlState(mode=mode, reason="test", changed_by="tests")


async def test_events_wait_during_maintenance_and_are_stored_afterwards(
    call_store: CallStoreHarness,
) -> None:
    gate = call_store.app.state.processing_gate
    tenant = unique_id("tenant")
    warmup = call_event()
    await call_store.publish(warmup, tenant_id=tenant)
    await eventually(
        lambda: call_store.rows("SELECT 1 FROM calls WHERE call_id = %s", warmup.call_id)
    )
    set_mode(call_store, OperatingMode.MAINTENANCE)
    try:
        event = call_event()
        await call_store.publish(event, tenant_id=tenant)

        async def held() -> bool:
            return gate.waiting >= 1

        await eventually(held)
        before = await committed_offsets(call_store)
        assert gate.waiting >= 1
        assert await committed_offsets(call_store) == before
    finally:
        set_mode(call_store, OperatingMode.RUNNING)

    async def stored() -> list[dict[str, Any]]:
        return await call_store.rows(
            "SELECT 1 FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, event.call_id
        )

    await eventually(stored)

    async def acknowledged() -> bool:
        return await committed_offsets(call_store) != before

    await eventually(acknowledged)
    assert gate.waiting == 0
