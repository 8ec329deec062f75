"""POST /api/webhooks/{provider}: accepted events really reach the broker; nothing else does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import pytest
from aiokafka.errors import KafkaConnectionError
from webhook_ingest_harness import IngestHarness, TopicReader

from switchboard_deploy.testing import unique_id
from switchboard_shared.bus import Outgoing
from switchboard_shared.errors import RateLimited
from switchboard_shared.events import ControlState, OperatingMode
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS, WEBHOOKS_RECEIVED

pytestmark = pytest.mark.integration


def standard_call(call_id: str, kind: str = "ended", **data: Any) -> dict[str, Any]:
    return {
        "type": f"call.{kind}",
        "timestamp": "2026-03-01T10:00:00Z",
        "data": {"call_id": call_id, "agent_name": "Ava", "duration_sec": 42, **data},
    }


@pytest.fixture
async def calls(webhook_ingest: IngestHarness) -> Any:
    reader = await webhook_ingest.reader(CALLS_EVENTS.name)
    yield reader
    await reader.close()


@pytest.fixture
async def received(webhook_ingest: IngestHarness) -> Any:
    reader = await webhook_ingest.reader(WEBHOOKS_RECEIVED.name)
    yield reader
    await reader.close()


async def test_an_accepted_webhook_is_on_calls_events_with_tenant_type_and_key(
    webhook_ingest: IngestHarness, calls: TopicReader, received: TopicReader
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    call_id = unique_id("call")

    response = await webhook_ingest.post(
        "standard", created["token"], standard_call(call_id), {"webhook-id": unique_id("msg")}
    )

    assert response.status_code == 202
    answer = response.json()
    assert answer["duplicate"] is False
    record = await calls.find(lambda r: r.body.get("call_id") == call_id)
    assert record.key == f"{tenant}:{call_id}".encode()
    assert record.headers["ce_tenantid"] == tenant
    assert record.headers["ce_type"] == "switchboard.call.v1"
    assert record.headers["ce_id"] == answer["event_id"]
    assert record.body["agent_name"] == "Ava"
    assert record.body["event"] == "ended"
    raw = await received.find(lambda r: r.headers.get("ce_correlationid") == answer["event_id"])
    assert raw.body["verification"] == "unsigned"
    assert json.loads(raw.body["body"])["data"]["call_id"] == call_id
    assert raw.headers["ce_tenantid"] == tenant


async def test_a_duplicate_is_acknowledged_and_publishes_nothing(
    webhook_ingest: IngestHarness, calls: TopicReader
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    call_id, message_id = unique_id("call"), unique_id("msg")
    body = standard_call(call_id)

    first = await webhook_ingest.post(
        "standard", created["token"], body, {"webhook-id": message_id}
    )
    again = await webhook_ingest.post(
        "standard", created["token"], body, {"webhook-id": message_id}
    )
    marker = await webhook_ingest.post(
        "standard",
        created["token"],
        standard_call(call_id, "analyzed"),
        {"webhook-id": unique_id("msg")},
    )

    assert (first.status_code, again.status_code, marker.status_code) == (202, 202, 202)
    assert again.json() == {"event_id": first.json()["event_id"], "duplicate": True}
    await calls.find(lambda r: r.headers.get("ce_id") == marker.json()["event_id"])
    published = [r for r in calls.seen if r.body.get("call_id") == call_id]
    assert [r.body["event"] for r in published] == ["ended", "analyzed"]


async def test_concurrent_deliveries_of_one_message_publish_it_once(
    webhook_ingest: IngestHarness,
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    body, message_id = standard_call(unique_id("call")), unique_id("msg")

    answers = await asyncio.gather(
        *(
            webhook_ingest.post("standard", created["token"], body, {"webhook-id": message_id})
            for _ in range(5)
        )
    )

    assert [a.status_code for a in answers] == [202] * 5
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]
    rows = await webhook_ingest.rows(
        "SELECT count(*) AS n FROM deliveries WHERE dedup_key = %s", message_id
    )
    assert rows == [{"n": 1}]


@pytest.mark.parametrize("where", ["header", "bearer"])
async def test_the_token_may_come_in_a_header(webhook_ingest: IngestHarness, where: str) -> None:
    _, created = await webhook_ingest.new_token("standard")
    token = created["token"]
    headers = (
        {"X-Webhook-Token": token} if where == "header" else {"Authorization": f"Bearer {token}"}
    )

    response = await webhook_ingest.client.post(
        "/api/webhooks/standard", json=standard_call(unique_id("call")), headers=headers
    )

    assert response.status_code == 202


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 5000])
async def test_a_missing_or_unknown_token_is_refused(
    webhook_ingest: IngestHarness, token: str
) -> None:
    response = await webhook_ingest.post("standard", token, standard_call(unique_id("call")))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


async def test_a_token_of_another_provider_is_refused(webhook_ingest: IngestHarness) -> None:
    _, created = await webhook_ingest.new_token("bland")
    response = await webhook_ingest.post(
        "standard", created["token"], standard_call(unique_id("call"))
    )
    assert response.status_code == 401


async def test_an_unknown_provider_is_not_found(webhook_ingest: IngestHarness) -> None:
    _, created = await webhook_ingest.new_token("bland")
    response = await webhook_ingest.post("carrier-pigeon", created["token"], {"call_id": "x"})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_provider"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"a": NaN}',
        b"\xff\xfe\x00",
        b"",
        b"[" * 100_000,
        b"just words",
    ],
)
async def test_a_malformed_body_is_a_400_naming_the_problem(
    webhook_ingest: IngestHarness, body: bytes
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    response = await webhook_ingest.post(
        "standard", created["token"], body, {"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_body"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timestamp": 1, "data": {"call_id": "c"}}, "type"),
        ({"type": "call.ended", "data": {}}, "data.call_id"),
        ({"type": "call.ended"}, "data"),
        ({"type": "call.ended", "data": {"call_id": "c", "duration_sec": -1}}, "duration_sec"),
        ({"type": "call.ended", "data": {"call_id": "c", "started_at": "yesterday"}}, "started_at"),
        ({"type": "call.exploded", "data": {"call_id": "c"}}, "type"),
        ({"type": "call.ended", "data": {"call_id": ["a"]}}, "data.call_id"),
    ],
)
async def test_a_missing_or_invalid_field_is_a_422_naming_it(
    webhook_ingest: IngestHarness, body: dict[str, Any], field: str
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    response = await webhook_ingest.post("standard", created["token"], body)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


async def test_a_body_over_the_limit_is_a_413(webhook_ingest: IngestHarness) -> None:
    _, created = await webhook_ingest.new_token("standard")
    huge = standard_call(unique_id("call"), transcript="word " * 300_000)
    response = await webhook_ingest.post("standard", created["token"], huge)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


CONVOSO_CALL = {
    "call_id": "",
    "agent_name": "Agent A",
    "disposition": "Success",
    "duration": 120,
    "phone_number": "5551234567",
}


async def test_a_convoso_call_posted_as_curl_does_is_accepted(
    webhook_ingest: IngestHarness, calls: TopicReader
) -> None:
    tenant, created = await webhook_ingest.new_token("convoso-calls")
    call_id = unique_id("convoso")
    body = json.dumps({**CONVOSO_CALL, "call_id": call_id}).encode()

    response = await webhook_ingest.post(
        "convoso-calls",
        created["token"],
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 202
    record = await calls.find(lambda r: r.body.get("call_id") == call_id)
    assert record.body["duration_sec"] == 120
    assert record.body["agent_name"] == "Agent A"
    assert record.key == f"{tenant}:{call_id}".encode()


async def test_a_convoso_call_without_its_required_fields_names_them(
    webhook_ingest: IngestHarness,
) -> None:
    _, created = await webhook_ingest.new_token("convoso-calls")
    response = await webhook_ingest.post(
        "convoso-calls", created["token"], {"call_id": "c", "agent": "A"}
    )
    assert response.status_code == 422
    assert "disposition" in response.json()["detail"]
    assert "duration" in response.json()["detail"]


async def test_a_convoso_lead_goes_to_leads_events(webhook_ingest: IngestHarness) -> None:
    tenant, created = await webhook_ingest.new_token("convoso-leads")
    lead_id = unique_id("lead")
    leads = await webhook_ingest.reader(LEADS_EVENTS.name)
    try:
        response = await webhook_ingest.post(
            "convoso-leads",
            created["token"],
            {"lead_id": lead_id, "first_name": "Ann", "phone": "5550001111"},
        )
        assert response.status_code == 202
        record = await leads.find(lambda r: r.body.get("lead_id") == lead_id)
    finally:
        await leads.close()
    assert record.headers["ce_type"] == "switchboard.lead.v1"
    assert record.headers["ce_tenantid"] == tenant
    assert record.body["phone_number"] == "5550001111"


async def test_a_twilio_status_callback_is_form_encoded(
    webhook_ingest: IngestHarness, calls: TopicReader
) -> None:
    _, created = await webhook_ingest.new_token("twilio")
    call_sid = "CA" + unique_id("x").replace("-", "")
    form = {
        "CallSid": call_sid,
        "CallStatus": "completed",
        "From": "+15550001111",
        "To": "+15559990000",
        "Direction": "inbound",
        "CallDuration": "61",
        "Timestamp": "Sun, 01 Mar 2026 10:00:00 +0000",
    }

    response = await webhook_ingest.post(
        "twilio",
        created["token"],
        urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 202
    record = await calls.find(lambda r: r.body.get("call_id") == call_sid)
    assert record.body["phone_number"] == "+15550001111"
    assert record.body["duration_sec"] == 61


async def test_webhooks_are_accepted_and_published_during_maintenance(
    webhook_ingest: IngestHarness, calls: TopicReader
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    maintenance = webhook_ingest.runtime.maintenance
    before = maintenance.current
    maintenance.current = ControlState(mode=OperatingMode.MAINTENANCE, reason="test")
    try:
        call_id = unique_id("call")
        response = await webhook_ingest.post("standard", created["token"], standard_call(call_id))
    finally:
        maintenance.current = before
    assert response.status_code == 202
    await calls.find(lambda r: r.body.get("call_id") == call_id)


class SilentBus:
    """A broker that never acknowledges."""

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        await asyncio.Event().wait()


class DownBus:
    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        raise KafkaConnectionError("broker unreachable")


@pytest.mark.parametrize("bus", [SilentBus(), DownBus()], ids=["timeout", "unreachable"])
async def test_without_a_broker_acknowledgement_the_answer_is_503_and_the_retry_is_not_a_duplicate(
    webhook_ingest: IngestHarness, calls: TopicReader, bus: object
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    call_id, message_id = unique_id("call"), unique_id("msg")
    body = standard_call(call_id)

    with webhook_ingest.ingest_deps(deliveries=webhook_ingest.batcher(bus, publish_timeout=0.3)):
        refused = await webhook_ingest.post(
            "standard", created["token"], body, {"webhook-id": message_id}
        )
    retried = await webhook_ingest.post(
        "standard", created["token"], body, {"webhook-id": message_id}
    )

    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert retried.status_code == 202
    assert retried.json()["duplicate"] is False
    await calls.find(lambda r: r.body.get("call_id") == call_id)


async def test_a_tenant_over_its_rate_is_told_when_to_retry(webhook_ingest: IngestHarness) -> None:
    _, created = await webhook_ingest.new_token("standard")
    with webhook_ingest.ingest_deps(admission=webhook_ingest.admission(rate=0.5, burst=2)):
        answers = [
            await webhook_ingest.post(
                "standard", created["token"], standard_call(unique_id("call"))
            )
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert answers[2].json()["error"] == "rate_limited"


async def test_the_rate_limit_of_one_tenant_leaves_the_others_alone(
    webhook_ingest: IngestHarness,
) -> None:
    _, noisy = await webhook_ingest.new_token("standard")
    _, quiet = await webhook_ingest.new_token("standard")
    with webhook_ingest.ingest_deps(admission=webhook_ingest.admission(rate=0.5, burst=1)):
        await webhook_ingest.post("standard", noisy["token"], standard_call(unique_id("call")))
        limited = await webhook_ingest.post(
            "standard", noisy["token"], standard_call(unique_id("call"))
        )
        other = await webhook_ingest.post(
            "standard", quiet["token"], standard_call(unique_id("call"))
        )
    assert (limited.status_code, other.status_code) == (429, 202)


async def test_recent_counts_report_accepted_and_duplicate_deliveries(
    webhook_ingest: IngestHarness,
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    token, message_id = created["token"], unique_id("msg")
    body = standard_call(unique_id("call"))
    await webhook_ingest.post("standard", token, body, {"webhook-id": message_id})
    await webhook_ingest.post("standard", token, body, {"webhook-id": message_id})
    await webhook_ingest.post("standard", token, {"type": "call.ended", "data": {}})

    response = await webhook_ingest.client.get(f"/api/webhooks/standard?token={token}")

    assert response.status_code == 200
    counts = response.json()
    assert (counts["accepted"], counts["duplicates"], counts["rejected"]) == (1, 1, 1)
    assert token not in response.text


async def test_recent_counts_need_a_valid_token(webhook_ingest: IngestHarness) -> None:
    response = await webhook_ingest.client.get("/api/webhooks/standard?token=nope")
    assert response.status_code == 401


async def test_the_rate_limit_holds_across_replicas_sharing_the_database(
    webhook_ingest: IngestHarness,
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    replicas = [webhook_ingest.admission(rate=0.01, burst=5) for _ in range(3)]
    token = await webhook_ingest.in_app_directory_resolve(created["token"])

    async def spend() -> int:
        admitted = 0
        for _ in range(4):
            for replica in replicas:
                try:
                    await replica.admit(token, touch=False)
                    admitted += 1
                except RateLimited:
                    pass
        return admitted

    assert webhook_ingest.in_app(spend) == 5


def answered(metrics: str, provider: str, status: int) -> float:
    prefix = f'webhook_requests_total{{provider="{provider}",status_code="{status}"}} '
    lines = [line for line in metrics.splitlines() if line.startswith(prefix)]
    return float(lines[0].removeprefix(prefix)) if lines else 0.0


async def test_metrics_count_the_webhooks_answered_by_provider_and_status(
    webhook_ingest: IngestHarness,
) -> None:
    _, created = await webhook_ingest.new_token("standard")
    before = (await webhook_ingest.client.get("/metrics")).text

    accepted = await webhook_ingest.post(
        "standard", created["token"], standard_call(unique_id("c"))
    )
    refused = await webhook_ingest.post("standard", "not-a-token", standard_call(unique_id("c")))

    after = (await webhook_ingest.client.get("/metrics")).text
    assert (accepted.status_code, refused.status_code) == (202, 401)
    assert answered(after, "standard", 202) == answered(before, "standard", 202) + 1
    assert answered(after, "standard", 401) == answered(before, "standard", 401) + 1
    assert "webhook_request_duration_seconds_bucket" in after
