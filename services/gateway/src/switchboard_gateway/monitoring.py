"""Platform health, request metrics and alerts (thresholds after seed 003's alerting section)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client import REGISTRY, CollectorRegistry
from psycopg_pool import AsyncConnectionPool

REQUESTS_METRIC = "litestar_requests"
DURATION_METRIC = "litestar_request_duration_seconds"
READY_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Thresholds:
    """Warning and critical levels from the invitation runbook's alert table (seed 003)."""

    error_rate_warning: float = 0.02
    error_rate_critical: float = 0.05
    p95_seconds: float = 2.0
    database_seconds_warning: float = 1.0
    database_seconds_critical: float = 2.0


@dataclass(frozen=True)
class RequestStats:
    requests: int
    server_errors: int
    p95_seconds: float | None

    @property
    def error_rate(self) -> float:
        return self.server_errors / self.requests if self.requests else 0.0


async def service_readiness(
    client: httpx.AsyncClient, urls: dict[str, str], own: Callable[[], Awaitable[bool]]
) -> dict[str, dict[str, Any]]:
    names = list(urls)
    results = await asyncio.gather(*(_ready(client, urls[name]) for name in names))
    report = dict(zip(names, results, strict=True))
    report["gateway"] = {"status": "ready" if await own() else "not_ready"}
    return report


async def _ready(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url.rstrip("/") + "/ready", timeout=READY_TIMEOUT_SECONDS)
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
    except (httpx.HTTPError, ValueError) as error:
        return {"status": "unreachable", "detail": type(error).__name__}
    status = "ready" if response.status_code == 200 else "not_ready"
    return {"status": status, "checks": body.get("checks", {}), "mode": body.get("mode")}


def request_stats(app_name: str, registry: CollectorRegistry = REGISTRY) -> RequestStats:
    requests = errors = 0
    buckets: dict[float, float] = {}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.labels.get("app_name") != app_name:
                continue
            if sample.name == f"{REQUESTS_METRIC}_total":
                requests += int(sample.value)
                errors += (
                    int(sample.value)
                    if str(sample.labels.get("status_code", "")).startswith("5")
                    else 0
                )
            elif sample.name == f"{DURATION_METRIC}_bucket":
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return RequestStats(requests, errors, _quantile(buckets, 0.95))


def _quantile(buckets: dict[float, float], q: float) -> float | None:
    """The upper bound of the first bucket that holds the q-quantile (an upper estimate)."""
    total = buckets.get(math.inf, 0.0)
    if total == 0:
        return None
    for bound in sorted(buckets):
        if buckets[bound] >= q * total:
            return bound
    return None


def alerts(
    stats: RequestStats,
    readiness: dict[str, dict[str, Any]],
    database_seconds: float | None,
    limits: Thresholds,
) -> list[dict[str, Any]]:
    found = [
        _alert("service_not_ready", "critical", report["status"], None, service=name)
        for name, report in readiness.items()
        if report["status"] != "ready"
    ]
    if stats.requests:
        level = _level(stats.error_rate, limits.error_rate_warning, limits.error_rate_critical)
        if level:
            found.append(
                _alert(
                    "high_error_rate", level, round(stats.error_rate, 4), limits.error_rate_warning
                )
            )
    if stats.p95_seconds is not None and stats.p95_seconds > limits.p95_seconds:
        found.append(_alert("slow_responses", "warning", stats.p95_seconds, limits.p95_seconds))
    if database_seconds is None:
        found.append(_alert("database_unreachable", "critical", None, None))
    else:
        level = _level(
            database_seconds, limits.database_seconds_warning, limits.database_seconds_critical
        )
        if level:
            found.append(
                _alert(
                    "slow_database",
                    level,
                    round(database_seconds, 3),
                    limits.database_seconds_warning,
                )
            )
    return found


def _level(value: float, warning: float, critical: float) -> str | None:
    if value > critical:
        return "critical"
    return "warning" if value > warning else None


def _alert(name: str, severity: str, value: Any, threshold: Any, **extra: Any) -> dict[str, Any]:
    return {"alert": name, "severity": severity, "value": value, "threshold": threshold, **extra}


async def database_latency(pool: AsyncConnectionPool, timeout: float = 3.0) -> float | None:
    """Seconds for one round trip to PostgreSQL, or None when it does not answer."""
    started = time.perf_counter()
    try:
        async with pool.connection(timeout=timeout) as conn:
            await conn.execute("SELECT 1")
    except Exception:
        return None
    return time.perf_counter() - started
