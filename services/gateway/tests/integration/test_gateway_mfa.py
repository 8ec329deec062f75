"""A TOTP second factor: enrolment, sign-in with a code, recovery codes, tenant requirement."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from gateway_harness import (
    STRONG_PASSWORD,
    bearer,
    bus_events,
    login,
    new_tenant,
    new_user,
    started_client,
)
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id
from switchboard_gateway.totp import totp
from switchboard_shared.topics import AUDIT_EVENTS

pytestmark = pytest.mark.integration


def _secret(enrolment: dict[str, Any]) -> bytes:
    text = enrolment["secret"]
    return base64.b32decode(text + "=" * (-len(text) % 8))


def code(secret: bytes, steps_ahead: int = 0) -> str:
    return totp(secret, time.time() + 30 * steps_ahead)


async def _sign_in(client: AsyncTestClient[Any], email: str) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": STRONG_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _verify(client: AsyncTestClient[Any], mfa_token: str, typed: str) -> Any:
    return await client.post("/api/auth/mfa/verify", json={"mfa_token": mfa_token, "code": typed})


async def _enrolled_user(
    client: AsyncTestClient[Any], owner: str
) -> tuple[str, bytes, list[str], str]:
    """A viewer with a confirmed authenticator: e-mail, secret, recovery codes, tenant."""
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    token = (await login(client, email))["access_token"]
    enrolment = await client.post("/api/auth/mfa/enrol", json={}, headers=bearer(token))
    assert enrolment.status_code == 201, enrolment.text
    secret = _secret(enrolment.json())
    confirmed = await client.post(
        "/api/auth/mfa/confirm", json={"code": code(secret)}, headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.text
    return email, secret, confirmed.json()["recovery_codes"], tenant


async def test_enrolment_answers_the_secret_once_as_base32_and_an_otpauth_uri(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "operator")
    token = (await login(client, email))["access_token"]
    response = await client.post("/api/auth/mfa/enrol", headers=bearer(token))  # no body
    assert response.status_code == 201, response.text
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    assert len(_secret(body)) == 20
    assert body["otpauth_uri"].startswith("otpauth://totp/Switchboard:")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    me = (await client.get("/api/auth/me", headers=bearer(token))).json()
    assert body["secret"] not in str(me)
    assert me["mfa_enabled"] is False  # pending until a code confirms it


async def test_after_enrolment_sign_in_needs_a_code_and_the_right_code_gives_tokens(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, secret, recovery, _ = await _enrolled_user(client, owner)
    first = await _sign_in(client, email)
    assert first["mfa_required"] is True
    assert "access_token" not in first
    assert "refresh_token" not in first
    verified = await _verify(client, first["mfa_token"], code(secret, 1))
    assert verified.status_code == 200, verified.text
    tokens = verified.json()
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["mfa_enabled"] is True
    assert len(set(recovery)) == 10
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200


async def test_a_wrong_code_and_an_unknown_token_get_the_same_401(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, secret, _, _ = await _enrolled_user(client, owner)
    challenge = await _sign_in(client, email)
    wrong_digit = str((int(code(secret, 1)[0]) + 1) % 10) + code(secret, 1)[1:]
    wrong = await _verify(client, challenge["mfa_token"], wrong_digit)
    unknown = await _verify(client, "not-a-token", code(secret, 1))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == "invalid_mfa_code"


async def test_a_code_already_used_is_refused(client: AsyncTestClient[Any], owner: str) -> None:
    email, secret, _, _ = await _enrolled_user(client, owner)
    typed = code(secret, 1)
    assert (await _verify(client, (await _sign_in(client, email))["mfa_token"], typed)).is_success
    again = await _verify(client, (await _sign_in(client, email))["mfa_token"], typed)
    assert again.status_code == 401


async def test_an_mfa_token_works_once(client: AsyncTestClient[Any], owner: str) -> None:
    email, secret, recovery, _ = await _enrolled_user(client, owner)
    mfa_token = (await _sign_in(client, email))["mfa_token"]
    assert (await _verify(client, mfa_token, code(secret, 1))).status_code == 200
    assert (await _verify(client, mfa_token, recovery[0])).status_code == 401


async def test_a_recovery_code_signs_in_once(client: AsyncTestClient[Any], owner: str) -> None:
    email, _, recovery, _ = await _enrolled_user(client, owner)
    typed = recovery[3].upper()  # case and dashes do not matter
    used = await _verify(client, (await _sign_in(client, email))["mfa_token"], typed)
    again = await _verify(client, (await _sign_in(client, email))["mfa_token"], recovery[3])
    other = await _verify(client, (await _sign_in(client, email))["mfa_token"], recovery[4])
    assert (used.status_code, again.status_code, other.status_code) == (200, 401, 200)


async def test_wrong_codes_count_toward_the_account_sign_in_limit(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, _, _, _ = await _enrolled_user(client, owner)
    answers = []
    for _ in range(5):  # LOGIN_LIMIT_PER_ACCOUNT defaults to 5
        challenge = await _sign_in(client, email)
        answers.append((await _verify(client, challenge["mfa_token"], "000000")).status_code)
    locked = await client.post(
        "/api/auth/login", json={"email": email, "password": STRONG_PASSWORD}
    )
    assert answers == [401] * 5
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


async def test_an_mfa_token_is_refused_as_a_bearer_token_on_every_route(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, _, _, tenant = await _enrolled_user(client, owner)
    mfa_token = (await _sign_in(client, email))["mfa_token"]
    document = (await client.get("/schema/openapi.json")).json()
    public = {"/api/auth/login", "/api/auth/refresh", "/api/auth/mfa/verify"}
    public |= {"/api/invitations/accept", "/api/auth/mfa/confirm"}
    answers = {}
    for path, operations in document["paths"].items():
        if not path.startswith("/api/") or path in public:
            continue
        concrete = (
            path.replace("{tenant_id}", tenant).replace("{user_id}", "u").replace("{sid}", "s")
        )
        for method in operations:
            response = await client.request(
                method.upper(), concrete, json={}, headers=bearer(mfa_token)
            )
            answers[f"{method} {path}"] = response.status_code
    assert len(answers) >= 15
    assert set(answers.values()) == {401}, answers


async def test_confirming_with_an_mfa_token_as_bearer_is_refused(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, secret, _, _ = await _enrolled_user(client, owner)
    mfa_token = (await _sign_in(client, email))["mfa_token"]
    response = await client.post(
        "/api/auth/mfa/confirm", json={"code": code(secret, 1)}, headers=bearer(mfa_token)
    )
    assert response.status_code == 401


async def test_disabling_needs_a_current_code_and_then_sign_in_gives_tokens_again(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, secret, recovery, _ = await _enrolled_user(client, owner)
    challenge = await _sign_in(client, email)
    token = (await _verify(client, challenge["mfa_token"], code(secret, 1))).json()["access_token"]
    wrong = await client.request(
        "DELETE", "/api/auth/mfa", json={"code": "123456"}, headers=bearer(token)
    )
    unknown_field = await client.request(
        "DELETE", "/api/auth/mfa", json={"code": recovery[0], "x": 1}, headers=bearer(token)
    )
    right = await client.request(
        "DELETE", "/api/auth/mfa", json={"code": recovery[0]}, headers=bearer(token)
    )
    assert (wrong.status_code, unknown_field.status_code, right.status_code) == (401, 400, 204)
    assert "access_token" in await _sign_in(client, email)


async def test_enrolling_twice_is_a_conflict(client: AsyncTestClient[Any], owner: str) -> None:
    email, secret, _, _ = await _enrolled_user(client, owner)
    challenge = await _sign_in(client, email)
    token = (await _verify(client, challenge["mfa_token"], code(secret, 1))).json()["access_token"]
    again = await client.post("/api/auth/mfa/enrol", json={}, headers=bearer(token))
    assert again.status_code == 409


async def test_a_tenant_requiring_mfa_makes_members_enrol_before_they_get_tokens(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, admin_email = await new_user(client, owner, tenant, "admin")
    _, email = await new_user(client, owner, tenant, "viewer")
    admin = (await login(client, admin_email))["access_token"]
    required = await client.patch(
        f"/api/tenants/{tenant}", json={"mfa_required": True}, headers=bearer(admin)
    )
    assert required.status_code == 200, required.text
    assert required.json()["mfa_required"] is True
    challenge = await _sign_in(client, email)
    assert challenge["mfa_enrolment_required"] is True
    assert "access_token" not in challenge
    enrol_token = challenge["mfa_token"]
    assert (await _verify(client, enrol_token, "123456")).status_code == 401
    enrolment = await client.post("/api/auth/mfa/enrol", json={"mfa_token": enrol_token})
    assert enrolment.status_code == 201, enrolment.text
    secret = _secret(enrolment.json())
    confirmed = await client.post(
        "/api/auth/mfa/confirm", json={"mfa_token": enrol_token, "code": code(secret)}
    )
    assert confirmed.status_code == 200, confirmed.text
    me = await client.get("/api/auth/me", headers=bearer(confirmed.json()["access_token"]))
    assert me.json()["mfa_enabled"] is True
    assert len(confirmed.json()["recovery_codes"]) == 10
    assert (await _sign_in(client, email))["mfa_required"] is True


async def test_an_enrolment_token_cannot_confirm_twice(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    await client.patch(f"/api/tenants/{tenant}", json={"mfa_required": True}, headers=bearer(owner))
    enrol_token = (await _sign_in(client, email))["mfa_token"]
    secret = _secret(
        (await client.post("/api/auth/mfa/enrol", json={"mfa_token": enrol_token})).json()
    )
    body = {"mfa_token": enrol_token, "code": code(secret)}
    first = await client.post("/api/auth/mfa/confirm", json=body)
    second = await client.post("/api/auth/mfa/confirm", json={**body, "code": code(secret, 1)})
    assert (first.status_code, second.status_code) == (200, 401)


async def test_only_managers_of_that_tenant_may_require_mfa(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant, other = await new_tenant(client, owner), await new_tenant(client, owner)
    _, viewer_email = await new_user(client, owner, tenant, "viewer")
    _, stranger_email = await new_user(client, owner, other, "owner")
    viewer = (await login(client, viewer_email))["access_token"]
    stranger = (await login(client, stranger_email))["access_token"]
    body = {"mfa_required": True}
    by_viewer = await client.patch(f"/api/tenants/{tenant}", json=body, headers=bearer(viewer))
    by_stranger = await client.patch(f"/api/tenants/{tenant}", json=body, headers=bearer(stranger))
    extra = await client.patch(
        f"/api/tenants/{tenant}", json={**body, "name": "x"}, headers=bearer(owner)
    )
    assert (by_viewer.status_code, by_stranger.status_code, extra.status_code) == (403, 404, 400)


async def test_an_admin_resets_a_members_second_factor(
    client: AsyncTestClient[Any], owner: str
) -> None:
    email, _, _, tenant = await _enrolled_user(client, owner)
    users = (await client.get(f"/api/tenants/{tenant}/users", headers=bearer(owner))).json()[
        "items"
    ]
    member = next(user for user in users if user["email"] == email)
    assert member["mfa_enabled"] is True
    reset = await client.delete(
        f"/api/tenants/{tenant}/users/{member['id']}/mfa", headers=bearer(owner)
    )
    again = await client.delete(
        f"/api/tenants/{tenant}/users/{member['id']}/mfa", headers=bearer(owner)
    )
    assert (reset.status_code, again.status_code) == (204, 404)
    assert "access_token" in await _sign_in(client, email)


async def test_enrolment_a_failed_code_and_disabling_are_audited_without_the_secret(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack
) -> None:
    email, secret, recovery, tenant = await _enrolled_user(client, owner)
    challenge = await _sign_in(client, email)
    await _verify(client, challenge["mfa_token"], "000000")
    token = (await _verify(client, challenge["mfa_token"], recovery[0])).json()["access_token"]
    await client.request(
        "DELETE", "/api/auth/mfa", json={"code": recovery[1]}, headers=bearer(token)
    )
    user_id = (await client.get("/api/auth/me", headers=bearer(token))).json()["id"]
    wanted = {"auth.mfa_enrolled", "auth.mfa_verify_failed", "auth.mfa_disabled"}
    events = await bus_events(
        infrastructure,
        AUDIT_EVENTS.name,
        lambda e: e.get("resource") == f"user:{user_id}" and e.get("action") in wanted,
        3,
    )
    assert {e["action"] for e in events} == wanted
    assert all(e["tenant_id"] == tenant for e in events)
    text = json.dumps(events)
    assert base64.b32encode(secret).decode().rstrip("=") not in text
    assert recovery[1] not in text


async def test_a_platform_setting_makes_platform_accounts_enrol_before_they_get_tokens(
    client: AsyncTestClient[Any], owner: str, infrastructure: Stack, platform_owner: Owner
) -> None:
    email = f"{unique_id('sre')}@example.test"
    body = {"email": email, "password": STRONG_PASSWORD, "role": "sre"}
    created = await client.post("/api/platform/users", json=body, headers=bearer(owner))
    assert created.status_code == 201, created.text
    strict = await started_client(
        infrastructure, platform_owner, mfa_required_for_platform_roles=True
    )
    try:
        answer = await _sign_in(strict, email)
    finally:
        await strict.__aexit__(None, None, None)
    assert answer["mfa_enrolment_required"] is True
    assert "access_token" not in answer
    assert "access_token" in await _sign_in(client, email)  # the setting's default: not required
