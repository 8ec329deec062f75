"""Rotating the signing key keeps earlier tokens valid and moves new ones to the new key."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from gateway_harness import bearer, gateway_settings, login, started_client

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner
from switchboard_gateway.rotation import rotate_signing_key

pytestmark = pytest.mark.integration


async def _kids(client: Any) -> set[str]:
    return {key["kid"] for key in (await client.get("/.well-known/jwks.json")).json()["keys"]}


async def test_a_rotated_key_signs_new_tokens_while_old_ones_still_verify(
    infrastructure: Stack, platform_owner: Owner
) -> None:
    before = await started_client(infrastructure, platform_owner)
    try:
        old_token = str(
            (await login(before, platform_owner.email, platform_owner.password))["access_token"]
        )
    finally:
        await before.__aexit__(None, None, None)

    new_kid = await rotate_signing_key(gateway_settings(infrastructure, platform_owner))

    after = await started_client(infrastructure, platform_owner)
    try:
        new_token = str(
            (await login(after, platform_owner.email, platform_owner.password))["access_token"]
        )
        old_still_valid = await after.get("/api/auth/me", headers=bearer(old_token))
        published = await _kids(after)
    finally:
        await after.__aexit__(None, None, None)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    assert old_still_valid.status_code == 200
    assert {old_kid, new_kid} <= published
