"""Users limited to some of their tenant's locations: set by managers, carried in the token."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from gateway_harness import STRONG_PASSWORD, bearer, login, new_tenant
from litestar.testing import AsyncTestClient

from switchboard_deploy.testing import unique_id
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.tokens import JwksKeySource, TokenVerifier

pytestmark = pytest.mark.integration


async def _create(
    client: AsyncTestClient[Any], token: str, tenant: str, role: str, **fields: Any
) -> Any:
    body = {
        "email": f"{unique_id(role)}@example.test",
        "password": STRONG_PASSWORD,
        "role": role,
        **fields,
    }
    return await client.post(f"/api/tenants/{tenant}/users", json=body, headers=bearer(token))


async def _member(
    client: AsyncTestClient[Any], token: str, tenant: str, role: str, **fields: Any
) -> tuple[str, str]:
    response = await _create(client, token, tenant, role, **fields)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["email"]


async def test_a_user_created_with_locations_carries_them_in_the_access_token(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    created = await _create(client, owner, tenant, "operator", locations=["loc-a", "loc-a"])
    assert created.json()["locations"] == ["loc-a"]
    token = (await login(client, created.json()["email"]))["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["locations"] == ["loc-a"]
    me = await client.get("/api/auth/me", headers=bearer(token))
    assert me.json()["locations"] == ["loc-a"]


async def test_the_locations_claim_round_trips_through_the_shared_token_verifier(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await _member(client, owner, tenant, "viewer", locations=["loc-a", "loc-b"])
    token = (await login(client, email))["access_token"]
    keys = JwksKeySource(f"{client.base_url}/.well-known/jwks.json", client=client)
    verifier = TokenVerifier(
        issuer="switchboard",
        audience="switchboard",
        keys=keys,
        shared_secret=None,
        revocations=RevocationList(),
    )
    principal = await verifier.verify(token)
    assert principal.locations == ("loc-a", "loc-b")
    assert principal.tenant_id == tenant


async def test_a_user_without_locations_has_no_claim_and_reaches_every_location(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await _member(client, owner, tenant, "viewer")
    claims = jwt.decode(
        (await login(client, email))["access_token"], options={"verify_signature": False}
    )
    assert "locations" not in claims


@pytest.mark.parametrize(
    "locations",
    [
        [f"loc-{n}" for n in range(501)],
        ["loc-a", 7],
        "loc-a",
        [""],
        ["x" * 201],
    ],
)
async def test_locations_must_be_a_list_of_at_most_500_short_strings(
    client: AsyncTestClient[Any], owner: str, locations: Any
) -> None:
    tenant = await new_tenant(client, owner)
    response = await _create(client, owner, tenant, "viewer", locations=locations)
    assert response.status_code == 400, response.text


async def test_500_locations_are_accepted(client: AsyncTestClient[Any], owner: str) -> None:
    tenant = await new_tenant(client, owner)
    many = [f"loc-{n}" for n in range(500)]
    response = await _create(client, owner, tenant, "viewer", locations=many)
    assert response.status_code == 201, response.text
    assert response.json()["locations"] == many


async def test_a_limited_admin_grants_only_locations_within_their_own(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, admin_email = await _member(client, owner, tenant, "admin", locations=["loc-a"])
    admin = (await login(client, admin_email))["access_token"]
    wider = await _create(client, admin, tenant, "viewer", locations=["loc-a", "loc-b"])
    unlimited = await _create(client, admin, tenant, "viewer")
    within = await _create(client, admin, tenant, "viewer", locations=["loc-a"])
    assert (wider.status_code, unlimited.status_code, within.status_code) == (403, 403, 201)


async def test_an_admin_cannot_widen_their_own_locations(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    admin_id, admin_email = await _member(client, owner, tenant, "admin", locations=["loc-a"])
    admin = (await login(client, admin_email))["access_token"]
    for locations in (["loc-a", "loc-b"], None):
        response = await client.patch(
            f"/api/tenants/{tenant}/users/{admin_id}",
            json={"locations": locations},
            headers=bearer(admin),
        )
        assert response.status_code == 403, response.text
    me = await client.get("/api/auth/me", headers=bearer(admin))
    assert me.json()["locations"] == ["loc-a"]


async def test_an_admin_cannot_set_locations_on_a_user_of_another_tenant(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant, other = await new_tenant(client, owner), await new_tenant(client, owner)
    _, admin_email = await _member(client, owner, tenant, "admin")
    stranger_id, _ = await _member(client, owner, other, "viewer")
    admin = (await login(client, admin_email))["access_token"]
    body = {"locations": ["loc-a"]}
    through_own = await client.patch(
        f"/api/tenants/{tenant}/users/{stranger_id}", json=body, headers=bearer(admin)
    )
    through_other = await client.patch(
        f"/api/tenants/{other}/users/{stranger_id}", json=body, headers=bearer(admin)
    )
    assert (through_own.status_code, through_other.status_code) == (404, 404)


async def test_changing_locations_cuts_the_old_tokens_and_a_new_sign_in_carries_the_new_ones(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    user_id, email = await _member(client, owner, tenant, "viewer", locations=["loc-a"])
    old = (await login(client, email))["access_token"]
    url = f"/api/tenants/{tenant}/users/{user_id}"
    kept = await client.patch(url, json={"disabled": False}, headers=bearer(owner))
    assert kept.json()["locations"] == ["loc-a"]  # left out: unchanged
    changed = await client.patch(url, json={"locations": ["loc-b"]}, headers=bearer(owner))
    assert changed.json()["locations"] == ["loc-b"]
    assert (await client.get("/api/auth/me", headers=bearer(old))).status_code == 401
    fresh = (await login(client, email))["access_token"]
    assert jwt.decode(fresh, options={"verify_signature": False})["locations"] == ["loc-b"]
    lifted = await client.patch(url, json={"locations": None}, headers=bearer(owner))
    assert lifted.json()["locations"] is None


async def test_platform_accounts_take_no_locations(
    client: AsyncTestClient[Any], owner: str
) -> None:
    body = {
        "email": f"{unique_id('sre')}@example.test",
        "password": STRONG_PASSWORD,
        "role": "sre",
        "locations": ["loc-a"],
    }
    response = await client.post("/api/platform/users", json=body, headers=bearer(owner))
    assert response.status_code == 422, response.text
