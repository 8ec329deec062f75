"""The composition root of the audit service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_audit.settings import AuditSettings


def build_app(settings: AuditSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_audit")
    return create_app(runtime, route_handlers=[])
