"""The command-control service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class CommandControlSettings(ServiceSettings):
    service_name: str = "command-control"
    http_port: int = 8006
    consumer_group: str = "command-control"
    call_store_url: str = "http://127.0.0.1:8002"
    heartbeat_stale_seconds: float = 15.0
    heartbeat_forget_seconds: float = 3600.0
    dead_letter_read_seconds: float = 3.0
