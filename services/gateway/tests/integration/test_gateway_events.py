"""What the gateway announces on the bus: audit events and revocations."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from gateway_harness import bearer, bus_events, login, new_tenant, new_user
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_shared.topics import AUDIT_EVENTS, AUTH_REVOCATIONS

pytestmark = pytest.mark.integration


async def test_sign_in_failure_and_success_are_audited_with_a_masked_email(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack
) -> None:
    tenant = await new_tenant(client, owner)
    user_id, email = await new_user(client, owner, tenant, "viewer")
    await client.post("/api/auth/login", json={"email": email, "password": "wrong-password"})
    await login(client, email)
    events = await bus_events(
        infrastructure,
        AUDIT_EVENTS.name,
        lambda e: e.get("action") == "auth.login" and e.get("actor_id") == user_id,
        2,
    )
    assert sorted(e["result"] for e in events) == ["failure", "success"]
    assert all(e["tenant_id"] == tenant for e in events)
    assert all(email not in json.dumps(e) and "***@" in e["actor_email"] for e in events)


async def test_user_creation_and_role_change_are_audited_with_their_actor(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack
) -> None:
    tenant = await new_tenant(client, owner)
    user_id, _ = await new_user(client, owner, tenant, "viewer")
    await client.patch(
        f"/api/tenants/{tenant}/users/{user_id}", json={"role": "operator"}, headers=bearer(owner)
    )
    owner_id = jwt.decode(owner, options={"verify_signature": False})["sub"]
    events = await bus_events(
        infrastructure, AUDIT_EVENTS.name, lambda e: e.get("resource") == f"user:{user_id}", 2
    )
    assert {e["action"] for e in events} == {"user.created", "user.role_changed"}
    assert all(e["actor_id"] == owner_id and e["actor_role"] == "super_admin" for e in events)


async def test_logout_announces_the_sessions_revocation(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    token = str((await login(client, email))["access_token"])
    sid = jwt.decode(token, options={"verify_signature": False})["sid"]
    await client.post("/api/auth/logout", headers=bearer(token))
    found = await bus_events(
        infrastructure, AUTH_REVOCATIONS.name, lambda e: e.get("subject_id") == sid, 1
    )
    assert [e["kind"] for e in found] == ["session"]
