"""Creates every topic of the registry (and its dead-letter topic); safe to run again."""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from switchboard_shared.topics import ALL_TOPICS


async def create_topics(bootstrap_servers: str, replication_factor: int = 1) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, topic.partitions, replication_factor)
            for topic in ALL_TOPICS
            for name in (topic.name, topic.dlq)
            if name not in existing
        ]
        for new_topic in wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([new_topic])
        await asyncio.sleep(0)
        return [t.name for t in wanted]
    finally:
        await admin.close()
