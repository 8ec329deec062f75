"""The composition root of the call-store service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_call_store.settings import CallStoreSettings


def build_app(settings: CallStoreSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_call_store")
    return create_app(runtime, route_handlers=[])
