"""The audit service's settings, from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from switchboard_shared.settings import SecretsKeySettings


class AuditSettings(SecretsKeySettings):
    service_name: str = "audit"
    http_port: int = 8005
    consumer_group: str = "audit"
    append_batch_size: int = Field(default=500, ge=1, le=5000)
    log_origin: str = "switchboard.local/audit"  # the checkpoints' origin line and key name
    checkpoint_busy_seconds: float = Field(default=60.0, gt=0)
    checkpoint_idle_seconds: float = Field(default=3600.0, gt=0)
    checkpoint_dir: Path | None = None  # also write each signed checkpoint here
    retention_days: int = Field(default=90, ge=1)
    retention_dir: Path | None = None  # where archives go; no retention without it
    retention_every_seconds: float = Field(default=86400.0, gt=0)
