"""What an entry holds, what it never holds, and the bytes its leaf hash is made of."""

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from switchboard_audit.domain import (
    REDACTED,
    Entry,
    EntryDraft,
    decode_cursor,
    draft_from_audit_event,
    draft_from_command,
    encode_cursor,
    place,
)
from switchboard_audit.encoding import LEAF_FIELDS, canonical_bytes, entry_leaf_hash
from switchboard_shared.cursors import InvalidCursor
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, AuditResult, ControlCommand

T0 = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def draft(n: int) -> EntryDraft:
    return EntryDraft(
        event_id=f"ev-{n}",
        occurred_at=T0 + timedelta(seconds=n),
        action="shutdown",
        result="success",
        actor_id="owner_abc123",
        params={"reason": "Scheduled maintenance", "approvalConfirmed": True, "n": n},
    )


def entry(n: int) -> Entry:
    return place(draft(n), n, T0)


def test_the_canonical_bytes_are_sorted_compact_json_of_the_documented_fields():
    data = json.loads(canonical_bytes(entry(1)))
    assert list(data) == sorted(LEAF_FIELDS)
    assert data["seq"] == 1
    assert data["occurred_at"] == "2026-01-07T12:00:01.000000+00:00"
    assert b" " not in canonical_bytes(replace(entry(1), params={"a": 1, "b": [1, 2]}))


def test_the_leaf_hash_is_sha256_of_a_zero_byte_and_the_canonical_bytes():
    one = entry(1)
    assert entry_leaf_hash(one) == hashlib.sha256(b"\x00" + canonical_bytes(one)).digest()


def test_the_leaf_hash_covers_every_field_and_the_position():
    one = entry(1)
    for changed in (
        replace(one, params={**one.params, "reason": "other"}),
        replace(one, actor_id="someone-else"),
        replace(one, result="denied"),
        replace(one, occurred_at=one.occurred_at + timedelta(microseconds=1)),
        replace(one, recorded_at=one.recorded_at + timedelta(microseconds=1)),
        replace(one, seq=2),
    ):
        assert entry_leaf_hash(changed) != entry_leaf_hash(one)


def test_the_leaf_hash_does_not_depend_on_key_order_or_time_zone():
    one = entry(1)
    reordered = replace(one, params=dict(reversed(list(one.params.items()))))
    elsewhere = replace(one, occurred_at=one.occurred_at.astimezone(timezone(timedelta(hours=2))))
    assert entry_leaf_hash(reordered) == entry_leaf_hash(one) == entry_leaf_hash(elsewhere)


def test_non_ascii_text_is_hashed_as_utf8_without_escapes():
    text = canonical_bytes(replace(entry(1), reason="café ☎"))
    assert "café ☎".encode() in text


def test_secret_looking_keys_are_redacted_at_any_depth():
    event = AuditEvent(
        action="user.login",
        actor_id="u1",
        params={
            "password": "hunter2",
            "Api-Key": "k",
            "nested": {"access_token": "t", "note": "call +1 415 555 0100"},
            "items": [{"client_secret": "s"}],
            "kept": "visible",
        },
    )
    recorded = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id="e"))
    assert recorded.params["password"] == REDACTED
    assert recorded.params["Api-Key"] == REDACTED
    assert recorded.params["nested"]["access_token"] == REDACTED
    assert "415" not in recorded.params["nested"]["note"]
    assert recorded.params["items"] == [{"client_secret": REDACTED}]
    assert recorded.params["kept"] == "visible"


def test_an_audit_event_is_recorded_with_its_email_and_params_masked():
    event = AuditEvent(
        action="user.created",
        actor_id="u1",
        actor_email="alice@example.com",
        params={"email": "bob@example.com", "phone": "+1 415 555 0100"},
    )
    recorded = draft_from_audit_event(event, Envelope(type=event.ce_type, source="test", id="e1"))
    assert recorded.actor_email == "a***@example.com"
    assert "bob@" not in str(recorded.params)
    assert recorded.params["phone"].endswith("0100")
    assert "415" not in recorded.params["phone"]


def test_an_owner_command_becomes_an_entry_named_after_the_command():
    command = ControlCommand(
        command_id="c1",
        command="shutdown",
        actor_id="u1",
        outcome=AuditResult.DENIED,
        reason="role owner lacks commands:execute",
    )
    recorded = draft_from_command(command, Envelope(type=command.ce_type, source="t", id="c1"))
    assert (recorded.action, recorded.result, recorded.tenant_id) == (
        "command.shutdown",
        "denied",
        None,
    )


def test_a_message_without_an_envelope_id_is_keyed_by_its_content():
    event = AuditEvent(action="x", actor_id="u1", occurred_at=T0)
    first = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id=""))
    again = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id=""))
    assert first.event_id == again.event_id != ""


def test_nul_characters_are_dropped_because_postgres_refuses_them():
    event = AuditEvent(action="a\x00b", actor_id="u1", params={"k\x00": "v\x00"})
    recorded = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id="e"))
    assert recorded.action == "ab"
    assert recorded.params == {"k": "v"}


def test_a_cursor_round_trips_and_garbage_is_refused():
    assert decode_cursor(encode_cursor(42)) == 42
    for garbage in ("!!!", encode_cursor(1)[:-1] + "*", "bm9wZTox"):
        with pytest.raises(InvalidCursor):
            decode_cursor(garbage)


def test_a_time_without_a_zone_is_recorded_as_utc():
    naive = datetime(2026, 1, 7, 12, 0)
    event = AuditEvent(action="x", actor_id="u1", occurred_at=naive)
    recorded = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id="e"))
    assert recorded.occurred_at == T0
    assert recorded.occurred_at.tzinfo is not None
