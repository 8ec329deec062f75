"""Tenants and users: who may create whom, tenant isolation, strict bodies, removal."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_harness import STRONG_PASSWORD, bearer, login, new_tenant, new_user
from litestar.testing import AsyncTestClient

from switchboard_deploy.testing import unique_id

pytestmark = pytest.mark.integration


async def _member(client: AsyncTestClient[Any], owner: str, tenant: str, role: str) -> str:
    _, email = await new_user(client, owner, tenant, role)
    return str((await login(client, email))["access_token"])


def _user_body(role: str, **extra: Any) -> dict[str, Any]:
    return {
        "email": f"{unique_id(role)}@example.test",
        "password": STRONG_PASSWORD,
        "role": role,
        **extra,
    }


async def test_the_super_admin_creates_a_tenant(client: AsyncTestClient[Any], owner: str) -> None:
    name = unique_id("acme")
    response = await client.post("/api/tenants", json={"name": name}, headers=bearer(owner))
    assert response.status_code == 201
    assert response.json()["name"] == name
    assert set(response.json()) == {"id", "name", "created_at", "mfa_required"}
    assert response.json()["mfa_required"] is False


async def test_a_tenant_owner_may_not_create_tenants(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    tenant_owner = await _member(client, owner, tenant, "owner")
    response = await client.post(
        "/api/tenants", json={"name": "nope"}, headers=bearer(tenant_owner)
    )
    assert response.status_code == 403


async def test_a_tenant_user_sees_only_their_own_tenant(
    client: AsyncTestClient[Any], owner: str
) -> None:
    mine, other = await new_tenant(client, owner), await new_tenant(client, owner)
    admin = await _member(client, owner, mine, "admin")
    listed = (await client.get("/api/tenants", headers=bearer(admin))).json()["items"]
    everything = (await client.get("/api/tenants?limit=200", headers=bearer(owner))).json()["items"]
    assert [t["id"] for t in listed] == [mine]
    assert other in {t["id"] for t in everything} or len(everything) == 200


async def test_an_admin_creates_an_operator_but_not_an_owner(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    admin = await _member(client, owner, tenant, "admin")
    operator = await client.post(
        f"/api/tenants/{tenant}/users", json=_user_body("operator"), headers=bearer(admin)
    )
    above = await client.post(
        f"/api/tenants/{tenant}/users", json=_user_body("owner"), headers=bearer(admin)
    )
    platform = await client.post(
        f"/api/tenants/{tenant}/users", json=_user_body("sre"), headers=bearer(admin)
    )
    assert operator.status_code == 201
    assert operator.json()["tenant_id"] == tenant
    assert above.status_code == 403
    assert platform.status_code == 403


async def test_a_viewer_may_not_create_users(client: AsyncTestClient[Any], owner: str) -> None:
    tenant = await new_tenant(client, owner)
    viewer = await _member(client, owner, tenant, "viewer")
    response = await client.post(
        f"/api/tenants/{tenant}/users", json=_user_body("viewer"), headers=bearer(viewer)
    )
    assert response.status_code == 403


async def test_another_tenants_users_read_as_not_found(
    client: AsyncTestClient[Any], owner: str
) -> None:
    mine, theirs = await new_tenant(client, owner), await new_tenant(client, owner)
    admin = await _member(client, owner, mine, "admin")
    their_user, _ = await new_user(client, owner, theirs, "viewer")
    listing = await client.get(f"/api/tenants/{theirs}/users", headers=bearer(admin))
    creating = await client.post(
        f"/api/tenants/{theirs}/users", json=_user_body("viewer"), headers=bearer(admin)
    )
    patching = await client.patch(
        f"/api/tenants/{mine}/users/{their_user}", json={"disabled": True}, headers=bearer(admin)
    )
    assert (listing.status_code, creating.status_code, patching.status_code) == (404, 404, 404)


async def test_an_unknown_tenant_reads_as_not_found(
    client: AsyncTestClient[Any], owner: str
) -> None:
    response = await client.get(f"/api/tenants/{unique_id('missing')}/users", headers=bearer(owner))
    assert response.status_code == 404


async def test_a_tenant_id_in_the_body_is_refused_not_assigned(
    client: AsyncTestClient[Any], owner: str
) -> None:
    mine, theirs = await new_tenant(client, owner), await new_tenant(client, owner)
    admin = await _member(client, owner, mine, "admin")
    body = _user_body("viewer", tenant_id=theirs)
    response = await client.post(f"/api/tenants/{mine}/users", json=body, headers=bearer(admin))
    their_users = (await client.get(f"/api/tenants/{theirs}/users", headers=bearer(owner))).json()[
        "items"
    ]
    assert response.status_code in (400, 422)
    assert response.json()["error"] in ("bad_request", "validation_failed")
    assert body["email"] not in {u["email"] for u in their_users}


async def test_a_duplicate_email_is_a_conflict(client: AsyncTestClient[Any], owner: str) -> None:
    tenant = await new_tenant(client, owner)
    body = _user_body("viewer")
    first = await client.post(f"/api/tenants/{tenant}/users", json=body, headers=bearer(owner))
    again = await client.post(
        f"/api/tenants/{tenant}/users",
        json={**body, "email": body["email"].upper()},
        headers=bearer(owner),
    )
    assert first.status_code == 201
    assert again.status_code == 409


async def test_removing_a_user_refuses_their_token_at_once(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    user_id, email = await new_user(client, owner, tenant, "operator")
    token = str((await login(client, email))["access_token"])
    removed = await client.delete(f"/api/tenants/{tenant}/users/{user_id}", headers=bearer(owner))
    me = await client.get("/api/auth/me", headers=bearer(token))
    again = await client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert removed.status_code == 204
    assert me.status_code == 401
    assert again.status_code == 401


async def test_an_admin_may_not_promote_anyone_to_owner(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    admin = await _member(client, owner, tenant, "admin")
    user_id, _ = await new_user(client, owner, tenant, "viewer")
    promote = await client.patch(
        f"/api/tenants/{tenant}/users/{user_id}", json={"role": "owner"}, headers=bearer(admin)
    )
    operator = await client.patch(
        f"/api/tenants/{tenant}/users/{user_id}", json={"role": "operator"}, headers=bearer(admin)
    )
    assert promote.status_code == 403
    assert operator.status_code == 200
    assert operator.json()["role"] == "operator"


async def test_users_are_listed_in_pages(client: AsyncTestClient[Any], owner: str) -> None:
    tenant = await new_tenant(client, owner)
    created = {(await new_user(client, owner, tenant, "viewer"))[0] for _ in range(3)}
    first = (await client.get(f"/api/tenants/{tenant}/users?limit=2", headers=bearer(owner))).json()
    cursor = first["next_cursor"]
    second = (
        await client.get(
            f"/api/tenants/{tenant}/users?limit=2&cursor={cursor}", headers=bearer(owner)
        )
    ).json()
    seen = [u["id"] for u in first["items"] + second["items"]]
    assert sorted(seen) == sorted(created)
    assert second["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "201", "many"])
async def test_a_page_size_outside_1_to_200_is_a_bad_request(
    client: AsyncTestClient[Any], owner: str, limit: str
) -> None:
    tenant = await new_tenant(client, owner)
    for path in ("/api/tenants", f"/api/tenants/{tenant}/users", "/api/platform/users"):
        response = await client.get(path, params={"limit": limit}, headers=bearer(owner))
        assert response.status_code == 400, path
        assert response.json()["error"] == "bad_request", path
        assert "limit" in response.json()["detail"], path
