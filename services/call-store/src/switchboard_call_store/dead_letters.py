"""Dead letters of the call and lead topics: list them, and redrive them to where they came from.

Listing reads the dead-letter topic from the start without a consumer group (it changes
nothing). Replaying reads it with a dedicated group, so each dead letter is redriven once per
request; a message that fails again is dead-lettered again and can be redriven again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from switchboard_shared.bus import EventBus, describe_dead_letter
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS, Topic

REDRIVABLE: dict[str, Topic] = {"calls": CALLS_EVENTS, "leads": LEADS_EVENTS}
IDLE_MS = 500
ASSIGNMENT_TIMEOUT_SECONDS = 30.0
READ_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class DeadLetter:
    key: bytes | None
    body: bytes
    headers: dict[str, str]

    @property
    def original_headers(self) -> dict[str, str]:
        return {k: v for k, v in self.headers.items() if not k.startswith("dlq_")}

    def describe(self) -> dict[str, Any]:
        return describe_dead_letter(self.body, self.headers)


def _letter(record: ConsumerRecord[bytes, bytes]) -> DeadLetter:
    headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
    return DeadLetter(key=record.key, body=record.value or b"", headers=headers)


async def list_dead_letters(bootstrap_servers: str, topic: Topic) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(topic.dlq, p) for p in consumer.partitions_for_topic(topic.dlq) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        return [_letter(r) for r in await _read_to_end(consumer, partitions)]
    finally:
        await consumer.stop()


async def replay_dead_letters(
    bootstrap_servers: str, bus: EventBus, topic: Topic, *, group_id: str
) -> list[DeadLetter]:
    """Republishes every dead letter this group has not replayed yet, without its dlq_ headers,
    then commits; the envelope id is kept, so a letter already stored has no second effect."""
    consumer = AIOKafkaConsumer(
        topic.dlq,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions, early = await _await_assignment(consumer)
        letters = [_letter(r) for r in early + await _read_to_end(consumer, partitions)]
        for letter in letters:
            await bus.publish_raw(topic, letter.body, letter.key, letter.original_headers)
        if letters:
            await consumer.commit()
        return letters
    finally:
        await consumer.stop()


async def _await_assignment(
    consumer: AIOKafkaConsumer,
) -> tuple[list[TopicPartition], list[ConsumerRecord[bytes, bytes]]]:
    """Polls until the group assigned partitions; keeps whatever the polls already fetched."""
    early: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + ASSIGNMENT_TIMEOUT_SECONDS
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("no partitions assigned to the replay consumer")
        batch = await consumer.getmany(timeout_ms=100)
        early += [r for rs in batch.values() for r in rs]
    return sorted(consumer.assignment(), key=lambda tp: tp.partition), early


async def _read_to_end(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> list[ConsumerRecord[bytes, bytes]]:
    """Reads until nothing more arrives and every position reached the end offset (end offsets
    alone can undercount on some brokers, so an idle poll must also come back empty)."""
    records: list[ConsumerRecord[bytes, bytes]] = []
    ends = await consumer.end_offsets(partitions)
    deadline = time.monotonic() + READ_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        batch = await consumer.getmany(*partitions, timeout_ms=IDLE_MS)
        got = [r for rs in batch.values() for r in rs]
        records += got
        if not got and all([await consumer.position(tp) >= ends[tp] for tp in partitions]):
            break
    return records
