"""Helpers of the webhook-ingest integration tests: tokens, posting, reading the real topics."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from aiokafka import AIOKafkaConsumer, TopicPartition
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from psycopg.rows import dict_row

from switchboard_deploy.testing import eventually, mint_token, unique_id
from switchboard_shared.runtime import Runtime
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.deliveries import DeliveryBatcher
from switchboard_webhook_ingest.domain import WebhookToken
from switchboard_webhook_ingest.intake import WebhookIntake

T = TypeVar("T")
PUBLIC_BASE_URL = "https://switchboard.example.test"
DEADLINE_SECONDS = 20.0


def admin_headers(tenant_id: str | None, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(role=role, tenant_id=tenant_id)}"}


@dataclass(frozen=True)
class Record:
    key: bytes | None
    headers: dict[str, str]
    body: dict[str, Any]


class TopicReader:
    """Reads one topic of the real broker from the offsets it had when the reader was made."""

    def __init__(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        self._consumer = consumer
        self._partitions = partitions
        self.seen: list[Record] = []

    @classmethod
    async def open(cls, bootstrap: str, topic: str) -> TopicReader:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for partition in partitions:
            consumer.seek(partition, max(0, ends[partition] - 1))
        return cls(consumer, partitions)

    async def find(
        self, wanted: Callable[[Record], bool], *, within: float = DEADLINE_SECONDS
    ) -> Record:
        async def poll() -> Record | None:
            batches = await self._consumer.getmany(timeout_ms=200)
            for messages in batches.values():
                for message in messages:
                    headers = {k: v.decode() for k, v in message.headers}
                    self.seen.append(
                        Record(message.key, headers, json.loads(message.value or b"{}"))
                    )
            return next((r for r in self.seen if wanted(r)), None)

        return await eventually(poll, within=within)

    async def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            batches = await self._consumer.getmany(timeout_ms=100)
            for messages in batches.values():
                for message in messages:
                    headers = {k: v.decode() for k, v in message.headers}
                    self.seen.append(
                        Record(message.key, headers, json.loads(message.value or b"{}"))
                    )

    async def close(self) -> None:
        await self._consumer.stop()


@dataclass
class IngestHarness:
    app: Litestar
    client: AsyncTestClient[WebhookIntake]
    database_url: str
    bootstrap_servers: str

    async def new_token(
        self, provider: str, tenant_id: str | None = None
    ) -> tuple[str, dict[str, Any]]:
        tenant = tenant_id or unique_id("tenant")
        response = await self.client.post(
            f"/api/tenants/{tenant}/webhook-tokens",
            json={"provider": provider},
            headers=admin_headers(tenant),
        )
        assert response.status_code == 201, response.text
        return tenant, response.json()

    async def set_secrets(self, tenant_id: str, provider: str, secrets: list[str]) -> None:
        response = await self.client.put(
            f"/api/tenants/{tenant_id}/providers/{provider}",
            json={"secrets": secrets},
            headers=admin_headers(tenant_id),
        )
        assert response.status_code == 204, response.text

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    @contextmanager
    def ingest_deps(self, **changes: Any) -> Iterator[None]:
        """Swaps parts of the webhook pipeline (a bus that never acknowledges, a low rate limit)."""
        original = self.app.state.ingest_deps
        self.app.state.ingest_deps = dataclasses.replace(original, **changes)
        try:
            yield
        finally:
            self.app.state.ingest_deps = original

    async def in_app_directory_resolve(self, token: str) -> WebhookToken:
        directory = self.app.state.ingest_deps.directory
        resolved: WebhookToken = self.in_app(directory.resolve, token)
        return resolved

    def batcher(self, bus: Any, *, publish_timeout: float) -> DeliveryBatcher:
        """A delivery batcher that publishes to `bus` (one that fails, say)."""
        store = self.app.state.ingest_deps.store
        return DeliveryBatcher(store, bus, publish_timeout=publish_timeout)

    def admission(self, *, rate: float, burst: int) -> AdmissionControl:
        return AdmissionControl(self.app.state.ingest_deps.store, rate_per_second=rate, burst=burst)

    async def post(
        self, provider: str, token: str, body: Any, headers: dict[str, Any] | None = None
    ) -> Response:
        """Posts JSON (dict) or raw text/bytes (str, bytes) to the provider's webhook."""
        url = f"/api/webhooks/{provider}?token={token}"
        if isinstance(body, dict):
            return await self.client.post(url, json=body, headers=headers)
        return await self.client.post(url, content=body, headers=headers)

    def in_app(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Runs a coroutine on the app's own loop (the test client serves the app from a thread)."""
        return self.client.blocking_portal.call(function, *args)

    async def reader(self, topic: str) -> TopicReader:
        return await TopicReader.open(self.bootstrap_servers, topic)

    async def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Reads as the database owner, to see what really is stored (no row-level security)."""
        async with await psycopg.AsyncConnection.connect(
            self.database_url, row_factory=dict_row, autocommit=True
        ) as conn:
            await conn.execute("SET search_path TO webhook_ingest")
            return await (await conn.execute(sql.encode(), params)).fetchall()
