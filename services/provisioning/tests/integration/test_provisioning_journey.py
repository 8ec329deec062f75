"""Onboarding and provisioning in-process together against the real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import TEST_JWT_SECRET, bearer, mint_token, unique_id
from switchboard_onboarding.app import build_app as build_onboarding
from switchboard_onboarding.checks import submission_problems
from switchboard_onboarding.example import example_form
from switchboard_onboarding.form_rules import TenantRules
from switchboard_onboarding.forms import OnboardingForm
from switchboard_onboarding.settings import OnboardingSettings
from switchboard_provisioning.app import build_app as build_provisioning
from switchboard_provisioning.builder import build_payload
from switchboard_provisioning.settings import ProvisioningSettings

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Any]
DEADLINE_SECONDS = 30.0

FORM = example_form()
"""A form that passes onboarding's checks before submission."""


async def until(probe: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Polls until the probe returns something truthy, or fails after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        result = await probe()
        if result:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def ready(client: Client) -> None:
    async def probe() -> bool:
        return (await client.get("/ready")).status_code == 200

    await until(probe, "readiness")


@pytest.fixture(scope="module")
async def apps(infrastructure: Stack) -> AsyncIterator[tuple[Client, Client]]:
    common: dict[str, Any] = {
        "database_url": infrastructure.database_url,
        "kafka_bootstrap_servers": infrastructure.bootstrap_servers,
        "kafka_enable_idempotence": False,
        "jwt_secret": TEST_JWT_SECRET,
    }
    onboarding_app = build_onboarding(OnboardingSettings(**common))
    provisioning_app = build_provisioning(ProvisioningSettings(**common))
    async with (
        AsyncTestClient(onboarding_app) as onboarding,
        AsyncTestClient(provisioning_app) as provisioning,
    ):
        await ready(onboarding)
        await ready(provisioning)
        yield onboarding, provisioning


def owner(tenant: str) -> dict[str, str]:
    return bearer(mint_token(role="owner", tenant_id=tenant))


def lead() -> dict[str, str]:
    return bearer(mint_token(role="implementation_lead", tenant_id=None))


async def approved(onboarding: Client, tenant: str, form: dict[str, Any]) -> str:
    created = await onboarding.post(
        "/api/locations", json={"name": "Acme - Main Office"}, headers=owner(tenant)
    )
    location_id = str(created.json()["location_id"])
    edited = await onboarding.patch(
        f"/api/onboarding/{location_id}", json=form, headers=owner(tenant)
    )
    assert edited.status_code == 200, edited.text
    submitted = await onboarding.post(
        f"/api/onboarding/{location_id}/submit", headers=owner(tenant)
    )
    assert submitted.json()["status"] == "PENDING_APPROVAL"
    decided = await onboarding.post(
        f"/api/approvals/{location_id}", json={"decision": "approve"}, headers=lead()
    )
    assert decided.json()["status"] == "APPROVED"
    return location_id


async def status_becomes(onboarding: Client, location_id: str, status: str) -> None:
    async def probe() -> bool:
        view = await onboarding.get(f"/api/onboarding/{location_id}", headers=lead())
        return bool(view.json()["status"] == status)

    await until(probe, f"status {status}")


async def payload_of(provisioning: Client, location_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        response = await provisioning.get(f"/api/provisioning/{location_id}", headers=lead())
        return dict(response.json()) if response.status_code == 200 else None

    result: dict[str, Any] = await until(probe, "the provisioning payload")
    return result


async def test_an_approval_produces_a_payload_and_moves_the_location_to_provisioning(
    apps: tuple[Client, Client],
) -> None:
    onboarding, provisioning = apps
    tenant = unique_id("tenant")

    location_id = await approved(onboarding, tenant, FORM)
    payload = await payload_of(provisioning, location_id)
    await status_becomes(onboarding, location_id, "PROVISIONING")

    assert (payload["locationId"], payload["accountId"], payload["version"]) == (
        location_id,
        tenant,
        "2.0.0",
    )
    assert payload["accountName"] == "Acme Medical Group"
    assert payload["location"]["address"]["line2"] == "Suite 100"
    assert payload["contacts"]["primary"]["email"] == "alice@example.com"
    assert [d["macAddress"] for d in payload["devices"]] == [
        "00:15:5D:01:01:01",
        "00:15:5D:01:01:02",
    ]
    assert [(u["id"], u["deviceIds"]) for u in payload["users"]] == [
        ("alice", ["phone-1"]),
        ("bob", ["phone-2"]),
        ("carol", []),
    ]
    assert [e["number"] for e in payload["extensions"]] == ["1001", "1002", "1003"]
    assert payload["phoneSystem"]["sipDomain"] == "acme.sip.example.com"
    assert [o["target"]["extensions"] for o in payload["callFlow"]["options"]] == [
        ["1002", "1003"],
        ["1001"],
        ["1003"],
    ]


async def audit_entry(bootstrap: str, action: str, resource: str) -> dict[str, Any]:
    consumer = AIOKafkaConsumer(
        "audit.events.v1", bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:

        async def probe() -> dict[str, Any] | None:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    event = json.loads(record.value or b"{}")
                    if event.get("action") == action and event.get("resource") == resource:
                        return dict(event)
            return None

        found: dict[str, Any] = await until(probe, f"audit entry {action}")
        return found
    finally:
        await consumer.stop()


async def test_every_generation_is_audited(
    apps: tuple[Client, Client], infrastructure: Stack
) -> None:
    onboarding, provisioning = apps
    tenant = unique_id("tenant")
    location_id = await approved(onboarding, tenant, FORM)
    payload = await payload_of(provisioning, location_id)

    entry = await audit_entry(
        infrastructure.bootstrap_servers, "provisioning.generated", f"location:{location_id}"
    )

    assert (entry["tenant_id"], entry["result"]) == (tenant, "success")
    assert entry["params"]["version"] == f"2.0.0+{payload['metadata']['revision']}"


async def test_reporting_completion_moves_the_location_to_completed(
    apps: tuple[Client, Client],
) -> None:
    onboarding, provisioning = apps
    location_id = await approved(onboarding, unique_id("tenant"), FORM)
    await payload_of(provisioning, location_id)
    await status_becomes(onboarding, location_id, "PROVISIONING")

    response = await provisioning.post(f"/api/provisioning/{location_id}/complete", headers=lead())
    await status_becomes(onboarding, location_id, "COMPLETED")

    assert response.status_code == 200


async def test_an_override_that_breaks_the_form_fails_generation_and_blocks_the_location(
    apps: tuple[Client, Client],
) -> None:
    onboarding, provisioning = apps
    location_id = await approved(onboarding, unique_id("tenant"), FORM)
    await status_becomes(onboarding, location_id, "PROVISIONING")
    broken = {"type": "direct", "destination": {"kind": "extension", "ref": "4242"}}

    overridden = await onboarding.post(
        f"/api/onboarding/{location_id}/override",
        json={"reason": "route straight to the new desk", "fields": {"call_flow": broken}},
        headers=lead(),
    )
    await onboarding.post(
        "/api/bulk/provisioning", json={"location_ids": [location_id]}, headers=lead()
    )
    await status_becomes(onboarding, location_id, "BLOCKED")
    response = await provisioning.get(f"/api/provisioning/{location_id}", headers=lead())

    assert overridden.status_code == 200, overridden.text
    assert response.status_code == 409
    assert "4242" in response.json()["detail"]


async def finished_job(onboarding: Client, job_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        job = (await onboarding.get(f"/api/bulk/jobs/{job_id}", headers=lead())).json()
        return dict(job) if job["status"] == "finished" else None

    result: dict[str, Any] = await until(probe, "the bulk job to finish")
    return result


async def test_a_bulk_provisioning_job_reports_the_outcome_of_each_item(
    apps: tuple[Client, Client],
) -> None:
    onboarding, provisioning = apps
    tenant = unique_id("tenant")
    ready_location = await approved(onboarding, tenant, FORM)
    first = await payload_of(provisioning, ready_location)
    broken_location = await approved(onboarding, unique_id("tenant"), FORM)
    await payload_of(provisioning, broken_location)
    await onboarding.post(
        f"/api/onboarding/{broken_location}/override",
        json={"reason": "new desk", "fields": {"call_flow": {"type": "direct"}}},
        headers=lead(),
    )
    created = await onboarding.post("/api/locations", json={"name": "Annex"}, headers=owner(tenant))
    unapproved = created.json()["location_id"]

    started = await onboarding.post(
        "/api/bulk/provisioning",
        json={"location_ids": [ready_location, broken_location, unapproved]},
        headers=lead(),
    )
    job = await finished_job(onboarding, started.json()["job_id"])
    again = await payload_of(provisioning, ready_location)

    assert started.status_code == 202
    assert [(i["location_id"], i["state"], i.get("error")) for i in job["items"]] == [
        (ready_location, "generated", None),
        (broken_location, "failed", None),
        (unapproved, "refused", "not_approved"),
    ]
    assert "destination" in job["items"][1]["detail"]
    assert again == first


async def test_regenerating_after_an_override_gives_a_new_revision_and_only_then(
    apps: tuple[Client, Client],
) -> None:
    onboarding, provisioning = apps
    location_id = await approved(onboarding, unique_id("tenant"), FORM)
    first = await payload_of(provisioning, location_id)
    await onboarding.post(
        f"/api/onboarding/{location_id}/override",
        json={"reason": "front desk moved", "fields": {"notes": "desk on floor 2"}},
        headers=lead(),
    )

    started = await onboarding.post(
        "/api/bulk/provisioning", json={"location_ids": [location_id]}, headers=lead()
    )
    await finished_job(onboarding, started.json()["job_id"])
    second = await payload_of(provisioning, location_id)

    assert second["notes"] == "desk on floor 2"
    assert second["metadata"]["revision"] != first["metadata"]["revision"]
    assert second["metadata"]["sourceEventId"] != first["metadata"]["sourceEventId"]


async def test_a_payload_of_another_tenant_reads_as_not_found(apps: tuple[Client, Client]) -> None:
    onboarding, provisioning = apps
    location_id = await approved(onboarding, unique_id("tenant"), FORM)
    await payload_of(provisioning, location_id)

    scoped = await provisioning.get(
        f"/api/provisioning/{location_id}",
        params={"tenant_id": unique_id("tenant")},
        headers=lead(),
    )

    assert scoped.status_code == 404


async def test_customers_may_not_read_provisioning_payloads(apps: tuple[Client, Client]) -> None:
    onboarding, provisioning = apps
    tenant = unique_id("tenant")
    location_id = await approved(onboarding, tenant, FORM)

    response = await provisioning.get(f"/api/provisioning/{location_id}", headers=owner(tenant))

    assert response.status_code == 403


async def test_the_schema_endpoint_serves_the_generated_json_schema(
    apps: tuple[Client, Client],
) -> None:
    _, provisioning = apps

    schema = (await provisioning.get("/api/provisioning/schema", headers=lead())).json()

    assert schema["title"] == "ProvisioningPayload"
    assert {"locationId", "accountId", "devices", "callFlow", "workingHours"} <= set(
        schema["required"]
    )


async def test_a_served_payload_keeps_the_seed_field_order(apps: tuple[Client, Client]) -> None:
    onboarding, provisioning = apps
    location_id = await approved(onboarding, unique_id("tenant"), FORM)

    payload = await payload_of(provisioning, location_id)

    assert list(payload)[:6] == [
        "locationId",
        "locationName",
        "accountId",
        "accountName",
        "timestamp",
        "version",
    ]


def _variants() -> list[dict[str, Any]]:
    direct = example_form()
    direct["call_flow"] = {"type": "direct", "destination": {"kind": "user", "ref": "carol"}}
    trunk = example_form()
    trunk["phone_system"] = {"provider": "Trunkline", "trunk": "trunk-1"}
    sparse = example_form()
    del sparse["notes"], sparse["working_hours"]["holidays"], sparse["address"]["line2"]
    one_user = example_form()
    one_user["users"] = one_user["users"][:1]
    one_user["devices"] = one_user["devices"][:1]
    one_user["call_flow"] = {
        "type": "ivr",
        "options": [{"digit": "1", "target": {"kind": "extension", "ref": "1001"}}],
    }
    return [example_form(), direct, trunk, sparse, one_user]


@pytest.mark.parametrize("form", _variants())
def test_what_passes_onboarding_submission_also_passes_provisioning(form: dict[str, Any]) -> None:
    rules = TenantRules(extension_min=100, extension_max=9999)
    canonical = OnboardingForm.model_validate(form).model_dump(mode="json", exclude_none=True)

    assert submission_problems(canonical, rules) == []
    build_payload(
        {"location_name": "Main", "form": canonical},
        location_id="loc-1",
        account_id="tenant-1",
        at=datetime.now(UTC),
        source_event_id="evt-1",
        approved_by="lead-1",
    )
