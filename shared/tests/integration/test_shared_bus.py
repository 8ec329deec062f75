import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id
from switchboard_shared.bus import Consumer, EventBus, create_broker
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.events import AuditEvent
from switchboard_shared.topics import Topic
from switchboard_shared.tracing import configure_tracing

pytestmark = pytest.mark.integration


async def make_topic(stack: Stack) -> Topic:
    topic = Topic(unique_id("test.bus"), partitions=1)
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic.name, 1, 1), NewTopic(topic.dlq, 1, 1)])
    finally:
        await admin.close()
    return topic


async def read_all(stack: Stack, topic: str, count: int, timeout: float = 15.0) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=stack.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    records.extend(messages)
    finally:
        await consumer.stop()
    return records


async def test_published_events_carry_the_cloudevents_envelope_and_trace_context(
    infrastructure: Stack,
) -> None:
    configure_tracing("test", otlp_endpoint=None)
    topic = await make_topic(infrastructure)
    broker = create_broker(
        infrastructure.bootstrap_servers, client_id="t", enable_idempotence=False
    )
    await broker.start()
    try:
        bus = EventBus(broker, source="switchboard/test")
        sent = await bus.publish(
            topic,
            AuditEvent(action="x", actor_id="u"),
            key=event_key("t1", "e1"),
            tenant_id="t1",
            actor="u",
        )
    finally:
        await broker.stop()
    [record] = await read_all(infrastructure, topic.name, 1)
    headers = {k: v.decode() for k, v in record.headers}
    assert record.key == b"t1:e1"
    assert headers["ce_id"] == sent.id
    assert headers["ce_type"] == "switchboard.audit.v1"
    assert headers["ce_tenantid"] == "t1"
    assert "traceparent" in headers


async def test_a_handler_that_keeps_failing_sends_the_message_to_the_dead_letter_topic(
    infrastructure: Stack,
) -> None:
    topic = await make_topic(infrastructure)
    broker = create_broker(
        infrastructure.bootstrap_servers, client_id="t", enable_idempotence=False
    )
    bus = EventBus(broker, source="switchboard/test")
    seen: list[str] = []

    async def handler(event: AuditEvent, envelope: Envelope) -> None:
        seen.append(event.action)
        if event.action == "poison":
            raise ValueError("cannot handle this one")

    Consumer(broker, bus, max_attempts=3).subscribe(
        topic, AuditEvent, handler, group_id=unique_id("g")
    )
    await broker.start()
    try:
        await bus.publish(topic, AuditEvent(action="poison", actor_id="u"), key=b"k")
        await bus.publish(topic, AuditEvent(action="fine", actor_id="u"), key=b"k")
        await bus.publish_raw(topic, b"{not json", b"k", {"ce_id": "x"})
        [first, second] = await read_all(infrastructure, topic.dlq, 2)
    finally:
        await broker.stop()
    assert seen == ["poison", "poison", "poison", "fine"]
    first_headers = {k: v.decode() for k, v in first.headers}
    assert "cannot handle this one" in first_headers["dlq_error"]
    assert first_headers["dlq_topic"] == topic.name
    assert {k: v.decode() for k, v in second.headers}["dlq_error"].startswith("undecodable")
