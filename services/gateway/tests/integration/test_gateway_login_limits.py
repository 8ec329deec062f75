"""Failed sign-ins are limited per address and per account, counted in PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from gateway_harness import STRONG_PASSWORD, login, new_tenant, new_user, started_client
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def client(
    infrastructure: Stack, platform_owner: Owner
) -> AsyncIterator[AsyncTestClient[Any]]:
    started = await started_client(
        infrastructure,
        platform_owner,
        headers=_address(),
        login_limit_per_account=3,
        login_limit_per_address=4,
        trusted_proxies="testclient",
    )
    try:
        yield started
    finally:
        await started.__aexit__(None, None, None)


def _address() -> dict[str, str]:
    return {"x-forwarded-for": f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"}


async def _attempt(
    client: AsyncTestClient[Any], address: dict[str, str], email: str, password: str = "wrong-pw!"
) -> httpx.Response:
    body = {"email": email, "password": password}
    return await client.post("/api/auth/login", json=body, headers=address)


async def test_an_account_is_limited_after_repeated_failures(
    client: AsyncTestClient[Any], platform_owner: Owner
) -> None:
    owner = str(
        (await login(client, platform_owner.email, platform_owner.password))["access_token"]
    )
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    first, second = _address(), _address()
    failures = [(await _attempt(client, first, email)).status_code for _ in range(3)]
    limited = await _attempt(client, second, email, STRONG_PASSWORD)
    assert failures == [401, 401, 401]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert limited.json()["error"] == "rate_limited"


async def test_an_address_is_limited_across_accounts(client: AsyncTestClient[Any]) -> None:
    here = _address()
    answers = [
        (await _attempt(client, here, f"{unique_id('probe')}@example.test")).status_code
        for _ in range(5)
    ]
    assert answers == [401, 401, 401, 401, 429]


async def test_a_success_clears_the_accounts_failures(
    client: AsyncTestClient[Any], platform_owner: Owner
) -> None:
    owner = str(
        (await login(client, platform_owner.email, platform_owner.password))["access_token"]
    )
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    here = _address()
    for _ in range(2):
        await _attempt(client, here, email)
    assert (await _attempt(client, here, email, STRONG_PASSWORD)).status_code == 200
    after = [(await _attempt(client, _address(), email)).status_code for _ in range(2)]
    assert after == [401, 401]
