"""The audit service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    service_name: str = "audit"
    http_port: int = 8005
    consumer_group: str = "audit"
