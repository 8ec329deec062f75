"""With its database unreachable the gateway answers 503 with Retry-After, never 500."""

from __future__ import annotations

import socket

from litestar.testing import AsyncTestClient

from switchboard_gateway.app import build_app
from switchboard_gateway.settings import GatewaySettings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_sign_in_without_a_database_is_unavailable() -> None:
    settings = GatewaySettings(
        database_url=f"postgresql://nobody@127.0.0.1:{_closed_port()}/none",
        kafka_bootstrap_servers=f"127.0.0.1:{_closed_port()}",
    )
    async with AsyncTestClient(build_app(settings)) as client:
        login = await client.post(
            "/api/auth/login", json={"email": "a@b.test", "password": "x" * 12}
        )
        ready = await client.get("/ready")
    assert login.status_code == 503
    assert login.headers["retry-after"] == "5"
    assert login.json()["error"] == "unavailable"
    assert ready.status_code == 503
