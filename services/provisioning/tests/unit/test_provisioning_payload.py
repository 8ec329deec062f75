"""Building the seed's provisioning payload and validating it against its generated schema."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_provisioning.builder import build_payload, payload_document
from switchboard_provisioning.payload import PayloadError, payload_schema, schema_errors

AT = datetime(2024, 1, 10, 10, 0, tzinfo=UTC)
APPROVAL: dict[str, Any] = {
    "location_name": "Acme Medical - Main Office",
    "form": {
        "account_name": "Acme Medical Group",
        "address": {
            "line1": "123 Main Street",
            "line2": "Suite 100",
            "city": "New York",
            "state": "NY",
            "zipcode": "10001",
        },
        "primary_contact": {
            "name": "Alice Johnson",
            "email": "alice@example.com",
            "phone": "+1-555-0101",
        },
        "devices": [
            {
                "id": "phone-1",
                "brand": "yealink",
                "model": "T46S",
                "mac_address": "00-15-5d-01-01-01",
                "extension": "1001",
                "user": {"name": "Alice Johnson", "email": "alice@example.com"},
            },
            {
                "id": "phone-2",
                "brand": "YEALINK",
                "model": "T46S",
                "mac_address": "00:15:5D:01:01:02",
                "extension": "1002",
                "user": {"name": "Alice Johnson", "email": "ALICE@example.com"},
            },
        ],
        "working_hours": [{"day": "mon", "open": "09:00", "close": "17:00"}],
        "call_flow": {
            "type": "ivr",
            "greeting": "Hello",
            "options": [{"digit": "1", "extension": "1002"}],
        },
    },
}


def build(data: dict[str, Any]) -> dict[str, Any]:
    payload = build_payload(
        data,
        location_id="location-1",
        account_id="account-1",
        at=AT,
        source_event_id="evt-1",
        approved_by="lead-1",
    )
    return payload_document(payload)


def with_form(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(APPROVAL)
    data["form"].update(changes)
    return data


def test_the_payload_has_the_seed_shape() -> None:
    document = build(APPROVAL)

    assert document["locationId"] == "location-1"
    assert document["locationName"] == "Acme Medical - Main Office"
    assert (document["accountId"], document["accountName"]) == ("account-1", "Acme Medical Group")
    assert (document["timestamp"], document["version"]) == ("2024-01-10T10:00:00Z", "1.0.0")
    assert document["location"]["address"]["zipcode"] == "10001"
    assert document["contacts"]["primary"]["name"] == "Alice Johnson"
    assert document["devices"][0] == {
        "id": "phone-1",
        "brand": "YEALINK",
        "model": "T46S",
        "macAddress": "00:15:5D:01:01:01",
        "extension": "1001",
    }
    assert document["workingHours"] == [{"day": "mon", "open": "09:00", "close": "17:00"}]
    assert document["callFlow"]["type"] == "ivr"


def test_users_come_from_device_assignments_once_per_email() -> None:
    document = build(APPROVAL)

    assert document["users"] == [
        {"name": "Alice Johnson", "email": "alice@example.com", "extension": "1001"}
    ]
    assert [(e["number"], e["deviceId"]) for e in document["extensions"]] == [
        ("1001", "phone-1"),
        ("1002", "phone-2"),
    ]


def test_a_built_payload_satisfies_its_own_json_schema() -> None:
    assert schema_errors(build(APPROVAL)) == []


def test_the_schema_rejects_a_payload_with_missing_or_malformed_parts() -> None:
    document = build(APPROVAL)
    del document["callFlow"]
    document["devices"][0]["macAddress"] = "zz"
    document["version"] = "2.0.0"

    problems = "\n".join(schema_errors(document))

    assert "callFlow" in problems
    assert "devices/0/macAddress" in problems
    assert "version" in problems


def test_the_schema_is_generated_from_the_model_with_camel_case_names() -> None:
    schema = payload_schema()

    assert schema["$schema"].endswith("2020-12/schema")
    assert "macAddress" in schema["$defs"]["Device"]["properties"]
    assert "locationId" in schema["required"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"call_flow": {"type": "direct", "destination": "4242"}}, "unknown extension 4242"),
        ({"call_flow": {"type": "direct"}}, "needs a destination"),
        ({"call_flow": {"type": "ivr", "options": []}}, "at least one option"),
        ({"working_hours": []}, "working_hours"),
        ({"address": None}, "address"),
    ],
)
def test_data_that_cannot_make_a_valid_payload_fails_with_a_reason(
    changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(PayloadError, match=reason):
        build(with_form(**changes))


def test_duplicate_extensions_and_mac_addresses_are_refused() -> None:
    devices = copy.deepcopy(APPROVAL["form"]["devices"])
    devices[1].update(extension="1001", mac_address="00:15:5d:01:01:01")

    with pytest.raises(PayloadError) as caught:
        build(with_form(devices=devices))

    assert "duplicate extension 1001" in str(caught.value)
    assert "duplicate MAC address" in str(caught.value)
