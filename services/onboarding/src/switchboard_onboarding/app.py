"""The composition root of the onboarding service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_onboarding.settings import OnboardingSettings


def build_app(settings: OnboardingSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_onboarding")
    return create_app(runtime, route_handlers=[])
