"""The command-control service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class CommandControlSettings(ServiceSettings):
    service_name: str = "command-control"
    http_port: int = 8006
