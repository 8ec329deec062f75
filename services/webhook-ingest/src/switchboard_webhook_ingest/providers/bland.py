"""Bland AI: the call object it posts when a call ends (`call_length` is in minutes)."""

from __future__ import annotations

from typing import Any

from switchboard_shared.errors import ValidationFailed
from switchboard_shared.events import CallEvent, CallEventKind, TranscriptSegment
from switchboard_webhook_ingest.providers.base import (
    Incoming,
    Parsed,
    build,
    first,
    instant,
    json_object,
    now,
    number,
    required_text,
    section,
    speaker,
    text,
)

PROVIDER = "bland"
LIVE_STATUSES = {"queued": CallEventKind.UPDATED, "ringing": CallEventKind.UPDATED}
IN_PROGRESS = {"started", "in-progress", "in_progress", "ongoing"}


def parse(incoming: Incoming) -> Parsed:
    body = json_object(incoming.body)
    call_id = required_text(first(body, "call_id", "c_id"), "call_id")
    metadata = section(body, "metadata")
    kind = _kind(body)
    started_at = instant(first(body, "started_at", "created_at"), "started_at")
    ended_at = instant(body.get("end_at"), "end_at")
    direction = _direction(body.get("inbound"))
    customer = body.get("from") if direction == "inbound" else body.get("to")
    event = build(
        CallEvent,
        call_id=call_id,
        event=kind,
        provider=PROVIDER,
        occurred_at=ended_at or started_at or now(),
        direction=direction,
        phone_number=text(customer, "to"),
        agent_name=text(first(body, "agent_name") or metadata.get("agent_name"), "agent_name"),
        disposition=text(
            first(body, "disposition_tag", "disposition", "status"), "disposition_tag"
        ),
        duration_sec=_duration(body),
        campaign=text(first(metadata, "campaign") or body.get("batch_id"), "batch_id"),
        lead_id=text(metadata.get("lead_id"), "metadata.lead_id"),
        started_at=started_at,
        ended_at=ended_at,
        recording_url=text(body.get("recording_url"), "recording_url"),
        transcript=text(body.get("concatenated_transcript"), "concatenated_transcript"),
        segments=_segments(body.get("transcripts")),
        summary=text(body.get("summary"), "summary"),
        raw=body,
    )
    moment = first(body, "end_at", "created_at") or incoming.digest
    return Parsed(event=event, entity_id=call_id, dedup_key=f"{call_id}:{kind.value}:{moment}")


def _kind(body: dict[str, Any]) -> CallEventKind:
    status = str(body.get("status") or body.get("queue_status") or "").lower()
    if status in LIVE_STATUSES and not body.get("completed"):
        return LIVE_STATUSES[status]
    if status in IN_PROGRESS and not body.get("completed"):
        return CallEventKind.STARTED
    return CallEventKind.ENDED


def _direction(inbound: Any) -> str | None:
    if inbound is None:
        return None
    return "inbound" if inbound in (True, "true", "True", 1) else "outbound"


def _duration(body: dict[str, Any]) -> float | None:
    corrected = number(body.get("corrected_duration"), "corrected_duration")
    if corrected is not None:
        return corrected
    minutes = number(body.get("call_length"), "call_length")
    return None if minutes is None else round(minutes * 60, 3)


def _segments(entries: Any) -> list[TranscriptSegment]:
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ValidationFailed("field transcripts must be a list", code="invalid_field")
    segments = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValidationFailed(
                f"field transcripts[{index}] must be an object", code="invalid_field"
            )
        words = text(entry.get("text"), f"transcripts[{index}].text")
        if words:
            segments.append(TranscriptSegment(speaker=speaker(entry.get("user")), text=words))
    return segments
