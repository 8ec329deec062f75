"""The write guard: in `maintenance` and `read_only` every state-changing route of every service
answers 503 `maintenance`, except the few that must keep working, each marked with its reason.

The app applies it to every route; a handler opts out with `opt=open_in_maintenance("why")`.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler

from switchboard_shared.errors import MaintenanceRefused
from switchboard_shared.maintenance import MaintenanceState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_IN_MAINTENANCE = "open_in_maintenance"


def open_in_maintenance(reason: str) -> dict[str, str]:
    """The `opt` of a write route that keeps working in maintenance and read-only mode."""
    return {OPEN_IN_MAINTENANCE: reason}


def exemption(handler: BaseRouteHandler) -> str | None:
    reason = handler.opt.get(OPEN_IN_MAINTENANCE)
    return reason if isinstance(reason, str) else None


async def write_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    scope = connection.scope
    if scope["type"] != ScopeType.HTTP or scope["method"] in SAFE_METHODS:
        return
    maintenance: MaintenanceState = connection.app.state.maintenance
    if maintenance.writes_allowed or exemption(handler):
        return
    raise MaintenanceRefused(maintenance.mode)
