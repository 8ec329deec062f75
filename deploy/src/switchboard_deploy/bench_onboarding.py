"""The onboarding stage of `make bench`: submitted locations, from one bulk approval to COMPLETED.

Everything goes through the gateway. Creating, filling and submitting the locations is set-up
and not timed; the clock runs from the bulk approval until every location reads COMPLETED,
which takes provisioning's generation (over the bus), the implementation team's completion
report for each location, and onboarding consuming the outcome.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import httpx

POLL_SECONDS = 0.02
DEADLINE_SECONDS = 120.0


def _form(index: int) -> dict[str, Any]:
    mac = f"02:00:{index >> 16 & 0xFF:02X}:{index >> 8 & 0xFF:02X}:{index & 0xFF:02X}"
    return {
        "account_name": "Bench Clinic",
        "address": {"line1": "1 Bench Road", "city": "Springfield", "state": "IL", "zipcode": "1"},
        "contacts": {
            "primary": {"name": "Pat", "email": "pat@example.test", "phone": "+12175550100"}
        },
        "phone_system": {"provider": "Bench Voice", "sip_domain": "bench.sip.example.test"},
        "users": [
            {
                "id": "pat",
                "name": "Pat",
                "email": "pat@example.test",
                "role": "manager",
                "extension": "1001",
            }
        ],
        "devices": [
            {
                "id": "desk",
                "brand": "YEALINK",
                "model": "T46S",
                "mac_address": f"{mac}:01",
                "user_id": "pat",
            }
        ],
        "working_hours": {"days": [{"day": "mon", "open": "09:00", "close": "17:00"}]},
        "call_flow": {"type": "direct", "destination": {"kind": "user", "ref": "pat"}},
    }


async def _account(api: httpx.AsyncClient, owner: dict[str, str], where: str, role: str) -> str:
    """A new account with this role; its bearer token."""
    email, password = f"bench-{secrets.token_hex(4)}@example.test", secrets.token_urlsafe(12)
    created = await api.post(
        where, json={"email": email, "password": password, "role": role}, headers=owner
    )
    created.raise_for_status()
    login = await api.post("/api/auth/login", json={"email": email, "password": password})
    login.raise_for_status()
    return f"Bearer {login.json()['access_token']}"


async def _people(
    api: httpx.AsyncClient, owner_token: str
) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh tenant's admin and an implementation lead: their headers."""
    owner = {"Authorization": f"Bearer {owner_token}"}
    tenant = await api.post(
        "/api/tenants", json={"name": f"bench-{secrets.token_hex(3)}"}, headers=owner
    )
    tenant.raise_for_status()
    users = f"/api/tenants/{tenant.json()['id']}/users"
    admin = await _account(api, owner, users, "admin")
    lead = await _account(api, owner, "/api/platform/users", "implementation_lead")
    return {"Authorization": admin}, {"Authorization": lead}


async def _submitted(api: httpx.AsyncClient, admin: dict[str, str], index: int) -> str:
    created = await api.post("/api/locations", json={"name": f"Bench {index}"}, headers=admin)
    created.raise_for_status()
    location_id = str(created.json()["location_id"])
    filled = await api.patch(f"/api/onboarding/{location_id}", json=_form(index), headers=admin)
    filled.raise_for_status()
    submitted = await api.post(f"/api/onboarding/{location_id}/submit", headers=admin)
    submitted.raise_for_status()
    return location_id


async def _statuses(api: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    page = await api.get("/api/locations", params={"limit": 200}, headers=admin)
    page.raise_for_status()
    return {item["location_id"]: item["status"] for item in page.json()["items"]}


async def approval_to_completed(
    gateway: str, owner_token: str, count: int
) -> tuple[float, list[float], int]:
    """(seconds for all, seconds each from approval to COMPLETED, locations not completed)."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        admin, lead = await _people(api, owner_token)
        offset = secrets.randbelow(1 << 20)
        ids = list(
            await asyncio.gather(*(_submitted(api, admin, offset + i) for i in range(count)))
        )
        wanted = set(ids)
        items = [{"location_id": lid, "decision": "approve"} for lid in ids]
        started = time.perf_counter()
        approved = await api.post("/api/bulk/approvals", json={"items": items}, headers=lead)
        approved.raise_for_status()
        done: dict[str, float] = {}
        reported: set[str] = set()
        deadline = started + DEADLINE_SECONDS
        while len(done) < len(wanted) and time.perf_counter() < deadline:
            statuses = await _statuses(api, admin)
            ready = [i for i in wanted if statuses.get(i) == "PROVISIONING" and i not in reported]
            await asyncio.gather(
                *(api.post(f"/api/provisioning/{i}/complete", headers=lead) for i in ready)
            )
            reported.update(ready)
            now = time.perf_counter()
            for i in wanted:
                if statuses.get(i) == "COMPLETED" and i not in done:
                    done[i] = now - started
            await asyncio.sleep(POLL_SECONDS)
    total = max(done.values(), default=time.perf_counter() - started)
    return total, list(done.values()), len(wanted) - len(done)
