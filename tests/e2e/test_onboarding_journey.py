"""A location from its first form to a completed hand-off, through the gateway over the real bus."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from journey_helpers import eventually, make_tenant_admin
from jsonschema import Draft202012Validator

from switchboard_deploy.testing import bearer, login, unique_id

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
FORM: dict[str, Any] = {
    "account_name": "Acme Medical Group",
    "address": {"line1": "123 Main Street", "city": "New York", "state": "NY", "zipcode": "10001"},
    "contacts": {
        "primary": {"name": "Alice Johnson", "email": "alice@example.com", "phone": "+12125550101"}
    },
    "phone_system": {
        "provider": "Acme Voice",
        "trunk": "trunk-7",
        "numbers_to_port": [{"number": "+12125550100", "carrier": "Old Telco"}],
        "caller_id": "+12125550100",
    },
    "users": [
        {
            "id": "alice",
            "name": "Alice",
            "email": "alice@example.com",
            "role": "manager",
            "extension": "1001",
        },
        {
            "id": "bob",
            "name": "Bob",
            "email": "bob@example.com",
            "role": "reception",
            "extension": "1002",
        },
    ],
    "devices": [
        {
            "id": "phone-1",
            "brand": "YEALINK",
            "model": "T46S",
            "mac_address": "00:15:5D:0A:00:01",
            "user_id": "alice",
        },
        {
            "id": "phone-2",
            "brand": "POLY",
            "model": "VVX",
            "mac_address": "00:15:5D:0A:00:02",
            "user_id": "bob",
        },
    ],
    "working_hours": {"days": [{"day": "mon", "open": "08:00", "close": "18:00"}]},
    "call_flow": {
        "type": "ivr",
        "options": [
            {"digit": "1", "target": {"kind": "user", "ref": "bob"}},
            {"digit": "2", "target": {"kind": "extension", "ref": "1001"}},
        ],
    },
}


def form_with_macs(prefix: str) -> dict[str, Any]:
    form = copy.deepcopy(FORM)
    for i, device in enumerate(form["devices"]):
        device["mac_address"] = f"{prefix}:{i:02X}"
    return form


@pytest.fixture(scope="module")
def customer(gateway_url: str, owner_token: str) -> tuple[str, dict[str, str]]:
    tenant_id, token = make_tenant_admin(gateway_url, owner_token)
    return tenant_id, bearer(token)


@pytest.fixture(scope="module")
def lead(gateway_url: str, owner_token: str) -> dict[str, str]:
    email = f"{unique_id('lead')}@example.test"
    created = httpx.post(
        f"{gateway_url}/api/platform/users",
        json={"email": email, "password": PASSWORD, "role": "implementation_lead"},
        headers=bearer(owner_token),
    )
    assert created.status_code == 201, created.text
    return bearer(login(gateway_url, email, PASSWORD))


def new_location(gateway_url: str, headers: dict[str, str]) -> str:
    created = httpx.post(f"{gateway_url}/api/locations", json={"name": "Main"}, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["location_id"])


def status_of(gateway_url: str, location_id: str, headers: dict[str, str]) -> str:
    view = httpx.get(f"{gateway_url}/api/onboarding/{location_id}", headers=headers)
    return str(view.json()["status"])


def test_a_location_goes_from_a_broken_form_to_completed_and_stays_locked(
    gateway_url: str, customer: tuple[str, dict[str, str]], lead: dict[str, str]
) -> None:
    _, owner = customer
    location_id = new_location(gateway_url, owner)
    url = f"{gateway_url}/api/onboarding/{location_id}"
    broken = copy.deepcopy(FORM)
    broken["devices"][1]["mac_address"] = FORM["devices"][0]["mac_address"]
    broken["contacts"]["primary"]["phone"] = "555-0101"
    broken["call_flow"]["options"][0]["target"]["ref"] = "carol"
    broken["working_hours"]["days"][0] = {"day": "mon", "open": "18:00", "close": "08:00"}
    del broken["phone_system"]

    assert httpx.patch(url, json=broken, headers=owner).status_code == 422
    shape_ok = {k: v for k, v in broken.items() if k != "contacts"}
    assert httpx.patch(url, json=shape_ok, headers=owner).status_code == 200
    refused = httpx.post(f"{url}/submit", headers=owner)
    assert refused.status_code == 422
    assert {(e["path"], e["code"]) for e in refused.json()["errors"]} == {
        ("contacts", "required"),
        ("phone_system", "required"),
        ("devices[1].mac_address", "duplicate_mac"),
        ("working_hours.days[0].close", "closes_before_open"),
        ("call_flow.options[0].target.ref", "unknown_target"),
    }

    assert httpx.patch(url, json=FORM, headers=owner).status_code == 200
    submitted = httpx.post(f"{url}/submit", headers=owner)
    assert submitted.json()["status"] == "PENDING_APPROVAL", submitted.text
    approved = httpx.post(
        f"{gateway_url}/api/approvals/{location_id}", json={"decision": "approve"}, headers=lead
    )
    assert approved.json()["status"] == "APPROVED", approved.text

    payload_url = f"{gateway_url}/api/provisioning/{location_id}"
    payload = eventually(
        lambda: (r := httpx.get(payload_url, headers=lead)).status_code == 200 and r
    )
    assert payload, "no provisioning payload appeared"
    schema = httpx.get(f"{gateway_url}/api/provisioning/schema", headers=lead).json()
    assert list(Draft202012Validator(schema).iter_errors(payload.json())) == []
    assert httpx.get(payload_url, headers=owner).status_code == 403

    assert eventually(lambda: status_of(gateway_url, location_id, lead) == "PROVISIONING")
    assert httpx.post(f"{payload_url}/complete", headers=lead).status_code == 200
    assert eventually(lambda: status_of(gateway_url, location_id, owner) == "COMPLETED")

    locked = httpx.patch(url, json={"notes": "one more thing"}, headers=owner)
    assert (locked.status_code, locked.json()["error"]) == (409, "locked")
    reason = f"customer asked to add a note {unique_id('r')}"
    overridden = httpx.post(
        f"{url}/override", json={"reason": reason, "fields": {"notes": "late"}}, headers=lead
    )
    assert overridden.status_code == 200, overridden.text

    def override_entry() -> dict[str, Any] | None:
        page = httpx.get(
            f"{gateway_url}/api/audit", params={"action": "onboarding.override"}, headers=lead
        ).json()
        return next((e for e in page["items"] if e["reason"] == reason), None)

    entry = eventually(override_entry)
    assert entry, "the override never reached the audit log"
    assert entry["resource"] == f"location:{location_id}"


def test_a_blocked_location_is_unblocked_back_to_where_it_was(
    gateway_url: str, customer: tuple[str, dict[str, str]], lead: dict[str, str]
) -> None:
    _, owner = customer
    location_id = new_location(gateway_url, owner)
    url = f"{gateway_url}/api/onboarding/{location_id}"
    httpx.patch(url, json=form_with_macs("00:15:5D:0B:00"), headers=owner)
    httpx.post(f"{url}/submit", headers=owner)

    blocked = httpx.post(
        f"{url}/status", json={"status": "BLOCKED", "reason": "credit check"}, headers=lead
    )
    illegal = httpx.post(f"{url}/status", json={"status": "APPROVED"}, headers=lead)
    unblocked = httpx.post(f"{url}/status", json={"status": "PENDING_APPROVAL"}, headers=lead)

    assert blocked.json()["status"] == "BLOCKED", blocked.text
    assert (illegal.status_code, illegal.json()["current"]) == (409, "BLOCKED")
    assert "PENDING_APPROVAL" in illegal.json()["allowed"]
    assert unblocked.json()["status"] == "PENDING_APPROVAL"


def test_bulk_approvals_report_each_item_refuse_too_many_and_replay_a_retry(
    gateway_url: str, customer: tuple[str, dict[str, str]], lead: dict[str, str]
) -> None:
    _, owner = customer
    pending = new_location(gateway_url, owner)
    httpx.patch(
        f"{gateway_url}/api/onboarding/{pending}",
        json=form_with_macs("00:15:5D:0C:00"),
        headers=owner,
    )
    httpx.post(f"{gateway_url}/api/onboarding/{pending}/submit", headers=owner)
    draft = new_location(gateway_url, owner)
    items = [
        {"location_id": pending, "decision": "approve"},
        {"location_id": draft, "decision": "approve"},
        {"location_id": "loc-missing", "decision": "approve"},
    ]
    keyed = {**lead, "Idempotency-Key": unique_id("bulk")}

    first = httpx.post(f"{gateway_url}/api/bulk/approvals", json={"items": items}, headers=keyed)
    retry = httpx.post(f"{gateway_url}/api/bulk/approvals", json={"items": items}, headers=keyed)
    too_many = httpx.post(
        f"{gateway_url}/api/bulk/approvals",
        json={"items": [{"location_id": f"loc-{i}", "decision": "approve"} for i in range(101)]},
        headers=lead,
    )

    assert [(r["ok"], r.get("error")) for r in first.json()["results"]] == [
        (True, None),
        (False, "invalid_transition"),
        (False, "not_found"),
    ]
    assert (retry.json(), retry.headers.get("idempotent-replayed")) == (first.json(), "true")
    assert too_many.status_code == 413
    assert status_of(gateway_url, draft, owner) == "NOT_STARTED"
