"""While processing is paused for maintenance, call events wait on the bus: not processed, not
acknowledged, not dropped; once the platform runs again they are stored."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from conftest import CallStoreHarness, call_event
from switchboard_deploy.testing import eventually, unique_id
from switchboard_shared.envelope import Envelope, event_key
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
    event = call_event()
    envelope = Envelope(type=event.ce_type, source="switchboard/tests", tenant_id=tenant)
    set_mode(call_store, OperatingMode.MAINTENANCE)
    try:
        sent = await call_store.producer.publish(
            event.model_dump_json().encode(),
            topic=CALLS_EVENTS.name,
            key=event_key(tenant, event.call_id),
            headers=envelope.to_headers(),
        )

        async def held() -> bool:
            return gate.holding >= 1

        await eventually(held)
        committed = (await committed_offsets(call_store))[sent.partition]
        assert committed is None or committed <= sent.offset
    finally:
        set_mode(call_store, OperatingMode.RUNNING)

    await eventually(lambda: stored(call_store, tenant, event.call_id))

    async def acknowledged() -> bool:
        committed = (await committed_offsets(call_store))[sent.partition]
        return committed is not None and committed > sent.offset

    await eventually(acknowledged)


async def stored(harness: CallStoreHarness, tenant: str, call_id: str) -> list[dict[str, Any]]:
    return await harness.rows(
        "SELECT 1 FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, call_id
    )
