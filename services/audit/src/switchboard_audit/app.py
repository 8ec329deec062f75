"""The composition root of the audit service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar

from switchboard_audit import subscribers
from switchboard_audit.api import AuditController
from switchboard_audit.settings import AuditSettings
from switchboard_audit.store import PostgresAuditStore
from switchboard_shared.runtime import build_runtime, create_app


def build_app(settings: AuditSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_audit")
    store = PostgresAuditStore(runtime.pool)
    subscribers.subscribe(runtime.consumer, store, group=settings.consumer_group)
    return create_app(runtime, route_handlers=[AuditController], state={"audit_store": store})
