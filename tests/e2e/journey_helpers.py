"""What the journeys share: a tenant with a signed-in admin, webhook bodies, polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from switchboard_deploy.testing import bearer, login, unique_id


def make_tenant_admin(gateway_url: str, owner_token: str) -> tuple[str, str]:
    """A new tenant and a signed-in admin of it: (tenant id, admin token)."""
    tenant = httpx.post(
        f"{gateway_url}/api/tenants",
        json={"name": unique_id("clinic")},
        headers=bearer(owner_token),
    )
    assert tenant.status_code == 201, tenant.text
    tenant_id = tenant.json()["id"]
    email, password = f"{unique_id('admin')}@example.test", "correct horse battery staple"
    user = httpx.post(
        f"{gateway_url}/api/tenants/{tenant_id}/users",
        json={"email": email, "password": password, "role": "admin"},
        headers=bearer(owner_token),
    )
    assert user.status_code == 201, user.text
    return tenant_id, login(gateway_url, email, password)


def make_webhook_url(gateway_url: str, tenant_id: str, admin_token: str) -> str:
    created = httpx.post(
        f"{gateway_url}/api/tenants/{tenant_id}/webhook-tokens",
        json={"provider": "standard"},
        headers=bearer(admin_token),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["webhook_url"])


def standard_call(call_id: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "call_id": call_id,
        "agent_name": "Ava",
        "disposition": "booked",
        "duration_sec": 95,
        "phone_number": "+15550101234",
        "direction": "inbound",
    }
    return {
        "type": "call.ended",
        "timestamp": "2026-01-07T12:00:00Z",
        "data": {**data, **overrides},
    }


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def all_call_ids(base_url: str, token: str) -> list[str]:
    """Every call id the caller sees, following the cursor to the end."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{base_url}/api/calls", params=params, headers=bearer(token), timeout=10)
        page.raise_for_status()
        body = page.json()
        ids += [item["call_id"] for item in body["items"]]
        cursor = body.get("next_cursor")
        if not cursor:
            return ids
