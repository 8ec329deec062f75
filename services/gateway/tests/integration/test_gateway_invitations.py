"""Invitations: the e-mail path to an account, usable once, inside the inviter's reach."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_harness import (
    STRONG_PASSWORD,
    bearer,
    bus_events,
    login,
    new_tenant,
    new_user,
)
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id
from switchboard_shared.topics import NOTIFICATIONS

pytestmark = pytest.mark.integration


async def _admin(client: AsyncTestClient[Any], owner: str, tenant: str) -> str:
    _, email = await new_user(client, owner, tenant, "admin")
    return str((await login(client, email))["access_token"])


async def _token_sent_to(infrastructure: Stack, email: str) -> str:
    found = await bus_events(infrastructure, NOTIFICATIONS.name, lambda e: e.get("to") == email, 1)
    assert found, "no invitation e-mail was queued"
    body = str(found[0]["body"])
    return body.split('"token": "', 1)[1].split('"', 1)[0]


async def test_an_invitee_accepts_once_and_signs_in(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack
) -> None:
    tenant = await new_tenant(client, owner)
    admin = await _admin(client, owner, tenant)
    email = f"{unique_id('invitee')}@example.test"
    invited = await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": email, "role": "operator"},
        headers=bearer(admin),
    )
    token = await _token_sent_to(infrastructure, email)
    accepted = await client.post(
        "/api/invitations/accept", json={"token": token, "password": STRONG_PASSWORD}
    )
    again = await client.post(
        "/api/invitations/accept", json={"token": token, "password": STRONG_PASSWORD}
    )
    assert invited.status_code == 201
    assert "token" not in invited.json()
    assert accepted.status_code == 201
    assert (accepted.json()["tenant_id"], accepted.json()["role"]) == (tenant, "operator")
    assert again.status_code == 404
    assert (await login(client, email))["token_type"] == "bearer"


async def test_pending_invitations_are_listed_for_the_tenant(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    admin = await _admin(client, owner, tenant)
    email = f"{unique_id('pending')}@example.test"
    await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": email, "role": "viewer"},
        headers=bearer(admin),
    )
    listed = (await client.get(f"/api/tenants/{tenant}/invitations", headers=bearer(admin))).json()[
        "items"
    ]
    assert [i["email"] for i in listed] == [email]


async def test_an_admin_may_not_invite_an_owner(client: AsyncTestClient[Any], owner: str) -> None:
    tenant = await new_tenant(client, owner)
    admin = await _admin(client, owner, tenant)
    response = await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": f"{unique_id('boss')}@example.test", "role": "owner"},
        headers=bearer(admin),
    )
    assert response.status_code == 403


async def test_inviting_into_another_tenant_reads_as_not_found(
    client: AsyncTestClient[Any], owner: str
) -> None:
    mine, theirs = await new_tenant(client, owner), await new_tenant(client, owner)
    admin = await _admin(client, owner, mine)
    response = await client.post(
        f"/api/tenants/{theirs}/invitations",
        json={"email": f"{unique_id('x')}@example.test", "role": "viewer"},
        headers=bearer(admin),
    )
    assert response.status_code == 404


async def test_an_unknown_token_is_not_found(client: AsyncTestClient[Any]) -> None:
    response = await client.post(
        "/api/invitations/accept", json={"token": "made-up-token", "password": STRONG_PASSWORD}
    )
    assert response.status_code == 404
