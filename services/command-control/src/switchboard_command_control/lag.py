"""Consumer lag, measured when status is asked: per consumer group and topic, the end offset of
each partition minus the group's committed offset (a partition never committed counts from the
start of the topic)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from switchboard_command_control.domain import InstanceBeat
from switchboard_shared.topic_reader import partitions_of

METHOD = "end offset minus committed offset, per partition, read from the broker at status time"


def groups_of(beats: Iterable[InstanceBeat]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for beat in beats:
        for group, topics in beat.consumer_groups.items():
            groups.setdefault(group, set()).update(topics)
    return groups


async def consumer_lag(
    bootstrap_servers: str, groups: Mapping[str, set[str]], *, seconds: float = 5.0
) -> dict[str, Any]:
    started = time.monotonic()
    try:
        rows = await asyncio.wait_for(_measure(bootstrap_servers, groups), seconds)
        error = None
    except Exception as failure:
        rows, error = [], f"not measured: {type(failure).__name__}"
    return {
        "method": METHOD,
        "took_ms": round((time.monotonic() - started) * 1000, 1),
        "error": error,
        "groups": rows,
    }


async def _measure(bootstrap_servers: str, groups: Mapping[str, set[str]]) -> list[dict[str, Any]]:
    """One consumer per group, which never subscribes (so never joins the group): it reads the
    group's committed offsets and the topics' end offsets."""
    rows: list[dict[str, Any]] = []
    for group, topics in sorted(groups.items()):
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers.split(","),
            group_id=group,
            enable_auto_commit=False,
        )
        try:
            await consumer.start()
            for topic in sorted(topics):
                partitions = await partitions_of(consumer, topic)
                rows.append(await _topic_lag(consumer, group, topic, partitions))
        finally:
            await consumer.stop()
    return rows


async def _topic_lag(
    consumer: AIOKafkaConsumer,
    group: str,
    topic: str,
    partitions: list[TopicPartition],
) -> dict[str, Any]:
    ends = await consumer.end_offsets(partitions) if partitions else {}
    starts = await consumer.beginning_offsets(partitions) if partitions else {}
    by_partition = {}
    for tp in partitions:
        offset = await consumer.committed(tp)
        position = offset if offset is not None else starts[tp]
        by_partition[tp.partition] = max(ends[tp] - position, 0)
    return {
        "group": group,
        "topic": topic,
        "lag": sum(by_partition.values()),
        "partitions": by_partition,
    }
