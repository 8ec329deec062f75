"""Every state-changing route of every service, walked in maintenance and in read-only mode:
each answers 503 `maintenance` with Retry-After, except the few that must keep working."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from modes import command, restart, seconds_until_every_service_reports
from permission_routes import Route, collect_routes, walk_call

from switchboard_deploy.testing import Owner, bearer, login
from switchboard_shared.write_guard import SAFE_METHODS

pytestmark = pytest.mark.e2e

OPEN_IN_MAINTENANCE: dict[tuple[str, str], str] = {
    ("POST", "/api/webhooks/{provider}"): "webhooks are still accepted, queued on the bus",
    ("POST", "/api/auth/login"): "operators sign in to end maintenance",
    ("POST", "/api/auth/refresh"): "a session outlives maintenance",
    ("POST", "/api/auth/mfa/verify"): "the second step of signing in",
    ("POST", "/api/auth/logout"): "signing out only takes access away",
    ("DELETE", "/api/auth/sessions/{sid}"): "ending a session only takes access away",
    ("POST", "/api/owner/command"): "the way out of maintenance",
}
ENDS_THE_SESSION = {("POST", "/api/auth/logout")}


@pytest.fixture(scope="module")
def write_routes() -> list[Route]:
    return [r for r in collect_routes() if r.method not in SAFE_METHODS]


def walk(
    gateway_url: str, owner: Owner, token: str, routes: list[Route], tenant_id: str, mode: str
) -> list[str]:
    problems = []
    with httpx.Client(base_url=gateway_url, timeout=15) as http:
        for route in routes:
            call = walk_call(route, tenant_id)
            caller = (
                login(gateway_url, owner.email, owner.password)
                if (route.key in ENDS_THE_SESSION)
                else token
            )
            answer = http.request(
                call.method, call.path, params=call.params, json=call.body, headers=bearer(caller)
            )
            where = f"{route.service}: {route.method} {route.path}"
            body = (
                answer.json()
                if answer.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            refused = answer.status_code == 503 and body.get("error") == "maintenance"
            if route.key in OPEN_IN_MAINTENANCE:
                if refused:
                    problems.append(f"{where} must stay open ({OPEN_IN_MAINTENANCE[route.key]})")
            elif not refused:
                problems.append(f"{where}: {answer.status_code} {answer.text[:100]}")
            elif body.get("mode") != mode or not answer.headers.get("retry-after"):
                problems.append(f"{where}: the refusal lacks the mode or Retry-After: {body}")
    return problems


@pytest.mark.parametrize(
    ("command_name", "mode"), [("shutdown", "maintenance"), ("read_only", "read_only")]
)
def test_every_write_route_refuses_while_the_platform_does_not_run(
    gateway_url: str,
    owner_token: str,
    platform_owner: Owner,
    write_routes: list[Route],
    command_name: str,
    mode: str,
) -> None:
    assert {r.service for r in write_routes} >= {"gateway", "webhook-ingest", "onboarding"}
    tenant = httpx.post(
        f"{gateway_url}/api/tenants", json={"name": "walk"}, headers=bearer(owner_token)
    )
    assert tenant.status_code == 201, tenant.text
    issued = command(gateway_url, owner_token, command_name, f"e2e: {mode} write walk")
    try:
        since = datetime.fromisoformat(issued["timestamp"])
        seconds_until_every_service_reports(gateway_url, owner_token, mode, since)
        problems = walk(
            gateway_url, platform_owner, owner_token, write_routes, tenant.json()["id"], mode
        )
    finally:
        restart(gateway_url, owner_token, "e2e: write walk over")
    assert not problems, f"{len(problems)} of {len(write_routes)} write routes:\n" + "\n".join(
        problems
    )
