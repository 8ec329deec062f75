"""`/api/monitoring/health`, `/metrics` and `/alerts` for SREs and the super admin."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Controller, get
from litestar.datastructures import State

from switchboard_gateway.api.errors import ERROR_RESPONSES
from switchboard_gateway.monitoring import (
    Thresholds,
    database_latency,
    request_stats,
    service_readiness,
)
from switchboard_gateway.monitoring import alerts as find_alerts
from switchboard_shared.auth.guards import requires
from switchboard_shared.auth.roles import Permission


async def _readiness(state: State) -> dict[str, dict[str, Any]]:
    runtime = state.runtime
    own = runtime.database_ready
    async with httpx.AsyncClient() as client:  # a few requests a minute: no pool to keep
        return await service_readiness(client, state.settings.service_urls(), own)


class MonitoringController(Controller):
    path = "/api/monitoring"
    guards = [requires(Permission.MONITORING_READ)]

    @get("/health", responses=ERROR_RESPONSES)
    async def health(self, state: State) -> dict[str, Any]:
        services = await _readiness(state)
        healthy = all(report["status"] == "ready" for report in services.values())
        return {"status": "healthy" if healthy else "degraded", "services": services}

    @get("/metrics", responses=ERROR_RESPONSES)
    async def metrics(self, state: State) -> dict[str, Any]:
        stats = request_stats(state.service_name)
        return {
            "database_seconds": await database_latency(state.runtime.pool),
            "requests": stats.requests,
            "server_errors": stats.server_errors,
            "error_rate": round(stats.error_rate, 4),
            "p95_seconds": stats.p95_seconds,
        }

    @get("/alerts", responses=ERROR_RESPONSES)
    async def alerts(self, state: State) -> dict[str, Any]:
        database = await database_latency(state.runtime.pool)
        stats = request_stats(state.service_name)
        found = find_alerts(stats, await _readiness(state), database, Thresholds())
        return {
            "alerts": found,
            "count": len(found),
            "critical_count": sum(1 for a in found if a["severity"] == "critical"),
            "warning_count": sum(1 for a in found if a["severity"] == "warning"),
        }
