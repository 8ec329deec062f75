"""Typed settings built once from the environment; a missing required value fails fast."""

from __future__ import annotations

import sys
from typing import Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_HS256_SECRET_BYTES = 32
MIN_SECRETS_KEY_BYTES = 32
DEVELOPMENT_SECRETS_KEY = "switchboard-development-secrets-key-not-for-production"


class ServiceSettings(BaseSettings):
    """What every service needs; each service subclasses it with its own name and port."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str
    http_host: str = "127.0.0.1"
    http_port: int
    http_workers: int = Field(default=1, ge=1, le=64)
    http_reuse_port: bool = False
    database_url: str
    db_service_password: SecretStr | None = None
    db_pool_min: int = 1
    db_pool_max: int = 10
    kafka_bootstrap_servers: str
    kafka_enable_idempotence: bool = True
    kafka_consumer_max_attempts: int = 5
    log_level: str = "INFO"
    jwt_issuer: str = "switchboard"
    jwt_audience: str = "switchboard"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_secret: SecretStr | None = None
    otel_exporter_otlp_endpoint: str | None = None
    max_body_bytes: int = 1_048_576

    @field_validator("jwt_secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_HS256_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_HS256_SECRET_BYTES} bytes")
        return value

    @property
    def db_role(self) -> str:
        return "sb_" + self.service_name.replace("-", "_")


class SecretsKeySettings(ServiceSettings):
    """For services that keep secrets at rest: SECRETS_KEY, required in production."""

    environment: Literal["development", "production"] = "development"
    secrets_key: SecretStr | None = None

    @model_validator(mode="after")
    def _production_needs_secrets_key(self) -> SecretsKeySettings:
        if self.environment == "production" and self.secrets_key is None:
            raise ValueError("SECRETS_KEY is required when ENVIRONMENT=production")
        key = self.secrets_key.get_secret_value() if self.secrets_key else None
        if key is not None and len(key.encode()) < MIN_SECRETS_KEY_BYTES:
            raise ValueError(f"SECRETS_KEY must be at least {MIN_SECRETS_KEY_BYTES} bytes")
        return self

    @property
    def encryption_secret(self) -> bytes:
        """SECRETS_KEY, or in development a fixed, publicly known value (never in production)."""
        value = self.secrets_key.get_secret_value() if self.secrets_key else DEVELOPMENT_SECRETS_KEY
        return value.encode()


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """Build settings from the environment or exit naming every missing or bad variable."""
    try:
        return cls()
    except ValidationError as error:
        problems = ", ".join(
            f"{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        sys.stderr.write(f"configuration error: {problems}\n")
        raise SystemExit(2) from error
