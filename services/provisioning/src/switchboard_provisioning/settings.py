"""The provisioning service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class ProvisioningSettings(ServiceSettings):
    service_name: str = "provisioning"
    http_port: int = 8004
