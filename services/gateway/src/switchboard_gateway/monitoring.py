"""Platform health, request metrics and alerts (thresholds after seed 003's alerting section)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client import REGISTRY, CollectorRegistry

REQUESTS_METRIC = "litestar_requests"
DURATION_METRIC = "litestar_request_duration_seconds"
READY_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Thresholds:
    error_rate: float = 0.05
    p95_seconds: float = 2.0


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
    stats: RequestStats, readiness: dict[str, dict[str, Any]], limits: Thresholds
) -> list[dict[str, Any]]:
    found = [
        {
            "alert": "service_not_ready",
            "severity": "critical",
            "service": name,
            "status": report["status"],
        }
        for name, report in readiness.items()
        if report["status"] != "ready"
    ]
    if stats.requests and stats.error_rate > limits.error_rate:
        found.append(
            {
                "alert": "high_error_rate",
                "severity": "warning",
                "value": round(stats.error_rate, 4),
                "threshold": limits.error_rate,
            }
        )
    if stats.p95_seconds is not None and stats.p95_seconds > limits.p95_seconds:
        found.append(
            {
                "alert": "slow_responses",
                "severity": "warning",
                "value": stats.p95_seconds,
                "threshold": limits.p95_seconds,
            }
        )
    return found
