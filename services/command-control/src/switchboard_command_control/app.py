"""The composition root of the command-control service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_command_control.settings import CommandControlSettings


def build_app(settings: CommandControlSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_command_control")
    return create_app(runtime, route_handlers=[])
