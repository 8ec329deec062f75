"""Readiness follows the broker: 503 while it is gone, 200 again when it is back, no restart."""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from switchboard_deploy.services import SERVICES
from switchboard_deploy.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_broker_platform(infrastructure: Stack) -> Iterator[Stack]:
    """The seven services on the session's database but a broker of their own, to stop at will."""
    data_dir = Path(tempfile.mkdtemp(prefix="switchboard-ready-"))
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = infrastructure.database_url
    stack = Stack.on_free_ports(data_dir, extra_env=infrastructure.extra_env)
    try:
        stack.start_infrastructure()
        stack.start_services()
        yield stack
    finally:
        stack.stop()
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        shutil.rmtree(data_dir, ignore_errors=True)


def statuses(stack: Stack) -> dict[str, int]:
    result = {}
    for spec in SERVICES:
        try:
            result[spec.name] = httpx.get(f"{stack.url(spec.name)}/ready", timeout=5).status_code
        except httpx.HTTPError:
            result[spec.name] = 0
    return result


def wait_for_all(stack: Stack, status: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        seen = statuses(stack)
        if set(seen.values()) == {status} or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


def test_every_service_reports_ready_with_broker_and_database_checked(
    own_broker_platform: Stack,
) -> None:
    for spec in SERVICES:
        body = httpx.get(f"{own_broker_platform.url(spec.name)}/ready").json()
        assert body["checks"] == {"database": "ok", "broker": "ok"}, spec.name


def test_stopping_the_broker_turns_ready_to_503_and_restarting_it_turns_it_back(
    own_broker_platform: Stack,
) -> None:
    pids = {name: p.process.pid for name, p in own_broker_platform.supervisor.processes.items()}  # type: ignore[union-attr]
    assert own_broker_platform.broker is not None
    own_broker_platform.broker.stop()
    down = wait_for_all(own_broker_platform, 503, timeout=30)
    assert set(down.values()) == {503}, down
    body = httpx.get(f"{own_broker_platform.url('call-store')}/ready").json()
    assert body["checks"]["broker"] == "failing"
    assert httpx.get(f"{own_broker_platform.url('call-store')}/ready").headers["retry-after"]

    own_broker_platform.restart_broker()
    up = wait_for_all(own_broker_platform, 200, timeout=60)
    assert set(up.values()) == {200}, up
    after = {name: p.process.pid for name, p in own_broker_platform.supervisor.processes.items()}  # type: ignore[union-attr]
    assert after == pids
