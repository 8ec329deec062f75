"""Many webhooks of several tenants at once: they share transactions, yet each tenant's keys and
log stay its own, and every key is accepted exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from webhook_ingest_harness import IngestHarness

from switchboard_deploy.testing import unique_id

pytestmark = pytest.mark.integration


def call(call_id: str) -> dict[str, Any]:
    return {
        "type": "call.ended",
        "timestamp": "2026-03-01T10:00:00Z",
        "data": {"call_id": call_id, "agent_name": "Ava", "duration_sec": 42},
    }


async def test_a_burst_from_two_tenants_accepts_each_key_once_and_logs_each_request(
    webhook_ingest: IngestHarness,
) -> None:
    tenants = [await webhook_ingest.new_token("standard") for _ in range(2)]
    sends = []
    for _, created in tenants:
        ids = [unique_id("msg") for _ in range(15)]
        for message_id in [*ids, *ids[:5]]:  # five keys sent twice within the burst
            body = call(f"call-{message_id}")
            headers = {"webhook-id": message_id}
            sends.append(webhook_ingest.post("standard", created["token"], body, headers))

    answers = await asyncio.gather(*sends)

    assert {a.status_code for a in answers} == {202}
    assert sorted(a.json()["duplicate"] for a in answers) == [False] * 30 + [True] * 10
    for tenant, created in tenants:
        counts = (
            await webhook_ingest.client.get(f"/api/webhooks/standard?token={created['token']}")
        ).json()
        assert (counts["accepted"], counts["duplicates"]) == (15, 5)
        rows = await webhook_ingest.rows(
            "SELECT count(*) AS n FROM deliveries WHERE tenant_id = %s", tenant
        )
        assert rows == [{"n": 15}]
