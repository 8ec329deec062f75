"""Each provider's recorded payload shape becomes the canonical call (or lead) event."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from switchboard_shared.errors import BadRequest, ValidationFailed
from switchboard_shared.events import CallEvent, LeadEvent
from switchboard_webhook_ingest.domain import Provider
from switchboard_webhook_ingest.providers import PARSERS, Incoming, Parsed

PAYLOADS = Path(__file__).parent / "payloads"
FORM = "application/x-www-form-urlencoded"


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return loaded


def parse(provider: Provider, body: bytes | dict[str, Any], **headers: str) -> Parsed:
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    content_type = headers.pop("content_type", "application/json")
    return PARSERS[provider](Incoming(raw, content_type, headers))


def call(parsed: Parsed) -> CallEvent:
    assert isinstance(parsed.event, CallEvent)
    return parsed.event


def test_a_bland_call_object_maps_minutes_transcripts_and_the_customer_number() -> None:
    body = payload("bland_call.json")
    event = call(parse(Provider.BLAND, body))

    assert event.call_id == body["call_id"]
    assert event.event == "ended"
    assert event.direction == "outbound"
    assert event.phone_number == "+15550104477"
    assert event.duration_sec == 141
    assert event.agent_name == "Front Desk Ava"
    assert event.disposition == "BOOKED"
    assert event.campaign == "spring-reactivation"
    assert event.lead_id == "L-2291"
    assert event.recording_url == body["recording_url"]
    assert event.summary == body["summary"]
    assert event.transcript == body["concatenated_transcript"]
    assert [s.speaker for s in event.segments] == ["agent", "customer", "agent"]
    assert event.ended_at == datetime(2026, 3, 1, 15, 6, 28, tzinfo=UTC)
    assert event.raw == body


def test_a_bland_call_without_a_corrected_duration_converts_call_length_from_minutes() -> None:
    body = {**payload("bland_call.json"), "corrected_duration": None, "inbound": True}
    event = call(parse(Provider.BLAND, body))
    assert event.duration_sec == pytest.approx(141.0)
    assert event.direction == "inbound"
    assert event.phone_number == "+15550100000"


def test_a_vapi_end_of_call_report_carries_transcript_recording_and_analysis() -> None:
    body = payload("vapi_end_of_call_report.json")
    parsed = parse(Provider.VAPI, body)
    event = call(parsed)

    assert event.call_id == "3c6a7b0e-91d2-4a55-bb1e-0f9d7c3e2a11"
    assert event.event == "ended"
    assert event.direction == "inbound"
    assert event.phone_number == "+15550107788"
    assert event.agent_name == "Riley Reception"
    assert event.disposition == "customer-ended-call"
    assert event.duration_sec == 87.5
    assert event.recording_url == "https://storage.example.test/vapi/3c6a7b0e-mono.wav"
    assert event.summary == "Patient asked to reschedule; moved to Thursday."
    assert event.qa_score == 80
    assert (event.transcript or "").startswith("AI: Thanks")
    assert [(s.speaker, s.start, s.end) for s in event.segments] == [
        ("agent", 0.5, 3.0),
        ("customer", 4.0, pytest.approx(6.2)),
    ]
    assert event.occurred_at == datetime.fromtimestamp(1772377588.123, UTC)
    assert parsed.dedup_key == f"{event.call_id}:end-of-call-report::1772377588123"


def test_a_vapi_status_update_in_progress_is_a_started_event() -> None:
    event = call(parse(Provider.VAPI, payload("vapi_status_update.json")))
    assert event.event == "started"
    assert event.direction == "outbound"
    assert event.disposition == "in-progress"


def test_a_vapi_message_of_another_type_is_acknowledged_but_carries_no_event() -> None:
    body = {"message": {"type": "speech-update", "status": "started", "call": {"id": "c-9"}}}
    parsed = parse(Provider.VAPI, body)
    assert parsed.event is None
    assert parsed.ignored == "vapi message type speech-update"


def test_a_vapi_body_without_its_message_envelope_names_it() -> None:
    with pytest.raises(ValidationFailed, match="message"):
        parse(Provider.VAPI, {"type": "end-of-call-report"})


def test_a_twilio_status_callback_is_read_from_form_fields() -> None:
    body = (PAYLOADS / "twilio_status_callback.txt").read_bytes()
    parsed = parse(Provider.TWILIO, body, content_type=FORM)
    event = call(parsed)

    assert event.call_id == "CA5f3c1e0b9d8a7f6e5d4c3b2a19081726"
    assert event.event == "ended"
    assert event.direction == "outbound"
    assert event.phone_number == "+15550104455"
    assert event.duration_sec == 73
    assert event.disposition == "completed"
    assert event.recording_url == "https://api.twilio.example.test/Recordings/RE123"
    assert event.occurred_at == datetime(2026, 3, 1, 15, 10, 2, tzinfo=UTC)
    assert event.ended_at == event.occurred_at
    assert parsed.dedup_key == "CA5f3c1e0b9d8a7f6e5d4c3b2a19081726:completed"


@pytest.mark.parametrize(
    ("status", "kind"), [("ringing", "updated"), ("in-progress", "started"), ("no-answer", "ended")]
)
def test_twilio_call_statuses_map_to_event_kinds(status: str, kind: str) -> None:
    body = f"CallSid=CA1&CallStatus={status}&Direction=inbound&From=%2B15550001111".encode()
    event = call(parse(Provider.TWILIO, body, content_type=FORM))
    assert event.event == kind
    assert event.phone_number == "+15550001111"


def test_a_twilio_callback_without_call_status_names_it() -> None:
    with pytest.raises(ValidationFailed, match="CallStatus"):
        parse(Provider.TWILIO, b"CallSid=CA1&From=x", content_type=FORM)


def test_a_retell_call_ended_carries_timed_segments_and_milliseconds() -> None:
    event = call(parse(Provider.RETELL, payload("retell_call_ended.json")))

    assert event.call_id == "Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6"
    assert event.event == "ended"
    assert event.direction == "inbound"
    assert event.phone_number == "+15550109911"
    assert event.agent_name == "Harbor Front Desk"
    assert event.disposition == "user_hangup"
    assert event.duration_sec == pytest.approx(116.5)
    assert event.started_at == datetime.fromtimestamp(1772377200, UTC)
    assert [(s.speaker, s.start, s.end) for s in event.segments] == [
        ("agent", 0.52, 2.24),
        ("customer", 3.1, 4.6),
    ]


def test_a_retell_call_analyzed_carries_the_summary_and_its_own_dedup_key() -> None:
    ended = parse(Provider.RETELL, payload("retell_call_ended.json"))
    analyzed = parse(Provider.RETELL, payload("retell_call_analyzed.json"))
    event = call(analyzed)
    assert event.event == "analyzed"
    assert event.summary == "Caller booked a wellness exam for their dog."
    assert analyzed.dedup_key != ended.dedup_key


def test_an_unknown_retell_event_is_acknowledged_but_carries_no_event() -> None:
    parsed = parse(Provider.RETELL, {"event": "transcript_updated", "call": {"call_id": "c1"}})
    assert parsed.event is None


def test_a_convoso_call_uses_the_seed_fallbacks() -> None:
    body = payload("convoso_call.json")
    event = call(parse(Provider.CONVOSO_CALLS, body))

    assert event.call_id == "1772377500.48213"
    assert event.lead_id == "884213"
    assert event.agent_name == "Dana Whitfield"
    assert event.disposition == "SALE"
    assert event.duration_sec == 187
    assert event.phone_number == "5550108822"
    assert event.campaign == "Medicare Inbound Q1"
    assert event.recording_url == body["recording"]
    assert event.started_at == datetime(2026, 3, 1, 15, 5, tzinfo=UTC)
    assert event.ended_at == datetime(2026, 3, 1, 15, 8, 7, tzinfo=UTC)
    assert event.direction == "outbound"


def test_a_convoso_call_as_form_fields_is_read_too() -> None:
    body = b"call_id=77&agent_name=Lee&disposition=NI&duration=0&phone_number=5550001234"
    event = call(parse(Provider.CONVOSO_CALLS, body, content_type=FORM))
    assert (event.call_id, event.agent_name, event.duration_sec) == ("77", "Lee", 0)


def test_a_convoso_call_with_a_lead_id_only_is_one_record_per_lead() -> None:
    body = {"lead_id": "555", "agent_name": "Lee", "disposition": "NI", "duration": 3}
    parsed = parse(Provider.CONVOSO_CALLS, body)
    assert call(parsed).call_id == "convoso-lead-555"
    assert parsed.entity_id == "convoso-lead-555"


@pytest.mark.parametrize(
    ("missing", "named"),
    [("agent", "agent_name"), ("status", "disposition"), ("duration", "duration")],
)
def test_a_convoso_call_without_a_required_field_names_it(missing: str, named: str) -> None:
    body = {k: v for k, v in payload("convoso_call.json").items() if k != missing}
    with pytest.raises(ValidationFailed, match=named):
        parse(Provider.CONVOSO_CALLS, body)


def test_a_convoso_call_without_call_or_lead_id_is_refused() -> None:
    body = {"agent": "A", "status": "S", "duration": 1}
    with pytest.raises(ValidationFailed, match="call_id or lead_id"):
        parse(Provider.CONVOSO_CALLS, body)


def test_a_convoso_duration_that_is_not_a_number_is_refused() -> None:
    body = {**payload("convoso_call.json"), "duration": "three minutes"}
    with pytest.raises(ValidationFailed, match="duration"):
        parse(Provider.CONVOSO_CALLS, body)


def test_a_convoso_redelivery_has_the_same_dedup_key_and_a_change_does_not() -> None:
    body = payload("convoso_call.json")
    first, again = parse(Provider.CONVOSO_CALLS, body), parse(Provider.CONVOSO_CALLS, body)
    changed = parse(Provider.CONVOSO_CALLS, {**body, "status": "CALLBK"})
    assert first.dedup_key == again.dedup_key
    assert changed.dedup_key != first.dedup_key


def test_a_convoso_lead_becomes_a_lead_event() -> None:
    parsed = parse(Provider.CONVOSO_LEADS, payload("convoso_lead.json"))
    assert isinstance(parsed.event, LeadEvent)
    assert parsed.event.lead_id == "884213"
    assert parsed.event.email == "morgan.reyes@example.test"
    assert parsed.event.campaign == "Medicare Inbound Q1"
    assert parsed.entity_id == "884213"


def test_a_convoso_lead_without_an_id_names_it() -> None:
    with pytest.raises(ValidationFailed, match="lead_id"):
        parse(Provider.CONVOSO_LEADS, {"first_name": "A"})


def test_a_standard_webhook_takes_the_canonical_fields_and_the_webhook_id() -> None:
    body = {
        "type": "call.analyzed",
        "timestamp": "2026-03-01T15:00:00Z",
        "data": {
            "call_id": "std-1",
            "summary": "ok",
            "qa_score": 91,
            "segments": [{"speaker": "agent", "start": 0, "end": 1.5, "text": "Hello"}],
            "unknown_field": "kept in raw only",
        },
    }
    parsed = parse(Provider.STANDARD, body, **{"webhook-id": "msg_2Lx"})
    event = call(parsed)
    assert (event.event, event.qa_score, event.summary) == ("analyzed", 91, "ok")
    assert event.segments[0].end == 1.5
    assert event.occurred_at == datetime(2026, 3, 1, 15, tzinfo=UTC)
    assert event.raw["data"]["unknown_field"] == "kept in raw only"
    assert parsed.dedup_key == "msg_2Lx"


def test_a_standard_webhook_without_an_id_is_keyed_by_call_kind_and_timestamp() -> None:
    body = {"type": "call.started", "timestamp": 1772377200, "data": {"call_id": "std-2"}}
    assert parse(Provider.STANDARD, body).dedup_key == "std-2:started:1772377200"


@pytest.mark.parametrize("provider", list(Provider))
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"{",
        b"null",
        b"[]",
        b'"text"',
        b"\xff\xfe",
        b'{"a": Infinity}',
        b"[" * 50_000,
        b'{"call_id": "\\ud800", "message": "\\uDFFF"}',
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
)
def test_no_provider_answers_a_malformed_body_with_anything_but_a_client_error(
    provider: Provider, body: bytes
) -> None:
    with pytest.raises((BadRequest, ValidationFailed)):
        parse(provider, body)


WEIRD_VALUES: list[Any] = [
    None,
    "",
    0,
    -1,
    1e308,
    True,
    [],
    {},
    "\u0000",
    "x" * 10_000,
    [{"a": 1}],
    "NaN",
]


@pytest.mark.parametrize("provider", list(Provider))
@pytest.mark.parametrize("value", WEIRD_VALUES)
def test_every_field_of_every_provider_survives_strange_values(
    provider: Provider, value: Any
) -> None:
    """Any field replaced by a strange value: a publishable event or a 4xx, never a crash."""
    samples = {
        Provider.BLAND: payload("bland_call.json"),
        Provider.VAPI: payload("vapi_end_of_call_report.json")["message"],
        Provider.RETELL: payload("retell_call_ended.json")["call"],
        Provider.CONVOSO_CALLS: payload("convoso_call.json"),
        Provider.CONVOSO_LEADS: payload("convoso_lead.json"),
        Provider.TWILIO: {
            "CallSid": "CA1",
            "CallStatus": "completed",
            "Timestamp": "x",
            "CallDuration": "1",
        },
        Provider.STANDARD: {
            "call_id": "c",
            "started_at": "2026-01-01T00:00:00Z",
            "duration_sec": 1,
        },
    }
    sample = samples[provider]
    for field in sample:
        changed = {**sample, field: value}
        body = _wrap(provider, changed)
        with contextlib.suppress(BadRequest, ValidationFailed):
            parsed = parse(provider, body)
            if parsed.event is not None:
                parsed.event.model_dump_json()


def _wrap(provider: Provider, inner: dict[str, Any]) -> dict[str, Any]:
    if provider is Provider.VAPI:
        return {"message": inner}
    if provider is Provider.RETELL:
        return {"event": "call_ended", "call": inner}
    if provider is Provider.STANDARD:
        return {"type": "call.ended", "timestamp": 1, "data": inner}
    return inner
