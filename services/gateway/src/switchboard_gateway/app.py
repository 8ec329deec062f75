"""The composition root of the gateway service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_gateway.settings import GatewaySettings


def build_app(settings: GatewaySettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_gateway")
    return create_app(runtime, route_handlers=[])
