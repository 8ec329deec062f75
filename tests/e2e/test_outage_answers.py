"""PostgreSQL going away, as each service sees it: a second instance of the service runs with its
database connection through a proxy that is then cut. Every route answers 503 with Retry-After
(never a 500), `/ready` says not ready, and the service recovers once the database is back."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from journey_helpers import eventually

from switchboard_deploy.ports import free_port
from switchboard_deploy.services import SERVICES
from switchboard_deploy.stack import Stack
from switchboard_deploy.supervisor import Supervisor
from switchboard_deploy.tcp_proxy import TcpProxy
from switchboard_deploy.testing import bearer, unique_id

pytestmark = pytest.mark.e2e

PROBES = {
    "gateway": "/api/platform/users",
    "webhook-ingest": "/api/tenants/{tenant_id}/webhook-tokens",
    "call-store": "/api/admin/calls",
    "onboarding": "/api/locations",
    "provisioning": "/api/provisioning/{location_id}",
    "audit": "/api/audit",
    "command-control": "/api/system/status",
}


def through(database_url: str, port: int) -> str:
    parts = urlsplit(database_url)
    credentials, _, _ = parts.netloc.rpartition("@")
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def tenant_id(gateway_url: str, owner_token: str) -> str:
    made = httpx.post(
        f"{gateway_url}/api/tenants",
        json={"name": unique_id("outage")},
        headers=bearer(owner_token),
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.fixture
def second_instance(
    platform: Stack, request: pytest.FixtureRequest
) -> Iterator[tuple[str, TcpProxy]]:
    spec = next(s for s in SERVICES if s.name == request.param)
    target = urlsplit(platform.database_url)
    with TcpProxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        env = {
            **platform.service_env(spec.name),
            "DATABASE_URL": through(platform.database_url, proxy.port),
        }
        supervisor = Supervisor(Path(tempfile.mkdtemp(prefix="switchboard-outage-")))
        port = free_port()
        supervisor.start(spec, port, env)
        try:
            supervisor.wait_ready(90)
            yield f"http://127.0.0.1:{port}", proxy
        finally:
            supervisor.stop_all()


@pytest.mark.parametrize("second_instance", list(PROBES), indirect=True)
def test_a_service_whose_database_is_gone_answers_503_and_recovers(
    second_instance: tuple[str, TcpProxy], owner_token: str, tenant_id: str
) -> None:
    base_url, proxy = second_instance
    with httpx.Client(base_url=base_url, headers=bearer(owner_token), timeout=20) as http:
        name = http.get("/health").json()["service"]
        path = PROBES[name].format(tenant_id=tenant_id, location_id=unique_id("loc"))
        assert http.get(path).status_code < 500

        proxy.cut()
        answer = http.get(path)
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"] == "unavailable"
        assert answer.headers["retry-after"]
        assert http.get("/ready").status_code == 503

        proxy.restore()
        assert eventually(lambda: http.get(path).status_code < 500, timeout=30), name
