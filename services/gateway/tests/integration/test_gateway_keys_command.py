"""`switchboard keys rotate`: the operator command behind key rotation, run as a process."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import jwt
import pytest
from gateway_harness import bearer, bus_events, login, started_client

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner
from switchboard_shared.topics import AUDIT_EVENTS

pytestmark = pytest.mark.integration


async def _switchboard(infrastructure: Stack, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": infrastructure.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
        "KAFKA_ENABLE_IDEMPOTENCE": str(not infrastructure.embedded_broker).lower(),
    }
    env.pop("SECRETS_KEY", None)  # the gateways of these tests run on the development key
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "switchboard_deploy.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, output.decode()


async def _access_token(client: Any, owner: Owner) -> str:
    return str((await login(client, owner.email, owner.password))["access_token"])


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def test_keys_rotate_moves_new_tokens_to_a_new_key_and_keeps_old_ones_valid(
    infrastructure: Stack, platform_owner: Owner
) -> None:
    before = await started_client(infrastructure, platform_owner)
    try:
        old_token = await _access_token(before, platform_owner)
    finally:
        await before.__aexit__(None, None, None)

    code, output = await _switchboard(infrastructure, "keys", "rotate")

    after = await started_client(infrastructure, platform_owner)
    try:
        new_token = await _access_token(after, platform_owner)
        old_me = await after.get("/api/auth/me", headers=bearer(old_token))
        new_me = await after.get("/api/auth/me", headers=bearer(new_token))
        jwks = (await after.get("/.well-known/jwks.json")).json()["keys"]
    finally:
        await after.__aexit__(None, None, None)
    assert code == 0, output
    assert _kid(new_token) != _kid(old_token)
    assert _kid(new_token) in output
    assert (old_me.status_code, new_me.status_code) == (200, 200)
    assert {_kid(old_token), _kid(new_token)} <= {key["kid"] for key in jwks}
    resource = f"signing_key:{_kid(new_token)}"
    audited = await bus_events(
        infrastructure, AUDIT_EVENTS.name, lambda e: e.get("resource") == resource, 1
    )
    assert [event["action"] for event in audited] == ["auth.key_rotated"], output


async def test_keys_rotate_without_a_database_url_names_the_missing_setting(
    infrastructure: Stack,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "switchboard_deploy.cli",
        "keys",
        "rotate",
        env={**env, "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers},
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "DATABASE_URL" in errors.decode()
