from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from switchboard_audit.domain import (
    GENESIS_HASH,
    BadCursor,
    ChainCheck,
    EntryDraft,
    chain,
    decode_cursor,
    draft_from_audit_event,
    draft_from_command,
    encode_cursor,
    entry_hash,
)
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


def build_chain(count: int) -> list:
    entries, prev = [], GENESIS_HASH
    for n in range(1, count + 1):
        entry = replace(chain(draft(n), prev, T0), seq=n)
        entries.append(entry)
        prev = entry.hash
    return entries


def test_the_first_entry_links_to_the_genesis_hash():
    assert build_chain(1)[0].prev_hash == GENESIS_HASH


def test_each_entry_links_to_the_hash_of_the_one_before():
    entries = build_chain(3)
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_the_hash_covers_every_field_and_the_previous_hash():
    entry = build_chain(1)[0]
    for changed in (
        replace(entry, params={**entry.params, "reason": "other"}),
        replace(entry, actor_id="someone-else"),
        replace(entry, result="denied"),
        replace(entry, occurred_at=entry.occurred_at + timedelta(microseconds=1)),
        replace(entry, prev_hash="f" * 64),
    ):
        assert entry_hash(changed) != entry.hash


def test_the_hash_does_not_depend_on_key_order_or_time_zone():
    entry = build_chain(1)[0]
    reordered = replace(entry, params=dict(reversed(list(entry.params.items()))))
    elsewhere = replace(entry, occurred_at=entry.occurred_at.astimezone(timezone_plus_two()))
    assert entry_hash(reordered) == entry.hash == entry_hash(elsewhere)


def timezone_plus_two():
    from datetime import timezone

    return timezone(timedelta(hours=2))


def test_an_intact_chain_verifies():
    check = ChainCheck()
    check.feed(build_chain(5))
    assert check.report() == {"valid": True, "entries_checked": 5, "first_broken_seq": None}


def test_a_changed_entry_is_reported_by_its_sequence_number():
    entries = build_chain(5)
    entries[2] = replace(entries[2], params={"reason": "nothing to see"})
    check = ChainCheck()
    check.feed(entries)
    assert not check.valid
    assert check.first_broken_seq == 3


def test_a_deleted_entry_breaks_the_link_of_the_next_one():
    entries = build_chain(5)
    del entries[1]
    check = ChainCheck()
    check.feed(entries)
    assert check.first_broken_seq == 3


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
        with pytest.raises(BadCursor):
            decode_cursor(garbage)


def test_a_time_without_a_zone_is_recorded_as_utc():
    naive = datetime(2026, 1, 7, 12, 0)
    event = AuditEvent(action="x", actor_id="u1", occurred_at=naive)
    recorded = draft_from_audit_event(event, Envelope(type=event.ce_type, source="t", id="e"))
    assert recorded.occurred_at == T0
    assert recorded.occurred_at.tzinfo is not None
