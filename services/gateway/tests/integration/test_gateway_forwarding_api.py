"""Forwarding to services that are down, tenant checks on forwarded routes, and monitoring."""

from __future__ import annotations

import time
from typing import Any

import pytest
from gateway_harness import bearer, login, new_tenant, new_user
from litestar.testing import AsyncTestClient

from switchboard_deploy.testing import unique_id

pytestmark = pytest.mark.integration


async def test_a_service_that_is_down_answers_503_with_retry_after(
    client: AsyncTestClient[Any], owner: str
) -> None:
    started = time.monotonic()
    response = await client.get("/api/calls?limit=5", headers=bearer(owner))
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["error"] == "unavailable"
    assert time.monotonic() - started < 5


async def test_webhooks_are_forwarded_without_a_bearer_token(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/api/webhooks/bland?token=whatever", json={"call_id": "c-1"})
    assert response.status_code == 503


async def test_a_forwarded_route_of_an_unknown_tenant_is_not_found(
    client: AsyncTestClient[Any], owner: str
) -> None:
    missing = await client.get(
        f"/api/tenants/{unique_id('nope')}/webhook-tokens", headers=bearer(owner)
    )
    tenant = await new_tenant(client, owner)
    existing = await client.get(f"/api/tenants/{tenant}/webhook-tokens", headers=bearer(owner))
    assert missing.status_code == 404
    assert existing.status_code == 503


async def test_monitoring_health_reports_each_service(
    client: AsyncTestClient[Any], owner: str
) -> None:
    response = await client.get("/api/monitoring/health", headers=bearer(owner))
    services = response.json()["services"]
    assert response.status_code == 200
    assert services["gateway"]["status"] == "ready"
    assert services["call-store"]["status"] == "unreachable"
    assert response.json()["status"] == "degraded"


async def test_alerts_name_every_service_that_is_not_ready(
    client: AsyncTestClient[Any], owner: str
) -> None:
    response = await client.get("/api/monitoring/alerts", headers=bearer(owner))
    not_ready = {
        a["service"] for a in response.json()["alerts"] if a["alert"] == "service_not_ready"
    }
    assert response.status_code == 200
    assert {"webhook-ingest", "call-store", "audit"} <= not_ready
    assert "gateway" not in not_ready


async def test_metrics_count_the_gateways_requests(
    client: AsyncTestClient[Any], owner: str
) -> None:
    before = (await client.get("/api/monitoring/metrics", headers=bearer(owner))).json()["requests"]
    for _ in range(3):
        await client.get("/health")
    after = (await client.get("/api/monitoring/metrics", headers=bearer(owner))).json()["requests"]
    assert after >= before + 3


async def test_a_tenant_viewer_may_not_read_monitoring(
    client: AsyncTestClient[Any], owner: str
) -> None:
    tenant = await new_tenant(client, owner)
    _, email = await new_user(client, owner, tenant, "viewer")
    viewer = str((await login(client, email))["access_token"])
    response = await client.get("/api/monitoring/health", headers=bearer(viewer))
    assert response.status_code == 403
