"""The general request limit per address holds across gateway replicas sharing one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_harness import inside_one_window, started_client
from litestar.testing import AsyncTestClient

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id

pytestmark = pytest.mark.integration

LIMIT = 10
Replicas = tuple[AsyncTestClient[Any], AsyncTestClient[Any]]


@pytest.fixture(scope="module")
async def replicas(infrastructure: Stack, platform_owner: Owner) -> AsyncIterator[Replicas]:
    settings: dict[str, Any] = {"rate_limit_per_minute": LIMIT, "trusted_proxies": "testclient"}
    started = [
        await started_client(
            infrastructure,
            platform_owner,
            headers={"X-Forwarded-For": _address()},  # the start-up sign-in counts elsewhere
            **settings,
        )
        for _ in range(2)
    ]
    try:
        yield started[0], started[1]
    finally:
        for client in started:
            await client.__aexit__(None, None, None)


def _address() -> str:
    return unique_id("client")  # a fresh bucket: counts from other tests never reach it


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def test_the_limit_counts_requests_to_every_replica_together(replicas: Replicas) -> None:
    await inside_one_window()
    address = _address()
    answers = [
        await replicas[n % 2].get("/api/tenants", headers=_from(address)) for n in range(LIMIT)
    ]
    over_on_first = await replicas[0].get("/api/tenants", headers=_from(address))
    over_on_second = await replicas[1].get("/api/tenants", headers=_from(address))
    assert [a.status_code for a in answers] == [401] * LIMIT
    for over in (over_on_first, over_on_second):
        assert over.status_code == 429
        assert 1 <= int(over.headers["retry-after"]) <= 60
        assert over.json()["error"] == "rate_limited"


async def test_another_address_and_webhooks_are_not_held_back(replicas: Replicas) -> None:
    await inside_one_window()
    flooding, other = _address(), _address()
    for n in range(LIMIT + 1):
        await replicas[n % 2].get("/api/auth/me", headers=_from(flooding))
    refused = await replicas[0].get("/api/auth/me", headers=_from(flooding))
    webhook = await replicas[0].post("/api/webhooks/retell", headers=_from(flooding), json={})
    others = await replicas[1].get("/api/auth/me", headers=_from(other))
    assert refused.status_code == 429
    assert webhook.status_code == 503  # forwarded to a webhook-ingest that is not running
    assert others.status_code == 401
