"""`/health` (the process lives), `/ready` (its broker and database answer) and `/metrics`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

ReadinessCheck = Callable[[], Awaitable[bool]]


class HealthController(Controller):
    include_in_schema = False

    @get("/health", sync_to_thread=False)
    def health(self, state: State) -> dict[str, Any]:
        return {"status": "ok", "service": state.service_name}

    @get("/ready")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        checks: dict[str, ReadinessCheck] = state.readiness_checks
        results = await asyncio.gather(*(check() for check in checks.values()))
        outcome = dict(zip(checks, results, strict=True))
        ok = all(results)
        body = {
            "status": "ready" if ok else "not_ready",
            "service": state.service_name,
            "checks": {name: "ok" if passed else "failing" for name, passed in outcome.items()},
            "mode": state.maintenance.mode,
        }
        headers = {} if ok else {"Retry-After": "5"}
        return Response(body, status_code=200 if ok else 503, headers=headers)

    @get("/metrics", sync_to_thread=False)
    def metrics(self) -> Response[bytes]:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
