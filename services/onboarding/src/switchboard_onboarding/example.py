"""A complete onboarding form that passes every check: the reference example of the form."""

from __future__ import annotations

import copy
from typing import Any

_EXAMPLE: dict[str, Any] = {
    "account_name": "Acme Medical Group",
    "address": {
        "line1": "123 Main Street",
        "line2": "Suite 100",
        "city": "New York",
        "state": "NY",
        "zipcode": "10001",
    },
    "contacts": {
        "primary": {"name": "Alice Johnson", "email": "alice@example.com", "phone": "+12125550101"}
    },
    "phone_system": {
        "provider": "Acme Voice",
        "sip_domain": "acme.sip.example.com",
        "numbers_to_port": [{"number": "+12125550100", "carrier": "Old Telco"}],
        "caller_id": "+12125550100",
        "voicemail": {"enabled": True, "email": "frontdesk@example.com"},
        "recording": {"enabled": True, "announce": True},
    },
    "users": [
        {
            "id": "alice",
            "name": "Alice Johnson",
            "email": "alice@example.com",
            "role": "manager",
            "extension": "1001",
        },
        {
            "id": "bob",
            "name": "Bob Front",
            "email": "bob@example.com",
            "role": "reception",
            "extension": "1002",
        },
        {
            "id": "carol",
            "name": "Carol Remote",
            "email": "carol@example.com",
            "role": "staff",
            "extension": "1003",
        },
    ],
    "devices": [
        {
            "id": "phone-1",
            "brand": "YEALINK",
            "model": "T46S",
            "mac_address": "00:15:5D:01:01:01",
            "user_id": "alice",
        },
        {
            "id": "phone-2",
            "brand": "YEALINK",
            "model": "T46S",
            "mac_address": "00:15:5D:01:01:02",
            "user_id": "bob",
        },
    ],
    "working_hours": {
        "days": [
            {"day": "mon", "open": "09:00", "close": "17:00"},
            {"day": "tue", "open": "09:00", "close": "17:00"},
            {"day": "sat", "closed": True},
        ],
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
    },
    "call_flow": {
        "type": "ivr",
        "greeting": "Thank you for calling Acme Medical.",
        "options": [
            {"digit": "1", "target": {"kind": "queue", "ref": "front-desk"}},
            {"digit": "2", "target": {"kind": "user", "ref": "alice"}},
            {"digit": "0", "target": {"kind": "extension", "ref": "1003"}},
        ],
        "queues": [{"id": "front-desk", "name": "Front desk", "members": ["bob", "carol"]}],
    },
    "notes": "Carol works from home and has no desk phone.",
}


def example_form() -> dict[str, Any]:
    """A fresh copy, safe to change."""
    return copy.deepcopy(_EXAMPLE)
