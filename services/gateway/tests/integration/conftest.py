"""Fixtures every gateway integration module shares: one started gateway, its owner's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_harness import login, started_client
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner


@pytest.fixture(scope="module")
async def client(
    infrastructure: Stack, platform_owner: Owner
) -> AsyncIterator[AsyncTestClient[Any]]:
    """A gateway in-process for this module; a module may override it with other settings."""
    started = await started_client(infrastructure, platform_owner)
    try:
        yield started
    finally:
        await started.__aexit__(None, None, None)


@pytest.fixture(scope="module")
async def owner(client: AsyncTestClient[Any], platform_owner: Owner) -> str:
    return str((await login(client, platform_owner.email, platform_owner.password))["access_token"])
