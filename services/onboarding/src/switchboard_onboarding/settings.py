"""The onboarding service's settings, from the environment."""

from __future__ import annotations

from switchboard_shared.settings import ServiceSettings


class OnboardingSettings(ServiceSettings):
    service_name: str = "onboarding"
    http_port: int = 8003
