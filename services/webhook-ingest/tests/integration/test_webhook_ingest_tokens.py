"""Webhook tokens: shown once, stored hashed, listed without secrets, revoked on every replica."""

from __future__ import annotations

import hashlib
import time
import uuid
from functools import partial

import pytest
from webhook_ingest_harness import PUBLIC_BASE_URL, IngestHarness, admin_headers

from switchboard_deploy.testing import eventually, unique_id
from switchboard_shared.envelope import event_key
from switchboard_shared.events import Revocation
from switchboard_shared.topics import AUTH_REVOCATIONS

pytestmark = pytest.mark.integration

CALL = {"type": "call.started", "timestamp": "2026-03-01T10:00:00Z", "data": {"call_id": "c-1"}}


async def post_standard(harness: IngestHarness, token: str, call_id: str) -> int:
    body = {**CALL, "data": {"call_id": call_id}}
    response = await harness.client.post(f"/api/webhooks/standard?token={token}", json=body)
    return response.status_code


async def test_a_new_token_is_shown_once_with_its_webhook_url_and_stored_only_as_a_hash(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("convoso-calls")

    token = created["token"]
    assert created["provider"] == "convoso-calls"
    assert created["webhook_url"] == f"{PUBLIC_BASE_URL}/api/webhooks/convoso-calls?token={token}"
    assert len(token) >= 43
    rows = await webhook_ingest.rows("SELECT * FROM webhook_tokens WHERE id = %s", created["id"])
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).digest()
    assert token not in repr(rows)
    listed = await webhook_ingest.client.get(
        f"/api/tenants/{tenant}/webhook-tokens", headers=admin_headers(tenant)
    )
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == created["id"]
    assert item["active"] is True
    assert "token" not in item
    assert token not in listed.text


async def test_listing_shows_only_the_callers_tenant(webhook_ingest: IngestHarness) -> None:
    mine, _ = await webhook_ingest.new_token("bland")
    theirs, _ = await webhook_ingest.new_token("bland")

    listed = await webhook_ingest.client.get(
        f"/api/tenants/{mine}/webhook-tokens", headers=admin_headers(mine)
    )
    foreign = await webhook_ingest.client.get(
        f"/api/tenants/{theirs}/webhook-tokens", headers=admin_headers(mine)
    )

    assert len(listed.json()["items"]) == 1
    assert foreign.status_code == 404
    assert foreign.json()["error"] == "not_found"


@pytest.mark.parametrize("role", ["operator", "viewer"])
async def test_roles_below_admin_may_not_manage_tokens(
    webhook_ingest: IngestHarness, role: str
) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.post(
        f"/api/tenants/{tenant}/webhook-tokens",
        json={"provider": "vapi"},
        headers=admin_headers(tenant, role=role),
    )
    assert response.status_code == 403


async def test_tokens_need_a_bearer_token(webhook_ingest: IngestHarness) -> None:
    response = await webhook_ingest.client.get("/api/tenants/anyone/webhook-tokens")
    assert response.status_code == 401
    assert response.json()["error"] in ("unauthorized", "missing_token")


async def test_a_super_admin_manages_the_tokens_of_any_tenant(
    webhook_ingest: IngestHarness,
) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.post(
        f"/api/tenants/{tenant}/webhook-tokens",
        json={"provider": "retell"},
        headers=admin_headers(None, role="super_admin"),
    )
    assert response.status_code == 201
    rows = await webhook_ingest.rows(
        "SELECT tenant_id FROM webhook_tokens WHERE id = %s", response.json()["id"]
    )
    assert rows == [{"tenant_id": tenant}]


@pytest.mark.parametrize("body", [{"provider": "telepathy"}, {}, {"provider": 7}])
async def test_a_token_for_no_known_provider_is_refused_naming_the_field(
    webhook_ingest: IngestHarness, body: dict[str, object]
) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.post(
        f"/api/tenants/{tenant}/webhook-tokens", json=body, headers=admin_headers(tenant)
    )
    assert response.status_code == 422
    assert "provider" in response.json()["detail"]


async def test_a_deleted_token_is_refused_and_its_revocation_is_on_the_bus(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    assert await post_standard(webhook_ingest, created["token"], unique_id("call")) == 202
    revocations = await webhook_ingest.reader(AUTH_REVOCATIONS.name)
    try:
        response = await webhook_ingest.client.delete(
            f"/api/tenants/{tenant}/webhook-tokens/{created['id']}", headers=admin_headers(tenant)
        )
        assert response.status_code == 204
        record = await revocations.find(lambda r: r.body.get("subject_id") == created["id"])
    finally:
        await revocations.close()

    assert record.body["kind"] == "webhook_token"
    assert await post_standard(webhook_ingest, created["token"], unique_id("call")) == 401
    listed = await webhook_ingest.client.get(
        f"/api/tenants/{tenant}/webhook-tokens", headers=admin_headers(tenant)
    )
    assert listed.json()["items"][0]["active"] is False


async def test_a_revocation_from_another_replica_stops_a_cached_token_within_a_second(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    assert await post_standard(webhook_ingest, created["token"], unique_id("call")) == 202
    revocation = Revocation(kind="webhook_token", subject_id=created["id"])
    publish = partial(
        webhook_ingest.runtime.bus.publish,
        AUTH_REVOCATIONS,
        revocation,
        key=event_key(tenant, created["id"]),
        tenant_id=tenant,
    )
    webhook_ingest.in_app(publish)
    published = time.monotonic()

    async def refused() -> bool:
        return await post_standard(webhook_ingest, created["token"], unique_id("call")) == 401

    await eventually(refused, within=1.0)
    assert time.monotonic() - published < 1.0


async def test_using_a_token_records_when_it_was_last_used(webhook_ingest: IngestHarness) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    assert await post_standard(webhook_ingest, created["token"], unique_id("call")) == 202
    listed = await webhook_ingest.client.get(
        f"/api/tenants/{tenant}/webhook-tokens", headers=admin_headers(tenant)
    )
    assert listed.json()["items"][0]["last_used_at"] is not None


@pytest.mark.parametrize("token_id", [str(uuid.uuid4()), "not-a-uuid", "%00"])
async def test_deleting_an_unknown_token_is_not_found(
    webhook_ingest: IngestHarness, token_id: str
) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.delete(
        f"/api/tenants/{tenant}/webhook-tokens/{token_id}", headers=admin_headers(tenant)
    )
    assert response.status_code == 404


async def test_another_tenants_token_cannot_be_deleted(webhook_ingest: IngestHarness) -> None:
    _, theirs = await webhook_ingest.new_token("twilio")
    mine = unique_id("tenant")
    response = await webhook_ingest.client.delete(
        f"/api/tenants/{mine}/webhook-tokens/{theirs['id']}", headers=admin_headers(mine)
    )
    assert response.status_code == 404
    rows = await webhook_ingest.rows(
        "SELECT active FROM webhook_tokens WHERE id = %s", theirs["id"]
    )
    assert rows == [{"active": True}]


async def test_a_tenant_id_with_odd_characters_is_not_found(webhook_ingest: IngestHarness) -> None:
    response = await webhook_ingest.client.post(
        "/api/tenants/bad%00tenant/webhook-tokens",
        json={"provider": "vapi"},
        headers=admin_headers(None, role="super_admin"),
    )
    assert response.status_code == 404
