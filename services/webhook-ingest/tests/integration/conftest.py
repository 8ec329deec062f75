"""The webhook-ingest app running in-process against the session's real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from webhook_ingest_harness import PUBLIC_BASE_URL, IngestHarness

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import TEST_JWT_SECRET, eventually
from switchboard_webhook_ingest.app import build_app
from switchboard_webhook_ingest.settings import WebhookIngestSettings


@pytest.fixture(scope="session")
async def webhook_ingest(infrastructure: Stack) -> AsyncIterator[IngestHarness]:
    settings = WebhookIngestSettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=not infrastructure.embedded_broker,
        jwt_secret=TEST_JWT_SECRET,
        public_base_url=PUBLIC_BASE_URL,
        secrets_key="webhook-ingest-test-secrets-key-0123456789",
        webhook_rate_limit_per_second=10_000,
    )
    service = build_app(settings)
    async with AsyncTestClient(service) as client:
        harness = IngestHarness(
            service.app, client, infrastructure.database_url, infrastructure.bootstrap_servers
        )

        async def ready() -> bool:
            return (await client.get("/ready")).status_code == 200

        await eventually(ready, within=60)
        yield harness
