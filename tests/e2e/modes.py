"""Owner commands that change the operating mode, and what the replicas say they applied."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from switchboard_deploy.services import SERVICES
from switchboard_deploy.testing import bearer

SERVICE_NAMES = frozenset(spec.name for spec in SERVICES)


def command(gateway_url: str, token: str, name: str, reason: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{gateway_url}/api/owner/command",
        json={"command": name, "params": {"reason": reason, "approvalConfirmed": True}},
        headers=bearer(token),
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def restart(gateway_url: str, token: str, reason: str) -> dict[str, Any]:
    """restart_system, answered once every service's live instances run again."""
    answer = command(gateway_url, token, "restart_system", reason)
    since = datetime.fromisoformat(answer["timestamp"])
    seconds_until_every_service_reports(gateway_url, token, "running", since)
    return answer


def applied_modes(gateway_url: str, token: str, since: datetime) -> dict[str, set[str]]:
    """Per service of the platform: the modes its live instances reported after `since`."""
    status = httpx.get(f"{gateway_url}/api/system/status", headers=bearer(token), timeout=10)
    assert status.status_code == 200, status.text
    modes: dict[str, set[str]] = {name: set() for name in SERVICE_NAMES}
    for service in status.json()["services"]:
        if service["service"] not in SERVICE_NAMES:
            continue
        for instance in service["instances"]:
            seen = datetime.fromisoformat(instance["last_heartbeat"])
            if not instance["stale"] and seen >= since:
                modes[service["service"]].add(instance["mode"])
    return modes


def seconds_until_every_service_reports(
    gateway_url: str, token: str, mode: str, since: datetime, within: float = 30.0
) -> float:
    """How long after `since` (the command) every service's live instances all reported `mode`."""
    while True:
        modes = applied_modes(gateway_url, token, since)
        elapsed = (datetime.now(UTC) - since).total_seconds()
        if all(found == {mode} for found in modes.values()):
            return elapsed
        assert elapsed < within, f"not every service applied {mode}: {modes}"
        time.sleep(0.05)
