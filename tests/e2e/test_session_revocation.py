"""A session ended at the gateway is refused by every service within a second, each deciding for
itself from `auth.revocations.v1` (no service asks the gateway or the database per request)."""

import asyncio
import time

import httpx
import pytest

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, bearer, login, unique_id

pytestmark = pytest.mark.e2e

# One route per service, called on the service itself, that the platform owner may use.
ROUTES = {
    "gateway": "/api/auth/sessions",
    "webhook-ingest": "/api/tenants/{tenant}/webhook-tokens",
    "call-store": "/api/calls",
    "onboarding": "/api/locations",
    "provisioning": "/api/provisioning/schema",
    "audit": "/api/audit",
    "command-control": "/api/system/status",
}
DEADLINE_SECONDS = 1.0


async def seconds_until_refused(client: httpx.AsyncClient, url: str, token: str) -> float:
    started = time.monotonic()
    while (await client.get(url, headers=bearer(token))).status_code != 401:
        if time.monotonic() - started > 10:
            return float("inf")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_a_logged_out_session_is_refused_by_every_service_within_a_second(
    platform: Stack, platform_owner: Owner
) -> None:
    token = login(platform.url("gateway"), platform_owner.email, platform_owner.password)
    urls = {
        name: platform.url(name) + path.format(tenant=unique_id("tenant"))
        for name, path in ROUTES.items()
    }
    async with httpx.AsyncClient(timeout=5) as client:
        before = {name: (await client.get(url, headers=bearer(token))).status_code
                  for name, url in urls.items()}  # fmt: skip
        assert all(status < 400 for status in before.values()), before

        logout = await client.post(
            platform.url("gateway") + "/api/auth/logout", headers=bearer(token)
        )
        assert logout.status_code in (200, 204)
        waits = await asyncio.gather(
            *(seconds_until_refused(client, url, token) for url in urls.values())
        )

    took = dict(zip(urls, waits, strict=True))
    assert max(took.values()) < DEADLINE_SECONDS, took
