"""The webhook-ingest service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class WebhookIngestSettings(ServiceSettings):
    service_name: str = "webhook-ingest"
    http_port: int = 8001
