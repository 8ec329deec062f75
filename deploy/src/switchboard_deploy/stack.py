"""The whole platform on one machine: embedded (or external) infrastructure plus seven services.

`KAFKA_BOOTSTRAP_SERVERS` and `DATABASE_URL` in the environment name real infrastructure; what
is not named is started here, embedded.
"""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from switchboard_deploy.embedded_broker import EmbeddedBroker
from switchboard_deploy.embedded_postgres import EmbeddedPostgres
from switchboard_deploy.ports import free_ports
from switchboard_deploy.services import SERVICES, service_environment
from switchboard_deploy.supervisor import Supervisor
from switchboard_deploy.topics import create_topics


@dataclass
class Stack:
    data_dir: Path
    pg_port: int = 54329
    broker_port: int = 19092
    service_ports: dict[str, int] = field(
        default_factory=lambda: {s.name: s.port for s in SERVICES}
    )
    extra_env: dict[str, str] = field(default_factory=dict)
    per_service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | None = None
    database_url: str = ""
    bootstrap_servers: str = ""
    supervisor: Supervisor | None = None

    @classmethod
    def on_free_ports(
        cls,
        data_dir: Path,
        extra_env: dict[str, str] | None = None,
        per_service_env: dict[str, dict[str, str]] | None = None,
    ) -> Stack:
        pg_port, broker_port, *service_ports = free_ports(2 + len(SERVICES))
        return cls(
            data_dir=data_dir,
            pg_port=pg_port,
            broker_port=broker_port,
            service_ports={s.name: port for s, port in zip(SERVICES, service_ports, strict=True)},
            extra_env=extra_env or {},
            per_service_env=per_service_env or {},
        )

    @property
    def embedded_broker(self) -> bool:
        return self.broker is not None

    def start_infrastructure(self) -> None:
        self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.database_url:
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres", self.pg_port)
            self.postgres.start()
            self.database_url = self.postgres.owner_url
        self.bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
        if not self.bootstrap_servers:
            self.broker = EmbeddedBroker(self.broker_port, self.data_dir / "logs" / "broker.log")
            self.broker.start()
            self.bootstrap_servers = self.broker.bootstrap_servers
        asyncio.run(create_topics(self.bootstrap_servers))

    def service_env(self, service: str | None = None) -> dict[str, str]:
        """The environment of every service, with `service`'s own settings when named."""
        return service_environment(
            database_url=self.database_url,
            bootstrap_servers=self.bootstrap_servers,
            ports=self.service_ports,
            enable_idempotence=not self.embedded_broker,
            extra={
                **_build_commit(),
                **self.extra_env,
                **self.per_service_env.get(service or "", {}),
            },
        )

    def start_services(self, timeout: float = 90.0) -> None:
        self.supervisor = Supervisor(self.data_dir / "logs")
        for spec in SERVICES:
            env = self.service_env(spec.name)
            self.supervisor.start(spec, self.service_ports[spec.name], env)
        self.supervisor.wait_ready(timeout)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.service_ports[service]}"

    def restart_broker(self) -> None:
        """The embedded broker forgets its topics when it stops; create them again."""
        assert self.broker is not None
        self.broker.start()
        asyncio.run(create_topics(self.bootstrap_servers))

    def stop(self) -> None:
        if self.supervisor:
            self.supervisor.stop_all()
        if self.broker:
            self.broker.stop()
        if self.postgres:
            self.postgres.stop()


@functools.cache
def _build_commit() -> dict[str, str]:
    """The checkout's commit, which the services report in their heartbeats (`BUILD_COMMIT`)."""
    if os.environ.get("BUILD_COMMIT"):
        return {}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"BUILD_COMMIT": commit} if commit else {}
