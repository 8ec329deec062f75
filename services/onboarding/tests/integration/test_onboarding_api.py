"""The onboarding service in-process against the real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import TEST_JWT_SECRET, bearer, mint_token, unique_id
from switchboard_onboarding.app import build_app
from switchboard_onboarding.example import example_form
from switchboard_onboarding.settings import OnboardingSettings
from switchboard_shared.db import role_dsn
from switchboard_shared.events import ControlState, OperatingMode

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Any]

COMPLETE_FORM = example_form()


async def wait_ready(client: Client, deadline_seconds: float = 60.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if (await client.get("/ready")).status_code == 200:
            return
        await asyncio.sleep(0.2)
    raise AssertionError("onboarding never became ready")


@pytest.fixture(scope="module")
async def client(infrastructure: Stack) -> AsyncIterator[Client]:
    settings = OnboardingSettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=False,
        jwt_secret=TEST_JWT_SECRET,
    )
    async with AsyncTestClient(build_app(settings)) as test_client:
        await wait_ready(test_client)
        yield test_client


def customer(tenant: str, role: str = "owner", **extra: Any) -> dict[str, str]:
    return bearer(mint_token(role=role, tenant_id=tenant, extra=extra or None))


def lead() -> dict[str, str]:
    return bearer(mint_token(role="implementation_lead", tenant_id=None))


async def new_location(client: Client, tenant: str) -> str:
    response = await client.post(
        "/api/locations", json={"name": "Main Office"}, headers=customer(tenant)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["location_id"])


async def approved_location(client: Client, tenant: str) -> str:
    location_id = await new_location(client, tenant)
    await client.patch(
        f"/api/onboarding/{location_id}", json=COMPLETE_FORM, headers=customer(tenant)
    )
    submitted = await client.post(f"/api/onboarding/{location_id}/submit", headers=customer(tenant))
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(
        f"/api/approvals/{location_id}", json={"decision": "approve"}, headers=lead()
    )
    assert approved.json()["status"] == "APPROVED"
    return location_id


async def find_audit(
    bootstrap: str, predicate: Any, deadline_seconds: float = 20.0
) -> dict[str, Any]:
    consumer = AIOKafkaConsumer(
        "audit.events.v1", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    event = json.loads(record.value or b"{}")
                    if predicate(event):
                        return dict(event)
        raise AssertionError("no matching audit event arrived")
    finally:
        await consumer.stop()


async def test_a_customer_creates_edits_and_reads_back_field_history(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)

    edited = await client.patch(
        f"/api/onboarding/{location_id}", json={"account_name": "Acme"}, headers=customer(tenant)
    )
    await client.patch(
        f"/api/onboarding/{location_id}",
        json={"account_name": "Acme Medical"},
        headers=customer(tenant),
    )
    view = (await client.get(f"/api/onboarding/{location_id}", headers=customer(tenant))).json()

    assert edited.json()["status"] == "IN_PROGRESS"
    assert view["data"] == {"account_name": "Acme Medical"}
    assert [(h["old"], h["new"]) for h in view["history"]] == [
        (None, "Acme"),
        ("Acme", "Acme Medical"),
    ]


async def test_submit_lists_every_missing_section_by_field(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await client.patch(
        f"/api/onboarding/{location_id}", json={"account_name": "A"}, headers=customer(tenant)
    )

    response = await client.post(f"/api/onboarding/{location_id}/submit", headers=customer(tenant))

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert {e["path"] for e in body["errors"]} == {
        "address",
        "contacts",
        "phone_system",
        "users",
        "devices",
        "working_hours",
        "call_flow",
    }
    assert {e["code"] for e in body["errors"]} == {"required"}


async def test_submit_lists_every_broken_rule_at_once_and_changes_nothing(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    form = example_form()
    form["devices"][1]["mac_address"] = form["devices"][0]["mac_address"]
    form["users"][1]["extension"] = "1001"
    form["call_flow"]["options"][0]["target"]["ref"] = "nobody"
    await client.patch(f"/api/onboarding/{location_id}", json=form, headers=customer(tenant))

    response = await client.post(f"/api/onboarding/{location_id}/submit", headers=customer(tenant))
    view = await client.get(f"/api/onboarding/{location_id}", headers=customer(tenant))

    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("devices[1].mac_address", "duplicate_mac"),
        ("users[1].extension", "duplicate_extension"),
        ("call_flow.options[0].target.ref", "unknown_target"),
    ]
    assert all(e["message"] for e in response.json()["errors"])
    assert view.json()["status"] == "IN_PROGRESS"


async def test_validate_runs_the_submission_checks_without_submitting(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    form = example_form()
    form["working_hours"]["days"][0] = {"day": "mon", "open": "18:00", "close": "09:00"}
    await client.patch(f"/api/onboarding/{location_id}", json=form, headers=customer(tenant))

    broken = await client.post(f"/api/onboarding/{location_id}/validate", headers=customer(tenant))
    await client.patch(
        f"/api/onboarding/{location_id}",
        json={"working_hours": example_form()["working_hours"]},
        headers=customer(tenant),
    )
    fixed = await client.post(f"/api/onboarding/{location_id}/validate", headers=customer(tenant))

    assert broken.status_code == 200
    assert (broken.json()["valid"], broken.json()["errors"][0]["path"]) == (
        False,
        "working_hours.days[0].close",
    )
    assert (fixed.json()["valid"], fixed.json()["errors"], fixed.json()["status"]) == (
        True,
        [],
        "IN_PROGRESS",
    )


async def test_a_mac_address_submitted_by_another_location_of_the_tenant_is_refused(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    first, second = await new_location(client, tenant), await new_location(client, tenant)
    other_tenant = unique_id("tenant")
    elsewhere = await new_location(client, other_tenant)
    for location_id, owner in ((first, tenant), (second, tenant), (elsewhere, other_tenant)):
        await client.patch(
            f"/api/onboarding/{location_id}", json=COMPLETE_FORM, headers=customer(owner)
        )

    accepted = await client.post(f"/api/onboarding/{first}/submit", headers=customer(tenant))
    refused = await client.post(f"/api/onboarding/{second}/submit", headers=customer(tenant))
    other = await client.post(f"/api/onboarding/{elsewhere}/submit", headers=customer(other_tenant))

    assert accepted.status_code == 200, accepted.text
    assert refused.status_code == 422
    assert {(e["path"], e["code"]) for e in refused.json()["errors"]} == {
        ("devices[0].mac_address", "mac_in_use"),
        ("devices[1].mac_address", "mac_in_use"),
    }
    assert other.status_code == 200, other.text


async def test_field_history_names_the_device_and_attribute_that_changed(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await client.patch(
        f"/api/onboarding/{location_id}", json=COMPLETE_FORM, headers=customer(tenant)
    )
    devices = example_form()["devices"]
    devices[1]["mac_address"] = "00:15:5D:01:01:0A"

    await client.patch(
        f"/api/onboarding/{location_id}", json={"devices": devices}, headers=customer(tenant)
    )
    view = (await client.get(f"/api/onboarding/{location_id}", headers=customer(tenant))).json()

    last = view["history"][-1]
    assert (last["field"], last["old"], last["new"]) == (
        "devices[id=phone-2].mac_address",
        "00:15:5D:01:01:02",
        "00:15:5D:01:01:0A",
    )


async def test_an_invalid_field_value_is_refused_with_its_path(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    bad = {"devices": [{**COMPLETE_FORM["devices"][0], "mac_address": "nope"}]}

    response = await client.patch(
        f"/api/onboarding/{location_id}", json=bad, headers=customer(tenant)
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "path": "devices[0].mac_address",
            "code": "invalid_mac",
            "message": "a MAC address is six hex pairs, e.g. 00:15:5D:01:01:01",
        }
    ]


async def test_an_approved_location_is_locked_against_ordinary_edits(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await approved_location(client, tenant)

    by_customer = await client.patch(
        f"/api/onboarding/{location_id}", json={"account_name": "X"}, headers=customer(tenant)
    )
    by_lead = await client.patch(
        f"/api/onboarding/{location_id}", json={"account_name": "X"}, headers=lead()
    )

    assert (by_customer.status_code, by_customer.json()["error"]) == (409, "locked")
    assert (by_lead.status_code, by_lead.json()["error"]) == (409, "locked")


async def test_an_override_with_a_reason_edits_a_locked_record_and_is_audited(
    client: Client, infrastructure: Stack
) -> None:
    tenant = unique_id("tenant")
    location_id = await approved_location(client, tenant)
    reason = f"customer called to fix the suite {unique_id('r')}"

    response = await client.post(
        f"/api/onboarding/{location_id}/override",
        json={"reason": reason, "fields": {"account_name": "Acme Corrected"}},
        headers=lead(),
    )
    view = (await client.get(f"/api/onboarding/{location_id}", headers=lead())).json()
    audit = await find_audit(
        infrastructure.bootstrap_servers,
        lambda e: (
            e.get("action") == "onboarding.override"
            and e.get("resource") == f"location:{location_id}"
        ),
    )

    assert response.status_code == 200, response.text
    assert view["data"]["account_name"] == "Acme Corrected"
    assert view["history"][-1]["override_reason"] == reason
    assert audit["reason"] == reason
    assert audit["tenant_id"] == tenant


async def test_an_override_without_a_reason_is_refused(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await approved_location(client, tenant)

    response = await client.post(
        f"/api/onboarding/{location_id}/override",
        json={"fields": {"account_name": "X"}},
        headers=lead(),
    )

    assert response.status_code == 400


async def test_a_customer_may_not_override_or_approve(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)

    override = await client.post(
        f"/api/onboarding/{location_id}/override",
        json={"reason": "r", "fields": {}},
        headers=customer(tenant),
    )
    approve = await client.post(
        f"/api/approvals/{location_id}", json={"decision": "approve"}, headers=customer(tenant)
    )

    assert (override.status_code, approve.status_code) == (403, 403)


async def test_another_tenants_location_reads_as_not_found(client: Client) -> None:
    location_id = await new_location(client, unique_id("tenant"))
    stranger = customer(unique_id("tenant"))

    read = await client.get(f"/api/onboarding/{location_id}", headers=stranger)
    edit = await client.patch(
        f"/api/onboarding/{location_id}", json={"account_name": "X"}, headers=stranger
    )

    assert (read.status_code, edit.status_code) == (404, 404)


async def test_a_token_limited_to_some_locations_sees_only_those(client: Client) -> None:
    tenant = unique_id("tenant")
    allowed, hidden = await new_location(client, tenant), await new_location(client, tenant)
    limited = customer(tenant, role="operator", locations=[allowed])

    listed = (await client.get("/api/locations", headers=limited)).json()["items"]
    hidden_read = await client.get(f"/api/onboarding/{hidden}", headers=limited)

    assert [item["location_id"] for item in listed] == [allowed]
    assert hidden_read.status_code == 404


async def test_location_lists_page_with_an_opaque_cursor(client: Client) -> None:
    tenant = unique_id("tenant")
    created = [await new_location(client, tenant) for _ in range(3)]

    first = (await client.get("/api/locations?limit=2", headers=customer(tenant))).json()
    second = (
        await client.get(
            f"/api/locations?limit=2&cursor={first['next_cursor']}", headers=customer(tenant)
        )
    ).json()

    seen = [item["location_id"] for item in first["items"] + second["items"]]
    assert seen == created
    assert second["next_cursor"] is None


async def test_a_platform_role_must_name_the_tenant_of_a_new_location(client: Client) -> None:
    tenant = unique_id("tenant")

    without = await client.post("/api/locations", json={"name": "HQ"}, headers=lead())
    named = await client.post(
        "/api/locations", json={"name": "HQ", "tenant_id": tenant}, headers=lead()
    )
    foreign = await client.post(
        "/api/locations", json={"name": "HQ", "tenant_id": unique_id("t")}, headers=customer(tenant)
    )

    assert without.status_code == 422
    assert (named.status_code, named.json()["tenant_id"]) == (201, tenant)
    assert foreign.status_code == 404


async def test_bulk_approvals_report_each_item_on_its_own(client: Client) -> None:
    tenant = unique_id("tenant")
    pending = await new_location(client, tenant)
    await client.patch(f"/api/onboarding/{pending}", json=COMPLETE_FORM, headers=customer(tenant))
    await client.post(f"/api/onboarding/{pending}/submit", headers=customer(tenant))
    not_submitted = await new_location(client, tenant)
    items = [
        {"location_id": pending, "decision": "approve"},
        {"location_id": not_submitted, "decision": "approve"},
        {"location_id": "loc-does-not-exist", "decision": "reject"},
    ]

    response = await client.post("/api/bulk/approvals", json={"items": items}, headers=lead())

    body = response.json()
    assert response.status_code == 200
    assert [(r["ok"], r.get("error")) for r in body["results"]] == [
        (True, None),
        (False, "invalid_transition"),
        (False, "not_found"),
    ]
    assert body["summary"] == {"total": 3, "succeeded": 1, "failed": 2}


async def test_bulk_status_changes_each_location_on_its_own_with_its_reason(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    working, cancelled = await new_location(client, tenant), await new_location(client, tenant)
    await move(client, cancelled, customer(tenant), "CANCELLED", None)
    body = {
        "location_ids": [working, cancelled, "loc-missing"],
        "status": "BLOCKED",
        "reason": "security review",
    }

    response = await client.post("/api/bulk/status", json=body, headers=lead())
    without_reason = await client.post(
        "/api/bulk/status",
        json={"location_ids": [working], "status": "CANCELLED"},
        headers=lead(),
    )

    results = response.json()["results"]
    assert response.status_code == 200
    assert (results[0]["ok"], results[0]["status"]) == (True, "BLOCKED")
    assert (results[1]["ok"], results[1]["error"], results[1]["current"]) == (
        False,
        "invalid_transition",
        "CANCELLED",
    )
    assert (results[2]["ok"], results[2]["error"]) == (False, "not_found")
    assert response.json()["summary"] == {"total": 3, "succeeded": 1, "failed": 2}
    assert without_reason.json()["results"][0]["status"] == "CANCELLED"


async def test_a_bulk_retry_with_the_same_idempotency_key_gets_the_first_answer(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    key = {"Idempotency-Key": unique_id("key"), **lead()}
    body = {"location_ids": [location_id], "status": "BLOCKED", "reason": "fraud check"}

    first = await client.post("/api/bulk/status", json=body, headers=key)
    retry = await client.post("/api/bulk/status", json=body, headers=key)
    fresh = await client.post("/api/bulk/status", json=body, headers=lead())
    other_body = await client.post(
        "/api/bulk/status", json={**body, "reason": "another reason"}, headers=key
    )

    assert first.json()["results"][0]["ok"] is True
    assert (retry.status_code, retry.json()) == (200, first.json())
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert fresh.json()["results"][0]["error"] == "invalid_transition"
    assert (other_body.status_code, other_body.json()["error"]) == (422, "idempotency_key_reused")


async def test_bulk_requests_above_the_limit_are_refused_before_anything_is_done(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    key = {"Idempotency-Key": unique_id("key"), **lead()}
    ids = [location_id] + [f"loc-{i}" for i in range(100)]

    too_many = await client.post(
        "/api/bulk/status", json={"location_ids": ids, "status": "CANCELLED"}, headers=key
    )
    view = await client.get(f"/api/onboarding/{location_id}", headers=lead())
    provisioning = await client.post(
        "/api/bulk/provisioning", json={"location_ids": ids[:51]}, headers=lead()
    )
    within = await client.post(
        "/api/bulk/status", json={"location_ids": ids[:1], "status": "CANCELLED"}, headers=key
    )

    assert (too_many.status_code, too_many.json()["error"]) == (413, "bulk_too_large")
    assert view.json()["status"] == "NOT_STARTED"
    assert provisioning.status_code == 413
    assert within.json()["results"][0]["status"] == "CANCELLED"


async def test_bulk_provisioning_answers_a_job_that_names_each_refused_item(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    draft = await new_location(client, tenant)

    started = await client.post(
        "/api/bulk/provisioning", json={"location_ids": [draft, "loc-missing"]}, headers=lead()
    )
    job = await client.get(f"/api/bulk/jobs/{started.json()['job_id']}", headers=lead())
    unknown = await client.get("/api/bulk/jobs/job-unknown", headers=lead())

    assert started.status_code == 202
    assert job.json()["status"] == "finished"
    assert [(i["state"], i["error"]) for i in job.json()["items"]] == [
        ("refused", "not_approved"),
        ("refused", "not_found"),
    ]
    assert job.json()["summary"]["refused"] == 2
    assert unknown.status_code == 404


async def test_bulk_operations_are_for_implementation_leads(client: Client) -> None:
    response = await client.post(
        "/api/bulk/status",
        json={"location_ids": ["x"], "status": "CANCELLED"},
        headers=customer(unique_id("t")),
    )

    assert response.status_code == 403


async def test_writes_answer_503_with_retry_after_during_maintenance(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    maintenance = client.app.state.maintenance
    before = maintenance.current
    maintenance.current = ControlState(mode=OperatingMode.MAINTENANCE, reason="upgrade")
    try:
        write = await client.patch(
            f"/api/onboarding/{location_id}", json={"account_name": "X"}, headers=customer(tenant)
        )
        read = await client.get(f"/api/onboarding/{location_id}", headers=customer(tenant))
    finally:
        maintenance.current = before

    assert (write.status_code, write.json()["error"]) == (503, "maintenance")
    assert int(write.headers["retry-after"]) > 0
    assert read.status_code == 200


async def test_row_level_security_hides_other_tenants_rows_from_the_service_role(
    client: Client, infrastructure: Stack
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    dsn = role_dsn(infrastructure.database_url, "sb_onboarding", None)

    async def visible_to(scope: str) -> int:
        async with await psycopg.AsyncConnection.connect(dsn) as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
            cursor = await conn.execute(
                "SELECT count(*) FROM onboarding.locations WHERE id = %s", (location_id,)
            )
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    assert await visible_to(tenant) == 1
    assert await visible_to(unique_id("tenant")) == 0
    assert await visible_to("*") == 1


async def find_event(
    bootstrap: str, topic: str, predicate: Any, deadline_seconds: float = 20.0
) -> dict[str, Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    event = json.loads(record.value or b"{}")
                    if predicate(event):
                        return dict(event)
        raise AssertionError(f"no matching event arrived on {topic}")
    finally:
        await consumer.stop()


async def move(
    client: Client, location_id: str, headers: dict[str, str], status: str, reason: str | None
) -> Any:
    body: dict[str, Any] = {"status": status}
    if reason:
        body["reason"] = reason
    return await client.post(f"/api/onboarding/{location_id}/status", json=body, headers=headers)


async def test_a_customer_cancels_their_own_location_before_approval_but_not_after(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    draft = await new_location(client, tenant)
    approved = await approved_location(client, tenant)

    cancelled = await move(client, draft, customer(tenant), "CANCELLED", "opened by mistake")
    refused = await move(client, approved, customer(tenant), "CANCELLED", None)

    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "CANCELLED")
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")


async def test_an_illegal_transition_is_a_409_naming_the_current_and_legal_next_states(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await move(client, location_id, customer(tenant), "CANCELLED", None)

    approve = await client.post(
        f"/api/approvals/{location_id}", json={"decision": "approve"}, headers=lead()
    )
    submit = await client.post(f"/api/onboarding/{location_id}/submit", headers=customer(tenant))
    complete = await move(client, location_id, lead(), "COMPLETED", None)

    assert approve.status_code == 409
    assert approve.json() == {
        "error": "invalid_transition",
        "detail": "cannot go from CANCELLED to APPROVED; allowed next: none",
        "current": "CANCELLED",
        "requested": "APPROVED",
        "allowed": [],
    }
    assert (submit.status_code, submit.json()["current"]) == (409, "CANCELLED")
    assert (complete.status_code, complete.json()["allowed"]) == (409, ["IN_PROGRESS"])


async def test_a_lead_blocks_with_a_reason_and_unblocking_returns_to_the_blocked_state(
    client: Client, infrastructure: Stack
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await client.patch(
        f"/api/onboarding/{location_id}", json=COMPLETE_FORM, headers=customer(tenant)
    )
    await client.post(f"/api/onboarding/{location_id}/submit", headers=customer(tenant))
    reason = f"billing account on hold {unique_id('r')}"

    without_reason = await move(client, location_id, lead(), "BLOCKED", None)
    by_customer = await move(client, location_id, customer(tenant), "BLOCKED", reason)
    blocked = await move(client, location_id, lead(), "BLOCKED", reason)
    view = (await client.get(f"/api/onboarding/{location_id}", headers=lead())).json()
    unblocked = await move(client, location_id, lead(), "PENDING_APPROVAL", None)
    audit = await find_audit(
        infrastructure.bootstrap_servers,
        lambda e: e.get("action") == "onboarding.blocked" and e.get("reason") == reason,
    )
    event = await find_event(
        infrastructure.bootstrap_servers,
        "onboarding.events.v1",
        lambda e: (
            e.get("location_id") == location_id
            and (e.get("previous_status"), e.get("status")) == ("BLOCKED", "PENDING_APPROVAL")
        ),
    )

    assert (without_reason.status_code, without_reason.json()["error"]) == (422, "reason_required")
    assert by_customer.status_code == 403
    assert blocked.json()["status"] == "BLOCKED"
    assert (view["blocked_from"], view["allowed_next"]) == (
        "PENDING_APPROVAL",
        ["CANCELLED", "IN_PROGRESS", "PENDING_APPROVAL"],
    )
    assert (unblocked.json()["status"], unblocked.json()["blocked_from"]) == (
        "PENDING_APPROVAL",
        None,
    )
    assert audit["params"] == {"from": "PENDING_APPROVAL", "to": "BLOCKED"}
    assert event["actor_id"]


async def test_a_lead_reopens_a_cancelled_location_for_the_customer(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await move(client, location_id, customer(tenant), "CANCELLED", None)

    by_customer = await move(client, location_id, customer(tenant), "IN_PROGRESS", None)
    reopened = await move(client, location_id, lead(), "IN_PROGRESS", "customer changed mind")

    assert by_customer.status_code == 403
    assert reopened.json()["status"] == "IN_PROGRESS"


async def test_the_status_route_does_not_approve_or_submit(client: Client) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)

    response = await move(client, location_id, lead(), "PENDING_APPROVAL", None)

    assert (response.status_code, response.json()["allowed"]) == (
        409,
        ["BLOCKED", "CANCELLED"],
    )


async def metric(client: Client, name: str, **labels: str) -> float:
    text = (await client.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_submissions_approvals_overrides_and_bulk_runs_are_measured(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    before = {
        "invalid": await metric(client, "onboarding_submissions_total", outcome="invalid"),
        "accepted": await metric(client, "onboarding_submissions_total", outcome="accepted"),
        "approvals": await metric(client, "onboarding_approval_seconds_count", decision="approve"),
        "overrides": await metric(client, "onboarding_overrides_total"),
        "bulk": await metric(
            client, "onboarding_bulk_items_total", operation="status", outcome="failed"
        ),
    }
    empty = await new_location(client, tenant)
    await client.post(f"/api/onboarding/{empty}/submit", headers=customer(tenant))
    location_id = await approved_location(client, tenant)
    await client.post(
        f"/api/onboarding/{location_id}/override",
        json={"reason": "typo", "fields": {"notes": "corrected"}},
        headers=lead(),
    )
    await client.post(
        "/api/bulk/status",
        json={"location_ids": ["loc-missing"], "status": "CANCELLED"},
        headers=lead(),
    )

    assert (
        await metric(client, "onboarding_submissions_total", outcome="invalid")
        == before["invalid"] + 1
    )
    assert (
        await metric(client, "onboarding_submissions_total", outcome="accepted")
        == before["accepted"] + 1
    )
    assert (
        await metric(client, "onboarding_approval_seconds_count", decision="approve")
        == before["approvals"] + 1
    )
    assert await metric(client, "onboarding_overrides_total") == before["overrides"] + 1
    assert (
        await metric(client, "onboarding_bulk_items_total", operation="status", outcome="failed")
        == before["bulk"] + 1
    )


async def test_a_tenants_extension_range_is_what_submission_checks_against(
    client: Client,
) -> None:
    tenant = unique_id("tenant")
    location_id = await new_location(client, tenant)
    await client.patch(
        f"/api/onboarding/{location_id}", json=COMPLETE_FORM, headers=customer(tenant)
    )
    default = await client.get("/api/locations/extension-range", headers=customer(tenant))

    updated = await client.put(
        "/api/locations/extension-range",
        json={"extension_min": 200, "extension_max": 299},
        headers=customer(tenant),
    )
    problems = await client.post(
        f"/api/onboarding/{location_id}/validate", headers=customer(tenant)
    )
    backwards = await client.put(
        "/api/locations/extension-range",
        json={"extension_min": 300, "extension_max": 200},
        headers=customer(tenant),
    )
    unnamed = await client.put(
        "/api/locations/extension-range",
        json={"extension_min": 1, "extension_max": 9},
        headers=lead(),
    )
    foreign = await client.put(
        "/api/locations/extension-range",
        json={"tenant_id": unique_id("t"), "extension_min": 1, "extension_max": 9},
        headers=customer(tenant),
    )

    assert (default.json()["configured"], default.json()["extension_max"]) == (False, 9999)
    assert updated.json() == {
        "tenant_id": tenant,
        "extension_min": 200,
        "extension_max": 299,
        "configured": True,
    }
    assert {(e["path"], e["code"]) for e in problems.json()["errors"]} == {
        (f"users[{i}].extension", "extension_out_of_range") for i in range(3)
    }
    assert backwards.status_code == 400
    assert (unnamed.status_code, unnamed.json()["error"]) == (422, "tenant_required")
    assert foreign.status_code == 404
