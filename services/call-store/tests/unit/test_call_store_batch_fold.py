"""Several events of one call in a batch fold into the state that applying them one by one gives,
and the recording fetch they queued on the way is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard_call_store.call_batches import fold
from switchboard_call_store.domain import merge
from switchboard_shared.events import CallEvent

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=1)


def event(kind: str, at: datetime, **fields: Any) -> CallEvent:
    return CallEvent.model_validate(
        {"call_id": "c-1", "event": kind, "provider": "vapi", "occurred_at": at, **fields}
    )


def test_folding_equals_merging_one_event_after_another() -> None:
    events = [
        event("started", T0, agent_name="Ana", started_at=T0),
        event("updated", T0 - timedelta(minutes=1), agent_name="Old", disposition="Busy"),
        event("ended", T0 + timedelta(minutes=2), duration_sec=120),
    ]
    one_by_one = None
    for e in events:
        one_by_one = merge(one_by_one, e)
    assert fold(None, events, NOW).call == one_by_one
    assert one_by_one is not None
    assert (one_by_one.agent_name, one_by_one.disposition) == ("Ana", "Busy")


def test_every_lead_the_call_was_linked_to_keeps_its_first_known_phone() -> None:
    folded = fold(
        None,
        [
            event("started", T0, lead_id="L1"),
            event("updated", T0 + timedelta(seconds=1), phone_number="+15550001"),
            event("updated", T0 + timedelta(seconds=2), lead_id="L2", phone_number="+15550002"),
        ],
        NOW,
    )
    assert folded.lead_phones == {"L1": "+15550001", "L2": "+15550002"}


def test_a_fetch_queued_before_the_recording_arrived_is_kept_with_its_earliest_schedule() -> None:
    folded = fold(
        None,
        [
            event("started", T0, started_at=T0),
            event("ended", T0 + timedelta(minutes=1), ended_at=T0 + timedelta(minutes=1)),
            event("analyzed", T0 + timedelta(minutes=2), recording_url="https://rec.example/1"),
        ],
        NOW,
    )
    assert folded.call.recording_url == "https://rec.example/1"
    assert folded.fetch is not None
    assert folded.fetch.fetch.scheduled_for == NOW
    assert folded.fetch.fetch.call_ended_at == T0 + timedelta(minutes=1)


def test_a_call_with_its_recording_from_the_start_queues_nothing() -> None:
    folded = fold(None, [event("ended", T0, recording_url="https://rec.example/2")], NOW)
    assert folded.fetch is None
