from __future__ import annotations

import pytest
from webhook_ingest_harness import IngestHarness

pytestmark = pytest.mark.integration


async def test_a_standard_webhook_is_accepted(webhook_ingest: IngestHarness) -> None:
    _, created = await webhook_ingest.new_token("standard")
    body = {"type": "call.ended", "timestamp": "2026-01-01T00:00:00Z", "data": {"call_id": "c1"}}
    response = await webhook_ingest.client.post(
        f"/api/webhooks/standard?token={created['token']}", json=body
    )
    print(response.status_code, response.text)
    assert response.status_code == 202
