"""The webhook-ingest service's settings, from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, model_validator

from switchboard_shared.settings import ServiceSettings

DEVELOPMENT_SECRETS_KEY = "switchboard-development-secrets-key-not-for-production"
MIN_SECRETS_KEY_BYTES = 32


class WebhookIngestSettings(ServiceSettings):
    service_name: str = "webhook-ingest"
    http_port: int = 8001
    db_pool_max: int = 10
    db_hot_pool_max: int = 40
    max_body_bytes: int = 400_000
    environment: Literal["development", "production"] = "development"
    public_base_url: str = "http://127.0.0.1:8000"
    secrets_key: SecretStr | None = None
    webhook_rate_limit_per_second: float = 500.0
    webhook_rate_limit_burst: int | None = None
    publish_timeout_seconds: float = 3.0
    signature_tolerance_seconds: int = 300
    dedup_retention_hours: int = 72
    delivery_log_retention_hours: int = 168
    retention_sweep_seconds: float = 600.0
    token_cache_seconds: float = 30.0

    @model_validator(mode="after")
    def _production_needs_secrets_key(self) -> WebhookIngestSettings:
        if self.environment == "production" and self.secrets_key is None:
            raise ValueError("SECRETS_KEY is required when ENVIRONMENT=production")
        if (
            self.secrets_key
            and len(self.secrets_key.get_secret_value().encode()) < MIN_SECRETS_KEY_BYTES
        ):
            raise ValueError(f"SECRETS_KEY must be at least {MIN_SECRETS_KEY_BYTES} bytes")
        if self.dedup_retention_hours < 72:
            raise ValueError("DEDUP_RETENTION_HOURS must be at least 72")
        return self

    @property
    def encryption_secret(self) -> bytes:
        """SECRETS_KEY, or in development a fixed, publicly known value (never in production)."""
        value = self.secrets_key.get_secret_value() if self.secrets_key else DEVELOPMENT_SECRETS_KEY
        return value.encode()

    @property
    def rate_limit_burst(self) -> int:
        if self.webhook_rate_limit_burst is not None:
            return self.webhook_rate_limit_burst
        return max(1, int(self.webhook_rate_limit_per_second))
