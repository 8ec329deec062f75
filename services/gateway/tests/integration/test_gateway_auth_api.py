"""Sign-in, refresh rotation, reuse detection, logout and sessions against real infrastructure."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from gateway_harness import STRONG_PASSWORD, bearer, login, new_tenant, new_user
from litestar.testing import AsyncTestClient

from switchboard_deploy.testing import Owner

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def owner_tokens(client: AsyncTestClient[Any], platform_owner: Owner) -> dict[str, Any]:
    return await login(client, platform_owner.email, platform_owner.password)


async def test_login_issues_an_eddsa_access_token_whose_key_is_published(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any]
) -> None:
    header = jwt.get_unverified_header(owner_tokens["access_token"])
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "at+jwt"
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}
    assert all(
        key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["use"] == "sig"
        for key in jwks["keys"]
    )
    assert owner_tokens["token_type"] == "bearer"
    assert owner_tokens["expires_in"] == 24 * 3600


async def test_me_describes_the_platform_owner(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any], platform_owner: Owner
) -> None:
    me = await client.get("/api/auth/me", headers=bearer(owner_tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == platform_owner.email
    assert me.json()["role"] == "super_admin"
    assert me.json()["tenant_id"] is None


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: AsyncTestClient[Any], platform_owner: Owner
) -> None:
    wrong = await client.post(
        "/api/auth/login", json={"email": platform_owner.email, "password": "nope-nope-nope"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": "nobody-here@example.test", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any], platform_owner: Owner
) -> None:
    tenant = await new_tenant(client, owner_tokens["access_token"])
    _, email = await new_user(client, owner_tokens["access_token"], tenant, "viewer")
    first = await login(client, email)
    second = (
        await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        await client.get("/api/auth/me", headers=bearer(second["access_token"]))
    ).status_code == 200

    reused = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    after_reuse = await client.post(
        "/api/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    me = await client.get("/api/auth/me", headers=bearer(second["access_token"]))
    assert reused.status_code == 401
    assert after_reuse.status_code == 401
    assert me.status_code == 401


async def test_a_token_is_refused_after_logout(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any]
) -> None:
    tenant = await new_tenant(client, owner_tokens["access_token"])
    _, email = await new_user(client, owner_tokens["access_token"], tenant, "operator")
    tokens = await login(client, email)
    out = await client.post("/api/auth/logout", headers=bearer(tokens["access_token"]))
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert out.status_code == 204
    assert me.status_code == 401
    assert refresh.status_code == 401


async def test_sessions_are_listed_and_one_can_be_revoked(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any]
) -> None:
    tenant = await new_tenant(client, owner_tokens["access_token"])
    _, email = await new_user(client, owner_tokens["access_token"], tenant, "admin")
    here = await login(client, email)
    there = await login(client, email)
    listed = (await client.get("/api/auth/sessions", headers=bearer(here["access_token"]))).json()[
        "items"
    ]
    there_sid = jwt.decode(there["access_token"], options={"verify_signature": False})["sid"]
    assert len(listed) == 2
    gone = await client.delete(
        f"/api/auth/sessions/{there_sid}", headers=bearer(here["access_token"])
    )
    assert gone.status_code == 204
    assert (
        await client.get("/api/auth/me", headers=bearer(there["access_token"]))
    ).status_code == 401
    assert (
        await client.get("/api/auth/me", headers=bearer(here["access_token"]))
    ).status_code == 200


async def test_someone_elses_session_reads_as_not_found(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any]
) -> None:
    tenant = await new_tenant(client, owner_tokens["access_token"])
    _, email = await new_user(client, owner_tokens["access_token"], tenant, "viewer")
    theirs = await login(client, email)
    their_sid = jwt.decode(theirs["access_token"], options={"verify_signature": False})["sid"]
    response = await client.delete(
        f"/api/auth/sessions/{their_sid}", headers=bearer(owner_tokens["access_token"])
    )
    assert response.status_code == 404
    assert (
        await client.get("/api/auth/me", headers=bearer(theirs["access_token"]))
    ).status_code == 200


async def test_a_bad_json_body_is_a_400_json_error(client: AsyncTestClient[Any]) -> None:
    response = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


async def test_a_password_shorter_than_the_minimum_is_refused(
    client: AsyncTestClient[Any], owner_tokens: dict[str, Any]
) -> None:
    tenant = await new_tenant(client, owner_tokens["access_token"])
    response = await client.post(
        f"/api/tenants/{tenant}/users",
        json={"email": "short-pw@example.test", "password": "short", "role": "viewer"},
        headers=bearer(owner_tokens["access_token"]),
    )
    assert response.status_code == 422
    assert STRONG_PASSWORD not in response.text
