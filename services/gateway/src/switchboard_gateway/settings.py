"""The gateway service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    http_port: int = 8000
