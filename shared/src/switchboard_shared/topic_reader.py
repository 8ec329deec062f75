"""Reads topics with a fresh consumer that never joins a group and never commits: to tell
whether a topic is empty, to learn its newest record, to list dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

POLL_MS = 200


@asynccontextmanager
async def reader(bootstrap_servers: str) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=10_000,
    )
    try:
        await consumer.start()
        yield consumer
    finally:
        await consumer.stop()  # also when start failed: it holds a client to close


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    await consumer.topics()
    partitions = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(partitions)]


async def topic_is_empty(bootstrap_servers: str, topic: str) -> bool:
    async with reader(bootstrap_servers) as consumer:
        partitions = await partitions_of(consumer, topic)
        if not partitions:
            return True
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        return all(ends[tp] <= starts[tp] for tp in partitions)


async def newest_record(
    bootstrap_servers: str, topic: str, *, seconds: float = 5.0
) -> ConsumerRecord[bytes, bytes] | None:
    """The last record of a one-partition topic (a compacted state topic), or None if it has
    none. Raises TimeoutError if the broker says there is one but does not deliver it."""
    async with reader(bootstrap_servers) as consumer:
        partitions = await partitions_of(consumer, topic)
        if not partitions:
            return None
        tp = partitions[0]
        start = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if end <= start:
            return None
        consumer.assign([tp])
        consumer.seek(tp, max(start, end - 1))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        newest: ConsumerRecord[bytes, bytes] | None = None
        while loop.time() < deadline:
            batch = await consumer.getmany(tp, timeout_ms=POLL_MS)
            for record in batch.get(tp, []):
                newest = record
            if newest is not None and await consumer.position(tp) >= end:
                return newest
        if newest is not None:
            return newest
        raise TimeoutError(f"{topic} holds records up to offset {end} but none was delivered")
