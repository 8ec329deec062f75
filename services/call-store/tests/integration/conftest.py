"""The call-store app running in-process against the session's real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from faststream.kafka import KafkaBroker
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client import CollectorRegistry
from psycopg.rows import dict_row

from switchboard_call_store.app import build_app
from switchboard_call_store.settings import CallStoreSettings
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import TEST_JWT_SECRET, eventually, mint_token, unique_id
from switchboard_shared.bus import EventBus, create_broker
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.events import CallEvent, Event, LeadEvent
from switchboard_shared.runtime import Runtime
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS


@dataclass
class CallStoreHarness:
    """The app runs in the test client's own thread and loop; the test publishes with a producer
    of its own and reads the database directly."""

    app: Litestar
    client: AsyncTestClient[Litestar]
    database_url: str
    group_id: str
    bus: EventBus
    producer: KafkaBroker

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def publish(
        self, event: Event, *, tenant_id: str | None, envelope_id: str | None = None
    ) -> Envelope:
        topic = CALLS_EVENTS if isinstance(event, CallEvent) else LEADS_EVENTS
        entity = event.call_id if isinstance(event, CallEvent) else getattr(event, "lead_id", "")
        return await self.bus.publish(
            topic,
            event,
            key=event_key(tenant_id, entity),
            tenant_id=tenant_id,
            envelope_id=envelope_id,
        )

    async def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Reads as the database owner, to see what really is stored (no row-level security)."""
        async with await psycopg.AsyncConnection.connect(
            self.database_url, row_factory=dict_row, autocommit=True
        ) as conn:
            await conn.execute("SET search_path TO call_store")
            return await (await conn.execute(sql.encode(), params)).fetchall()

    def headers(self, role: str, tenant_id: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(role=role, tenant_id=tenant_id)}"}


def call_event(call_id: str | None = None, **fields: Any) -> CallEvent:
    values: dict[str, Any] = {
        "call_id": call_id or unique_id("call"),
        "event": "ended",
        "provider": "standard",
        "occurred_at": datetime.now(UTC),
        **fields,
    }
    return CallEvent.model_validate(values)


def lead_event(lead_id: str, **fields: Any) -> LeadEvent:
    values = {"lead_id": lead_id, "provider": "convoso-leads", "occurred_at": datetime.now(UTC)}
    return LeadEvent.model_validate({**values, **fields})


@pytest.fixture(scope="session")
async def call_store(infrastructure: Stack) -> AsyncIterator[CallStoreHarness]:
    group_id = unique_id("call-store-test")
    settings = CallStoreSettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=not infrastructure.embedded_broker,
        kafka_consumer_max_attempts=2,
        jwt_secret=TEST_JWT_SECRET,
        consumer_group=group_id,
        dlq_replay_group=unique_id("call-store-replay-test"),
    )
    app = build_app(settings)
    producer = create_broker(
        infrastructure.bootstrap_servers,
        client_id="call-store-test-producer",
        enable_idempotence=settings.kafka_enable_idempotence,
        registry=CollectorRegistry(),
    )
    await producer.start()
    bus = EventBus(producer, source="switchboard/call-store-tests")
    async with AsyncTestClient(app) as client:
        harness = CallStoreHarness(
            app, client, infrastructure.database_url, group_id, bus, producer
        )

        async def ready() -> bool:
            return (await client.get("/ready")).status_code == 200

        await eventually(ready, "the service to be ready", within=60)
        yield harness
    await producer.stop()
