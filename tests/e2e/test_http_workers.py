"""HTTP_WORKERS: one service as several replica processes sharing its port, ending with it."""

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from switchboard_deploy.ports import free_port
from switchboard_deploy.services import SERVICES
from switchboard_deploy.stack import Stack
from switchboard_deploy.supervisor import ServiceProcess, Supervisor
from switchboard_deploy.testing import TEST_JWT_SECRET

pytestmark = pytest.mark.e2e

INGEST = next(spec for spec in SERVICES if spec.name == "webhook-ingest")


@pytest.fixture
def two_worker_ingest(infrastructure: Stack) -> Iterator[ServiceProcess]:
    log_dir = Path(tempfile.mkdtemp(prefix="switchboard-workers-"))
    supervisor = Supervisor(log_dir)
    env = {**infrastructure.service_env(), "HTTP_WORKERS": "2", "JWT_SECRET": TEST_JWT_SECRET}
    service = supervisor.start(INGEST, free_port(), env)
    try:
        supervisor.wait_ready(timeout=60)
        yield service
    finally:
        supervisor.stop_all()
        shutil.rmtree(log_dir, ignore_errors=True)


def replicas(service: ServiceProcess) -> list[psutil.Process]:
    parent = psutil.Process(service.process.pid)
    return [p for p in parent.children() if "switchboard_webhook_ingest" in " ".join(p.cmdline())]


def listening_ports(process: psutil.Process) -> set[int]:
    return {c.laddr.port for c in process.net_connections("tcp") if c.status == psutil.CONN_LISTEN}


def wait_until_gone(processes: list[psutil.Process], within: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=within)
    return alive


def test_each_replica_listens_on_the_service_port(two_worker_ingest: ServiceProcess) -> None:
    workers = replicas(two_worker_ingest)
    port = two_worker_ingest.port

    assert len(workers) == 2
    deadline = time.monotonic() + 60  # /ready answered by one replica; the other may be starting
    while not all(port in listening_ports(w) for w in workers):
        assert time.monotonic() < deadline, "not every replica listens on the service port"
        time.sleep(0.2)
    assert port not in listening_ports(psutil.Process(two_worker_ingest.process.pid))


def test_replicas_end_when_their_parent_is_killed(two_worker_ingest: ServiceProcess) -> None:
    workers = replicas(two_worker_ingest)

    os.kill(two_worker_ingest.process.pid, signal.SIGKILL)

    assert wait_until_gone(workers, within=20) == []


def test_sigterm_stops_every_replica_and_the_parent(two_worker_ingest: ServiceProcess) -> None:
    workers = replicas(two_worker_ingest)

    two_worker_ingest.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    two_worker_ingest.process.wait(timeout=30)

    assert wait_until_gone(workers, within=5) == []
    assert time.monotonic() - started < 30
