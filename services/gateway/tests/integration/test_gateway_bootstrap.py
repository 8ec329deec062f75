"""The platform owner is created once, however many replicas start at the same moment."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher
from gateway_harness import gateway_settings, started_client

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id
from switchboard_gateway.bootstrap import ensure_platform_owner
from switchboard_gateway.passwords import Passwords
from switchboard_shared.db import create_pool, role_dsn

pytestmark = pytest.mark.integration

FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def test_replicas_starting_together_create_exactly_one_owner(
    infrastructure: Stack, platform_owner: Owner
) -> None:
    client = await started_client(infrastructure, platform_owner)  # migrations applied
    await client.__aexit__(None, None, None)
    settings = gateway_settings(infrastructure, platform_owner)
    pool = create_pool(
        role_dsn(settings.database_url, settings.db_role, None), min_size=1, max_size=4, name="t"
    )
    await pool.open()
    email = f"{unique_id('owner')}@example.test"
    try:
        created = await asyncio.gather(
            *(ensure_platform_owner(pool, FAST, email, "a-long-enough-password") for _ in range(4))
        )
        again = await ensure_platform_owner(pool, FAST, email, "another-long-password")
    finally:
        await pool.close()
    assert sorted(created) == [False, False, False, True]
    assert again is False
