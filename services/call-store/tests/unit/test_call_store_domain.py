"""The merge rules, the recording schedule and the library selection, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from switchboard_call_store.domain import (
    MissingTenant,
    UnstorableEvent,
    event_identity,
    event_tenant,
    is_best,
    is_recent,
    is_worst,
    merge,
    merge_contact,
    recording_fetch,
)
from switchboard_shared.events import CallEvent, LeadEvent

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def event(kind: str = "updated", at: datetime = T0, **fields: Any) -> CallEvent:
    return CallEvent.model_validate(
        {"call_id": "c-1", "event": kind, "provider": "vapi", "occurred_at": at, **fields}
    )


def test_the_first_event_creates_the_record_with_its_values() -> None:
    call = merge(None, event("started", disposition="Ringing", agent_name="Ana"))
    assert (call.status, call.disposition, call.agent_name) == ("started", "Ringing", "Ana")
    assert call.last_event_at == T0


def test_a_newer_event_overwrites_the_values_it_carries() -> None:
    call = merge(None, event("started", disposition="Ringing", agent_name="Ana"))
    call = merge(call, event("ended", T0 + timedelta(minutes=2), disposition="Completed"))
    assert (call.status, call.disposition, call.agent_name) == ("ended", "Completed", "Ana")
    assert call.last_event_at == T0 + timedelta(minutes=2)


def test_an_older_event_never_overwrites_newer_values() -> None:
    call = merge(None, event("ended", T0 + timedelta(minutes=5), disposition="Completed"))
    call = merge(call, event("started", T0, disposition="Ringing", duration_sec=0))
    assert (call.status, call.disposition) == ("ended", "Completed")
    assert call.last_event_at == T0 + timedelta(minutes=5)


def test_an_older_event_still_fills_fields_that_are_unknown() -> None:
    call = merge(None, event("ended", T0 + timedelta(minutes=5), disposition="Completed"))
    call = merge(call, event("started", T0, campaign="spring", phone_number="+15550001111"))
    assert (call.campaign, call.phone_number) == ("spring", "+15550001111")


def test_a_newer_event_without_a_value_keeps_the_known_one() -> None:
    call = merge(None, event("updated", T0, summary="booked a visit", qa_score=80))
    call = merge(call, event("ended", T0 + timedelta(seconds=1)))
    assert (call.summary, call.qa_score) == ("booked a visit", 80)


def test_transcript_segments_follow_the_same_rule() -> None:
    newer = [{"speaker": "agent", "start": 0.0, "end": 1.0, "text": "final"}]
    older = [{"speaker": "agent", "start": 0.0, "end": 1.0, "text": "draft"}]
    call = merge(None, event("analyzed", T0 + timedelta(minutes=1), segments=newer))
    call = merge(call, event("updated", T0, segments=older, transcript="draft text"))
    assert call.segments is not None
    assert call.segments[0]["text"] == "final"
    assert call.transcript == "draft text"


def test_a_newer_lead_event_wins_and_an_older_one_fills_gaps() -> None:
    lead = {"lead_id": "l-1", "provider": "convoso-leads"}
    newer = LeadEvent.model_validate(
        {**lead, "occurred_at": T0, "first_name": "Ada", "email": "a@x.test"}
    )
    older = LeadEvent.model_validate(
        {
            **lead,
            "occurred_at": T0 - timedelta(hours=1),
            "first_name": "Old",
            "phone_number": "+1555",
        }
    )
    contact = merge_contact(merge_contact(None, newer), older)
    assert (contact.name, contact.email, contact.phone) == ("Ada", "a@x.test", "+1555")
    assert contact.last_event_at == T0


def test_an_ended_call_without_a_recording_is_fetched_at_once() -> None:
    now = T0 + timedelta(hours=1)
    fetch = recording_fetch(
        merge(None, event("ended", started_at=T0, ended_at=T0 + timedelta(minutes=3))), now
    )
    assert fetch is not None
    assert fetch.scheduled_for == now
    assert fetch.estimated_end_time is None


def test_a_running_call_is_fetched_two_minutes_after_its_estimated_end() -> None:
    fetch = recording_fetch(merge(None, event("started", started_at=T0)), T0)
    assert fetch is not None
    assert fetch.estimated_end_time == T0 + timedelta(minutes=5)
    assert fetch.scheduled_for == T0 + timedelta(minutes=7)


def test_a_call_with_a_recording_needs_no_fetch() -> None:
    call = merge(None, event("ended", recording_url="https://rec.example/1.mp3"))
    assert recording_fetch(call, T0) is None


@pytest.mark.parametrize(
    ("disposition", "duration", "best", "worst"),
    [
        ("Completed", 61, True, False),
        ("success", 300, True, False),
        ("Completed", 60, False, False),
        ("Answered", 20, False, True),
        ("No Answer", 120, False, True),
        ("Voicemail", None, False, True),
        ("Transferred", 45, False, False),
        (None, 10, False, True),
    ],
)
def test_the_library_classifies_calls_as_seed_004_does(
    disposition: str | None, duration: float | None, best: bool, worst: bool
) -> None:
    assert is_best(disposition, duration) is best
    assert is_worst(disposition, duration) is worst


def test_recent_means_started_within_seven_days() -> None:
    assert is_recent(T0 - timedelta(days=6), T0)
    assert not is_recent(T0 - timedelta(days=8), T0)
    assert not is_recent(None, T0)


@pytest.mark.parametrize("tenant", [None, "", "  ", "*"])
def test_an_event_without_a_usable_tenant_cannot_be_stored(tenant: str | None) -> None:
    with pytest.raises(MissingTenant):
        event_tenant(tenant)


def test_an_event_without_an_envelope_id_cannot_be_stored() -> None:
    with pytest.raises(UnstorableEvent):
        event_identity("")
    assert event_identity("e-1") == "e-1"
