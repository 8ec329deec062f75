"""Dedup keys are kept for their retention and then forgotten."""

from __future__ import annotations

import uuid
from functools import partial

import pytest
from webhook_ingest_harness import IngestHarness

from switchboard_deploy.testing import unique_id
from switchboard_webhook_ingest.retention import sweep_once

pytestmark = pytest.mark.integration


async def test_keys_older_than_the_retention_are_swept_and_recent_ones_kept(
    webhook_ingest: IngestHarness,
) -> None:
    tenant = unique_id("tenant")
    insert = (
        "INSERT INTO deliveries (tenant_id, provider, dedup_key, event_id, token_id, received_at)"
        " VALUES (%s, 'standard', %s, %s, %s, now() - make_interval(hours => %s))"
    )
    for key, age in (("old", 80), ("recent", 70)):
        await webhook_ingest.rows(
            insert + " RETURNING 1", tenant, key, uuid.uuid4(), uuid.uuid4(), age
        )

    store = webhook_ingest.app.state.ingest_deps.store
    webhook_ingest.in_app(partial(sweep_once, store, dedup_hours=72, log_hours=168))

    rows = await webhook_ingest.rows(
        "SELECT dedup_key FROM deliveries WHERE tenant_id = %s", tenant
    )
    assert rows == [{"dedup_key": "recent"}]
