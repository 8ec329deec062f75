"""The webhook-ingest service's settings, from the environment."""

from __future__ import annotations

from pydantic import Field, model_validator

from switchboard_shared.settings import SecretsKeySettings


class WebhookIngestSettings(SecretsKeySettings):
    service_name: str = "webhook-ingest"
    http_port: int = 8001
    db_pool_max: int = 10
    db_hot_pool_max: int = 40
    max_body_bytes: int = 400_000
    public_base_url: str = "http://127.0.0.1:8000"
    webhook_rate_limit_per_second: float = 500.0
    webhook_rate_limit_burst: int | None = None
    publish_timeout_seconds: float = 3.0
    delivery_batch_max: int = Field(default=256, ge=1)
    delivery_flushes_in_flight: int = Field(default=4, ge=1)
    signature_tolerance_seconds: int = 300
    dedup_retention_hours: int = 72
    delivery_log_retention_hours: int = 168
    retention_sweep_seconds: float = 600.0
    token_cache_seconds: float = 30.0

    @model_validator(mode="after")
    def _dedup_held_long_enough(self) -> WebhookIngestSettings:
        if self.dedup_retention_hours < 72:
            raise ValueError("DEDUP_RETENTION_HOURS must be at least 72")
        return self

    @property
    def rate_limit_burst(self) -> int:
        if self.webhook_rate_limit_burst is not None:
            return self.webhook_rate_limit_burst
        return max(1, int(self.webhook_rate_limit_per_second))
