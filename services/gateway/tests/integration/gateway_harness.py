"""The gateway in-process against the session's real PostgreSQL and broker."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from litestar.testing import AsyncTestClient

from switchboard_deploy.ports import free_port
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import TEST_JWT_SECRET, Owner, unique_id
from switchboard_gateway.app import build_app
from switchboard_gateway.settings import GatewaySettings

STRONG_PASSWORD = "correct-horse-battery-staple"
UNLIMITED_ACTIONS = "bulk=1000000,command=1000000,write=1000000,read=1000000"


def gateway_settings(infrastructure: Stack, owner: Owner, **overrides: Any) -> GatewaySettings:
    nobody = f"http://127.0.0.1:{free_port()}"  # no service listens here
    return GatewaySettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=not infrastructure.embedded_broker,
        jwt_secret=TEST_JWT_SECRET,
        bootstrap_owner_email=owner.email,
        bootstrap_owner_password=owner.password,
        **{
            f"{name}_url": nobody
            for name in (
                "webhook_ingest",
                "call_store",
                "onboarding",
                "provisioning",
                "audit",
                "command_control",
            )
        },
        **{
            "proxy_timeout_seconds": 2.0,
            "login_limit_per_address": 100_000,
            "rate_limit_per_minute": 1_000_000,  # every test client shares one address
            "user_action_limits": UNLIMITED_ACTIONS,  # one platform owner in every module
            "mailer_group_id": unique_id("mailer"),  # no group rebalance between test gateways
            "mode_mail_group_id": unique_id("mode-mail"),
            **overrides,
        },
    )


async def started_client(
    infrastructure: Stack, owner: Owner, headers: dict[str, str] | None = None, **overrides: Any
) -> AsyncTestClient[Any]:
    settings = gateway_settings(infrastructure, owner, **overrides)
    client: AsyncTestClient[Any] = AsyncTestClient(build_app(settings))
    client.headers.update(headers or {})
    await client.__aenter__()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (await client.get("/ready")).status_code == 200:
            body = {"email": owner.email, "password": owner.password}
            if (await client.post("/api/auth/login", json=body)).status_code == 200:
                return client
        await asyncio.sleep(0.2)
    raise TimeoutError("the gateway did not become ready")


async def inside_one_window(seconds_needed: float = 8) -> None:
    """Request counts reset on the minute; begin where the whole test fits in one window."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        await asyncio.sleep(left + 0.5)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: AsyncTestClient[Any], email: str, password: str = STRONG_PASSWORD
) -> dict[str, Any]:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def new_tenant(client: AsyncTestClient[Any], owner_token: str) -> str:
    response = await client.post(
        "/api/tenants", json={"name": unique_id("tenant")}, headers=bearer(owner_token)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def new_user(
    client: AsyncTestClient[Any], token: str, tenant_id: str, role: str
) -> tuple[str, str]:
    email = f"{unique_id(role)}@example.test"
    response = await client.post(
        f"/api/tenants/{tenant_id}/users",
        json={"email": email, "password": STRONG_PASSWORD, "role": role},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"]), email


async def bus_events(
    infrastructure: Stack, topic: str, wanted: Callable[[dict[str, Any]], bool], count: int
) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=infrastructure.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 20
        while len(found) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                bodies = (json.loads(r.value) for r in records if r.value)
                found += [body for body in bodies if wanted(body)]
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return found
