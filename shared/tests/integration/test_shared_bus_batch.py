"""Batch consumers against the real broker: whole batches, one commit, poison records isolated."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id
from switchboard_shared.bus import BatchHandler, Consumer, EventBus, create_broker
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent
from switchboard_shared.topics import Topic

pytestmark = pytest.mark.integration

Batch = list[tuple[AuditEvent, Envelope]]


async def make_topic(stack: Stack) -> Topic:
    topic = Topic(unique_id("test.batch"), partitions=1)
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic.name, 1, 1), NewTopic(topic.dlq, 1, 1)])
    finally:
        await admin.close()
    return topic


def new_broker(stack: Stack) -> KafkaBroker:
    return create_broker(
        stack.bootstrap_servers,
        client_id="batch-test",
        enable_idempotence=False,
        registry=CollectorRegistry(),
    )


async def publish_actions(stack: Stack, topic: Topic, actions: list[str]) -> list[str]:
    """Publishes before any consumer runs, so the consumer finds them waiting together."""
    broker = new_broker(stack)
    await broker.start()
    try:
        bus = EventBus(broker, source="switchboard/test")
        sent = [
            await bus.publish(topic, AuditEvent(action=a, actor_id="u"), key=b"k") for a in actions
        ]
    finally:
        await broker.stop()
    return [envelope.id for envelope in sent]


@asynccontextmanager
async def consuming(
    stack: Stack, topic: Topic, handler: BatchHandler[AuditEvent], *, group_id: str
) -> AsyncIterator[None]:
    broker = new_broker(stack)
    bus = EventBus(broker, source="switchboard/test")
    Consumer(broker, bus, max_attempts=2).subscribe_batch(
        topic, AuditEvent, handler, group_id=group_id, max_records=100, batch_timeout_ms=200
    )
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


async def committed(stack: Stack, topic: Topic, group_id: str) -> int | None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=stack.bootstrap_servers, group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic.name, 0))
    finally:
        await consumer.stop()


async def dead_letters(stack: Stack, topic: Topic, count: int) -> list[dict[str, str]]:
    consumer = AIOKafkaConsumer(
        topic.dlq, bootstrap_servers=stack.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(15):
            while len(records) < count:
                for messages in (await consumer.getmany(timeout_ms=500)).values():
                    records.extend(messages)
    finally:
        await consumer.stop()
    return [{k: v.decode() for k, v in r.headers} | {"body": r.value.decode()} for r in records]


async def test_waiting_events_arrive_together_in_order_and_commit_once_handled(
    infrastructure: Stack,
) -> None:
    topic = await make_topic(infrastructure)
    actions = [f"a{i}" for i in range(40)]
    ids = await publish_actions(infrastructure, topic, actions)
    batches: list[Batch] = []

    async def handler(batch: Batch) -> None:
        batches.append(batch)

    group_id = unique_id("g")
    async with consuming(infrastructure, topic, handler, group_id=group_id):

        async def all_committed() -> bool:
            return await committed(infrastructure, topic, group_id) == len(actions)

        await until(all_committed)
    received = [pair for batch in batches for pair in batch]
    assert [event.action for event, _ in received] == actions
    assert [envelope.id for _, envelope in received] == ids
    assert max(len(batch) for batch in batches) > 1


async def test_a_poison_record_alone_is_dead_lettered_and_its_batch_mates_are_handled(
    infrastructure: Stack,
) -> None:
    topic = await make_topic(infrastructure)
    await publish_actions(infrastructure, topic, ["first", "poison", "second"])
    broker = new_broker(infrastructure)
    await broker.start()
    try:
        await EventBus(broker, "switchboard/test").publish_raw(
            topic, b"{not json", b"k", {"ce_id": "x"}
        )
    finally:
        await broker.stop()
    stored: list[str] = []
    attempts: list[int] = []

    async def all_or_nothing(batch: Batch) -> None:
        attempts.append(len(batch))
        if any(event.action == "poison" for event, _ in batch):
            raise ValueError("cannot store the poison")
        stored.extend(event.action for event, _ in batch)

    group_id = unique_id("g")
    async with consuming(infrastructure, topic, all_or_nothing, group_id=group_id):
        letters = await dead_letters(infrastructure, topic, 2)

        async def both_stored() -> bool:
            return len(stored) >= 2

        await until(both_stored)
    assert stored == ["first", "second"]
    assert letters[0]["dlq_error"].startswith("undecodable")
    assert letters[0]["body"] == "{not json"
    assert "cannot store the poison" in letters[1]["dlq_error"]
    assert letters[1]["dlq_topic"] == topic.name
    assert letters[1]["dlq_offset"] == "1"
    assert attempts[:2] == [3, 3]


async def test_a_transient_failure_retries_the_whole_batch_until_it_passes(
    infrastructure: Stack,
) -> None:
    topic = await make_topic(infrastructure)
    actions = ["one", "two", "three"]
    await publish_actions(infrastructure, topic, actions)
    failures_left = 3
    handled: list[list[str]] = []

    async def flaky(batch: Batch) -> None:
        nonlocal failures_left
        if failures_left:
            failures_left -= 1
            raise ConnectionError("database went away")
        handled.append([event.action for event, _ in batch])

    group_id = unique_id("g")
    async with consuming(infrastructure, topic, flaky, group_id=group_id):

        async def all_committed() -> bool:
            return await committed(infrastructure, topic, group_id) == len(actions)

        await until(all_committed)
    assert handled == [actions]
    assert failures_left == 0
