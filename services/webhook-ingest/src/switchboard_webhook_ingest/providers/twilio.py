"""Twilio status callbacks: form fields CallSid, CallStatus, From, To, Direction, CallDuration..."""

from __future__ import annotations

from switchboard_shared.events import CallEvent, CallEventKind
from switchboard_webhook_ingest.providers.base import (
    Incoming,
    Parsed,
    build,
    decode_body,
    instant,
    now,
    number,
    required_text,
    text,
)

PROVIDER = "twilio"
STATUS_KINDS = {
    "queued": CallEventKind.UPDATED,
    "initiated": CallEventKind.UPDATED,
    "ringing": CallEventKind.UPDATED,
    "in-progress": CallEventKind.STARTED,
    "answered": CallEventKind.STARTED,
    "completed": CallEventKind.ENDED,
    "busy": CallEventKind.ENDED,
    "no-answer": CallEventKind.ENDED,
    "canceled": CallEventKind.ENDED,
    "failed": CallEventKind.ENDED,
}


def parse(incoming: Incoming) -> Parsed:
    fields = decode_body(incoming)
    call_sid = required_text(fields.get("CallSid"), "CallSid")
    status = required_text(fields.get("CallStatus"), "CallStatus").lower()
    kind = STATUS_KINDS.get(status, CallEventKind.UPDATED)
    direction = _direction(text(fields.get("Direction"), "Direction"))
    customer = fields.get("From") if direction == "inbound" else fields.get("To")
    occurred_at = instant(fields.get("Timestamp"), "Timestamp") or now()
    event = build(
        CallEvent,
        call_id=call_sid,
        event=kind,
        provider=PROVIDER,
        occurred_at=occurred_at,
        direction=direction,
        phone_number=text(customer, "From" if direction == "inbound" else "To"),
        disposition=status if kind is CallEventKind.ENDED else None,
        duration_sec=number(fields.get("CallDuration"), "CallDuration"),
        started_at=occurred_at if kind is CallEventKind.STARTED else None,
        ended_at=occurred_at if kind is CallEventKind.ENDED else None,
        recording_url=text(fields.get("RecordingUrl"), "RecordingUrl"),
        raw=fields,
    )
    return Parsed(event=event, entity_id=call_sid, dedup_key=_dedup_key(call_sid, status, fields))


def _direction(value: str | None) -> str | None:
    if value is None:
        return None
    if value.lower().startswith("inbound"):
        return "inbound"
    return "outbound" if value.lower().startswith("outbound") else None


def _dedup_key(call_sid: str, status: str, fields: dict[str, object]) -> str:
    recording = fields.get("RecordingStatus")
    suffix = f":{fields.get('RecordingSid')}:{recording}" if recording else ""
    return f"{call_sid}:{status}{suffix}"
