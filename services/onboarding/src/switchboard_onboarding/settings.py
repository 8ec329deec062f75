"""The onboarding service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class OnboardingSettings(ServiceSettings):
    service_name: str = "onboarding"
    http_port: int = 8003
    extension_min: int = 100
    """The extension range of a tenant that has not configured its own."""
    extension_max: int = 9999
    idempotency_stale_seconds: float = 600.0
    """How long a bulk request that never answered holds its Idempotency-Key."""
