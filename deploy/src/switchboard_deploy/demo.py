"""Seeds a demo tenant through the public API and prints how to call the running platform."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from switchboard_deploy.services import SERVICES
from switchboard_deploy.stack import Stack

DEMO_TENANT = "Demo Clinic"
DEMO_USERS = {
    "admin": ("admin@demo.switchboard.local", "demo-admin-password"),
    "viewer": ("viewer@demo.switchboard.local", "demo-viewer-password"),
}

SAMPLE_CALL = json.dumps(
    {
        "type": "call.ended",
        "timestamp": "2026-01-07T12:00:00Z",
        "data": {
            "call_id": "demo-call-1",
            "agent_name": "Ava",
            "disposition": "booked",
            "duration_sec": 95,
            "phone_number": "+15550101234",
        },
    }
)


@dataclass(frozen=True)
class Demo:
    tenant_id: str
    webhook_url: str


def seed_demo(gateway_url: str, owner_email: str, owner_password: str) -> Demo:
    """Idempotent: finds the demo tenant and users when a previous run made them."""
    with httpx.Client(base_url=gateway_url, timeout=10.0) as api:
        login = api.post("/api/auth/login", json={"email": owner_email, "password": owner_password})
        login.raise_for_status()
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        tenant_id = _demo_tenant(api)
        for role, (email, password) in DEMO_USERS.items():
            created = api.post(
                f"/api/tenants/{tenant_id}/users",
                json={"email": email, "password": password, "role": role},
            )
            if created.status_code != 409:
                created.raise_for_status()
        token = api.post(f"/api/tenants/{tenant_id}/webhook-tokens", json={"provider": "standard"})
        token.raise_for_status()
        return Demo(tenant_id=tenant_id, webhook_url=token.json()["webhook_url"])


def _demo_tenant(api: httpx.Client) -> str:
    listing = api.get("/api/tenants", params={"limit": 200})
    listing.raise_for_status()
    for tenant in listing.json()["items"]:
        if tenant["name"] == DEMO_TENANT:
            return str(tenant["id"])
    created = api.post("/api/tenants", json={"name": DEMO_TENANT})
    created.raise_for_status()
    return str(created.json()["id"])


def print_welcome(
    stack: Stack, demo: Demo, owner_email: str, owner_password: str, seconds: float
) -> None:
    admin_email, admin_password = DEMO_USERS["admin"]
    gateway = stack.url("gateway")
    lines = [
        "",
        f"Switchboard is running ({seconds:.1f}s to all seven services ready).",
        "",
        *(f"  {spec.name:<16} {stack.url(spec.name)}" for spec in SERVICES),
        f"  {'postgresql':<16} {stack.database_url}",
        f"  {'kafka':<16} {stack.bootstrap_servers}",
        "",
        f"Platform owner (demo only): {owner_email} / {owner_password}",
        f"Demo tenant '{DEMO_TENANT}' ({demo.tenant_id}) admin: {admin_email} / {admin_password}",
        "",
        "Try it (copy and paste):",
        "",
        f"  TOKEN=$(curl -s {gateway}/api/auth/login -H 'content-type: application/json' \\",
        f'    -d \'{{"email": "{admin_email}", "password": "{admin_password}"}}\' \\',
        "    | jq -r .access_token)",
        f"  curl -s -X POST '{demo.webhook_url}' \\",
        "    -H 'content-type: application/json' -H \"webhook-id: msg_$(date +%s%N)\" \\",
        f"    -d '{SAMPLE_CALL}'",
        f'  curl -s {gateway}/api/calls -H "Authorization: Bearer $TOKEN" | jq',
        "",
        "Ctrl-C stops everything.",
    ]
    print("\n".join(lines), flush=True)
