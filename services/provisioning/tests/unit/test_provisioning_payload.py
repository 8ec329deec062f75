"""Building the provisioning payload and validating it against its generated schema."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from switchboard_provisioning.builder import build_payload, payload_document
from switchboard_provisioning.contract import SCHEMA_FILE, schema_text
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
        "contacts": {
            "primary": {
                "name": "Alice Johnson",
                "email": "alice@example.com",
                "phone": "+12125550101",
            }
        },
        "phone_system": {
            "provider": "Acme Voice",
            "sip_domain": "acme.sip.example.com",
            "numbers_to_port": [{"number": "+12125550100", "carrier": "Old Telco"}],
            "caller_id": "+12125550100",
            "voicemail": {"enabled": True, "email": "frontdesk@example.com"},
            "recording": {"enabled": False, "announce": True},
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
            {
                "id": "carol",
                "name": "Carol",
                "email": "carol@example.com",
                "role": "staff",
                "extension": "1003",
            },
        ],
        "devices": [
            {
                "id": "phone-1",
                "brand": "yealink",
                "model": "T46S",
                "mac_address": "00-15-5d-01-01-01",
                "user_id": "alice",
            },
            {
                "id": "phone-2",
                "brand": "YEALINK",
                "model": "T46S",
                "mac_address": "00:15:5D:01:01:02",
                "user_id": "alice",
            },
        ],
        "working_hours": {
            "days": [
                {"day": "mon", "open": "09:00", "close": "17:00"},
                {"day": "sun", "closed": True},
            ],
            "holidays": [{"date": "2024-12-25", "name": "Christmas Day"}],
        },
        "call_flow": {
            "type": "ivr",
            "greeting": "Hello",
            "options": [
                {"digit": "1", "target": {"kind": "queue", "ref": "desk"}},
                {"digit": "2", "target": {"kind": "user", "ref": "alice"}},
                {"digit": "0", "target": {"kind": "extension", "ref": "1003"}},
            ],
            "queues": [{"id": "desk", "name": "Desk", "members": ["bob", "carol"]}],
        },
        "notes": "Carol has no desk phone.",
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


def test_the_payload_has_the_hand_off_shape() -> None:
    document = build(APPROVAL)

    assert document["locationId"] == "location-1"
    assert document["locationName"] == "Acme Medical - Main Office"
    assert (document["accountId"], document["accountName"]) == ("account-1", "Acme Medical Group")
    assert (document["timestamp"], document["version"]) == ("2024-01-10T10:00:00Z", "2.0.0")
    assert document["metadata"]["sourceEventId"] == "evt-1"
    assert document["location"]["address"]["zipcode"] == "10001"
    assert document["contacts"]["primary"]["name"] == "Alice Johnson"
    assert document["devices"][0] == {
        "id": "phone-1",
        "brand": "YEALINK",
        "model": "T46S",
        "macAddress": "00:15:5D:01:01:01",
        "extension": "1001",
        "userId": "alice",
    }
    assert document["workingHours"][1] == {
        "day": "sun",
        "closed": True,
        "open": None,
        "close": None,
    }
    assert document["holidays"] == [{"date": "2024-12-25", "name": "Christmas Day"}]
    assert document["notes"] == "Carol has no desk phone."


def test_the_phone_system_is_carried_over() -> None:
    system = build(APPROVAL)["phoneSystem"]

    assert system["sipDomain"] == "acme.sip.example.com"
    assert system["numbersToPort"] == [{"number": "+12125550100", "carrier": "Old Telco"}]
    assert (system["callerId"], system["voicemail"]["enabled"]) == ("+12125550100", True)


def test_users_with_and_without_devices_each_have_their_extension() -> None:
    document = build(APPROVAL)

    assert [(u["id"], u["extension"], u["deviceIds"]) for u in document["users"]] == [
        ("alice", "1001", ["phone-1", "phone-2"]),
        ("bob", "1002", []),
        ("carol", "1003", []),
    ]
    first = document["extensions"][0]
    assert (first["number"], first["userEmail"]) == ("1001", "alice@example.com")


def test_call_flow_targets_are_resolved_to_the_extensions_they_ring() -> None:
    flow = build(APPROVAL)["callFlow"]

    assert [(o["digit"], o["target"]["extensions"]) for o in flow["options"]] == [
        ("1", ["1002", "1003"]),
        ("2", ["1001"]),
        ("0", ["1003"]),
    ]


def test_a_built_payload_satisfies_its_own_json_schema() -> None:
    assert schema_errors(build(APPROVAL)) == []


def test_the_schema_rejects_a_payload_with_missing_or_malformed_parts() -> None:
    document = build(APPROVAL)
    del document["callFlow"]
    document["devices"][0]["macAddress"] = "zz"
    document["version"] = "1.0.0"

    problems = "\n".join(schema_errors(document))

    assert "callFlow" in problems
    assert "devices/0/macAddress" in problems
    assert "version" in problems


def test_the_schema_is_generated_from_the_model_with_camel_case_names() -> None:
    schema = payload_schema()

    assert schema["$schema"].endswith("2020-12/schema")
    assert "macAddress" in schema["$defs"]["Device"]["properties"]
    assert {"locationId", "phoneSystem"} <= set(schema["required"])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"call_flow": {"type": "direct", "destination": {"kind": "extension", "ref": "4242"}}},
            "unknown extension 4242",
        ),
        ({"call_flow": {"type": "direct"}}, "needs a destination"),
        ({"call_flow": {"type": "ivr", "options": []}}, "at least one option"),
        ({"working_hours": {"days": []}}, "working_hours"),
        (
            {"working_hours": {"days": [{"day": "mon", "open": "18:00", "close": "09:00"}]}},
            "mon is open",
        ),
        ({"address": None}, "address"),
    ],
)
def test_data_that_cannot_make_a_valid_payload_fails_with_a_reason(
    changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(PayloadError, match=reason):
        build(with_form(**changes))


def test_duplicate_extensions_mac_addresses_and_unknown_users_are_refused() -> None:
    form = copy.deepcopy(APPROVAL["form"])
    form["users"][1]["extension"] = "1001"
    form["devices"][1].update(mac_address="00:15:5d:01:01:01", user_id="nobody")

    with pytest.raises(PayloadError) as caught:
        build(with_form(users=form["users"], devices=form["devices"]))

    assert "duplicate extension 1001" in str(caught.value)
    assert "duplicate MAC address" in str(caught.value)
    assert "unknown user nobody" in str(caught.value)


def test_the_committed_payload_schema_is_the_generated_one() -> None:
    """docs/contract holds the schema `python -m switchboard_provisioning.contract` writes."""
    committed = Path(__file__).parents[4] / "docs" / "contract" / SCHEMA_FILE

    assert committed.read_text() == schema_text()


def test_the_same_approved_data_always_has_the_same_revision() -> None:
    first = build(APPROVAL)
    later = build_payload(
        APPROVAL,
        location_id="location-1",
        account_id="account-1",
        at=datetime(2025, 3, 1, tzinfo=UTC),
        source_event_id="evt-2",
        approved_by="lead-2",
    )
    changed = build(with_form(notes="a different note"))

    assert first["metadata"]["revision"] == later.metadata.revision
    assert first["metadata"]["revision"] != changed["metadata"]["revision"]
    assert len(first["metadata"]["revision"]) == 16
