"""The `report` command answers with the figures of what the test put in: the calls stored for
one tenant in the period, by disposition, with durations and billable minutes."""

from __future__ import annotations

import httpx
import pytest
from journey_helpers import (
    all_call_ids,
    eventually,
    make_tenant_admin,
    make_webhook_url,
    standard_call,
)

from switchboard_deploy.testing import bearer, unique_id

pytestmark = pytest.mark.e2e

PERIOD = {"start": "2000-01-01T00:00:00+00:00", "end": "2100-01-01T00:00:00+00:00"}


def test_the_report_command_counts_what_the_tenant_sent(gateway_url: str, owner_token: str) -> None:
    tenant_id, admin_token = make_tenant_admin(gateway_url, owner_token)
    hook = make_webhook_url(gateway_url, tenant_id, admin_token)
    sent = [("booked", 95), ("booked", 30), ("voicemail", 61)]
    for disposition, duration in sent:
        call_id = unique_id("report")
        answer = httpx.post(
            hook,
            json=standard_call(call_id, disposition=disposition, duration_sec=duration),
            headers={"webhook-id": f"msg-{call_id}"},
        )
        assert answer.status_code == 202, answer.text
    assert eventually(lambda: len(all_call_ids(gateway_url, admin_token)) == len(sent), 30)

    answer = httpx.post(
        f"{gateway_url}/api/owner/command",
        json={"command": "report", "params": {**PERIOD, "tenant_id": tenant_id}},
        headers=bearer(owner_token),
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    calls = answer.json()["result"]["calls"]
    assert calls["calls"] == 3
    assert calls["by_disposition"] == {"booked": 2, "voicemail": 1}
    assert calls["total_duration_sec"] == 186.0
    assert calls["billable_minutes"] == 5
    assert calls["tenant_id"] == tenant_id

    refused = httpx.post(
        f"{gateway_url}/api/owner/command",
        json={"command": "report", "params": {"start": "yesterday"}},
        headers=bearer(owner_token),
        timeout=15,
    )
    assert refused.status_code == 400, refused.text
