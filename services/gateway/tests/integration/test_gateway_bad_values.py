"""Values PostgreSQL cannot store (found by the schema-driven run) are a 400, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_harness import bearer, login
from litestar.testing import AsyncTestClient

from switchboard_deploy.testing import Owner

pytestmark = pytest.mark.integration


async def test_a_sign_in_with_a_nul_character_in_the_e_mail_is_a_bad_request(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "a\x00@example.test", "password": "x" * 12}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@pytest.mark.parametrize(
    "path",
    [
        "/api/tenants/a%00b/users",
        "/api/tenants/a%00b/invitations",
        "/api/tenants/a%00b/providers/x",  # forwarded, after the gateway's own tenant check
    ],
)
async def test_a_nul_character_in_a_path_is_a_bad_request_not_a_server_error(
    client: AsyncTestClient[Any], platform_owner: Owner, path: str
) -> None:
    token = (await login(client, platform_owner.email, platform_owner.password))["access_token"]
    response = await client.get(
        path.replace("/api/calls?x=1", "/api/tenants/a%00b/providers/x"), headers=bearer(token)
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_request"
