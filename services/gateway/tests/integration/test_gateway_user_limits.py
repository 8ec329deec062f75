"""The limits per user and action hold across gateway replicas sharing one database, and one
user's flood does not hold back anybody else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_harness import bearer, inside_one_window, started_client
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, mint_token, unique_id

pytestmark = pytest.mark.integration

BULK, COMMAND, READ = 4, 3, 20
Replicas = list[AsyncTestClient[Any]]
# Admitted requests to other services are forwarded to addresses where nothing listens: 503.
FORWARDED = 503


@pytest.fixture(scope="module")
async def replicas(infrastructure: Stack, platform_owner: Owner) -> AsyncIterator[Replicas]:
    limits = f"bulk={BULK},command={COMMAND},write=1000,read={READ}"
    started = await asyncio.gather(
        *(
            started_client(infrastructure, platform_owner, user_action_limits=limits)
            for _ in range(3)
        )
    )
    try:
        yield started
    finally:
        for client in started:
            await client.__aexit__(None, None, None)


def _user() -> dict[str, str]:
    headers: dict[str, str] = bearer(mint_token(role="admin", tenant_id=unique_id("tenant")))
    return headers


async def _bulk(replica: AsyncTestClient[Any], headers: dict[str, str]) -> Any:
    return await replica.post("/api/bulk/status", json={"items": []}, headers=headers)


def _refused_total(metrics: str, action: str) -> float:
    wanted = {"limit": "user", "action": action}
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == "switchboard_gateway_requests_refused_total" and sample.labels == wanted
    )


async def test_a_users_bulk_limit_counts_requests_to_every_replica_together(
    replicas: Replicas,
) -> None:
    await inside_one_window()
    user = _user()
    before = _refused_total((await replicas[0].get("/metrics")).text, "bulk")
    answers = [await _bulk(replicas[n % 3], user) for n in range(BULK + 3)]
    codes = [a.status_code for a in answers]
    assert codes == [FORWARDED] * BULK + [429] * 3
    for refused in answers[BULK:]:
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"] == "rate_limited"
        assert "bulk" in refused.json()["detail"]
    after = _refused_total((await replicas[1].get("/metrics")).text, "bulk")
    assert after - before == 3


async def test_another_user_and_another_action_are_not_held_back(replicas: Replicas) -> None:
    await inside_one_window()
    spent, other = _user(), _user()
    for n in range(BULK + 1):
        await _bulk(replicas[n % 3], spent)
    still_refused = await _bulk(replicas[2], spent)
    commands = [
        await replicas[n % 3].post("/api/owner/command", json={"command": "status"}, headers=spent)
        for n in range(COMMAND)
    ]
    read = await replicas[0].get("/api/calls", headers=spent)
    others_bulk = await _bulk(replicas[1], other)
    assert still_refused.status_code == 429
    assert [c.status_code for c in commands] == [FORWARDED] * COMMAND
    assert read.status_code == FORWARDED
    assert others_bulk.status_code == FORWARDED


async def test_a_token_that_does_not_verify_is_counted_by_address_only(
    replicas: Replicas,
) -> None:
    await inside_one_window()
    forged = bearer(mint_token(role="admin", tenant_id=None, secret="another-secret-" * 3))
    answers = [await _bulk(replicas[n % 3], forged) for n in range(BULK + 2)]
    assert [a.status_code for a in answers] == [FORWARDED] * (BULK + 2)


async def test_one_users_flood_does_not_stop_another_user(replicas: Replicas) -> None:
    await inside_one_window(seconds_needed=15)
    flooding, other = _user(), _user()
    flood = [replicas[n % 3].get("/api/calls", headers=flooding) for n in range(300)]
    others = [replicas[n % 3].get("/api/calls", headers=other) for n in range(READ)]
    answers = await asyncio.gather(*flood, *others)
    flood_codes = [a.status_code for a in answers[:300]]
    assert flood_codes.count(FORWARDED) == READ
    assert flood_codes.count(429) == 300 - READ
    assert [a.status_code for a in answers[300:]] == [FORWARDED] * READ
