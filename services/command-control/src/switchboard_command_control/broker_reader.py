"""Lists dead letters for operators, page by page, with a reader that never commits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from switchboard_shared.bus import describe_dead_letter
from switchboard_shared.cursors import decode_cursor, encode_cursor
from switchboard_shared.topic_reader import partitions_of, reader


@dataclass(frozen=True)
class Position:
    """Where a listing resumes: after this offset of this partition of this topic."""

    topic: str
    partition: int
    offset: int

    def encode(self) -> str:
        return encode_cursor(self.topic, self.partition, self.offset)

    @classmethod
    def decode(cls, cursor: str) -> Position:
        topic, partition, offset = decode_cursor(cursor, str, int, int)
        return cls(topic, partition, offset)


async def read_dead_letters(
    bootstrap_servers: str, topics: list[str], *, after: Position | None, limit: int, seconds: float
) -> tuple[list[dict[str, Any]], Position | None]:
    """Up to `limit` letters in (topic, partition, offset) order; the position to resume after."""
    letters: list[dict[str, Any]] = []
    async with reader(bootstrap_servers) as consumer:
        for topic in sorted(topics):
            if after and topic < after.topic:
                continue
            for tp in await partitions_of(consumer, topic):
                start = _start_offset(tp, after)
                if start is None:
                    continue
                wanted = limit + 1 - len(letters)
                letters += await _read_partition(consumer, tp, start, wanted, seconds)
                if len(letters) > limit:
                    page = letters[:limit]
                    last = page[-1]
                    return page, Position(last["dlq_topic"], last["partition"], last["offset"])
    return letters, None


def _start_offset(tp: TopicPartition, after: Position | None) -> int | None:
    if after is None or tp.topic > after.topic:
        return 0
    if tp.partition < after.partition:
        return None
    return after.offset + 1 if tp.partition == after.partition else 0


async def _read_partition(
    consumer: AIOKafkaConsumer, tp: TopicPartition, start: int, wanted: int, seconds: float
) -> list[dict[str, Any]]:
    end = (await consumer.end_offsets([tp]))[tp]
    if end == 0:
        return []
    consumer.assign([tp])
    consumer.seek(tp, start)
    found: list[dict[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + seconds
    while len(found) < wanted and asyncio.get_running_loop().time() < deadline:
        batch = await consumer.getmany(tp, timeout_ms=200, max_records=wanted - len(found))
        found += [_letter(record) for record in batch.get(tp, []) if record.offset >= start]
        if not batch and await consumer.position(tp) >= end:
            break  # an empty poll past the end: some brokers undercount the end offset
    return found[:wanted]


def _letter(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    headers = {k: v.decode(errors="replace") for k, v in record.headers}
    described = describe_dead_letter(record.value or b"", headers)
    return {
        "dlq_topic": record.topic,
        "topic": headers.get("dlq_topic", record.topic.removesuffix(".dlq")),
        "partition": record.partition,
        "offset": record.offset,
        "original_offset": headers.get("dlq_offset"),
        "error": headers.get("dlq_error"),
        "key": record.key.decode(errors="replace") if record.key else None,
        "timestamp": record.timestamp,
        "headers": described["headers"],
        "body": described["body"],
    }
