"""The seven services as processes: module, default port, and the environment each gets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port: int

    @property
    def module(self) -> str:
        return "switchboard_" + self.name.replace("-", "_")

    @property
    def url_variable(self) -> str:
        return self.name.replace("-", "_").upper() + "_URL"


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("gateway", 8000),
    ServiceSpec("webhook-ingest", 8001),
    ServiceSpec("call-store", 8002),
    ServiceSpec("onboarding", 8003),
    ServiceSpec("provisioning", 8004),
    ServiceSpec("audit", 8005),
    ServiceSpec("command-control", 8006),
)


def service_environment(
    *,
    database_url: str,
    bootstrap_servers: str,
    ports: dict[str, int],
    enable_idempotence: bool,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """What every service process is started with; each also gets HTTP_PORT of its own."""
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "KAFKA_ENABLE_IDEMPOTENCE": str(enable_idempotence).lower(),
        "JWKS_URL": f"http://127.0.0.1:{ports['gateway']}/.well-known/jwks.json",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['gateway']}",
    }
    for spec in SERVICES:
        env[spec.url_variable] = f"http://127.0.0.1:{ports[spec.name]}"
    env.update(extra or {})
    return env
