"""Retell: `{event: call_started | call_ended | call_analyzed, call: {call_id, ...}}`."""

from __future__ import annotations

from typing import Any

from switchboard_shared.errors import ValidationFailed
from switchboard_shared.events import CallEvent, CallEventKind, TranscriptSegment
from switchboard_webhook_ingest.providers.base import (
    Incoming,
    Parsed,
    build,
    duration_between,
    first,
    ignored,
    instant,
    json_object,
    now,
    number,
    required_text,
    section,
    speaker,
    text,
)

PROVIDER = "retell"
KINDS = {
    "call_started": CallEventKind.STARTED,
    "call_ended": CallEventKind.ENDED,
    "call_analyzed": CallEventKind.ANALYZED,
}


def parse(incoming: Incoming) -> Parsed:
    body = json_object(incoming.body)
    name = required_text(body.get("event"), "event")
    call = body.get("call")
    if not isinstance(call, dict):
        raise ValidationFailed("missing required field: call", code="missing_field")
    call_id = required_text(call.get("call_id"), "call.call_id")
    kind = KINDS.get(name)
    moment = (
        first(call, "end_timestamp", "start_timestamp")
        if kind is not CallEventKind.STARTED
        else None
    )
    dedup_key = f"{call_id}:{name}:{moment or call.get('start_timestamp') or incoming.digest}"
    if kind is None:
        return ignored(call_id, dedup_key, f"retell event {name[:60]}")
    return Parsed(event=_event(body, call, call_id, kind), entity_id=call_id, dedup_key=dedup_key)


def _event(
    body: dict[str, Any], call: dict[str, Any], call_id: str, kind: CallEventKind
) -> CallEvent:
    analysis = section(call, "call_analysis")
    started_at = instant(call.get("start_timestamp"), "call.start_timestamp")
    ended_at = instant(call.get("end_timestamp"), "call.end_timestamp")
    direction = text(call.get("direction"), "call.direction")
    direction = direction if direction in ("inbound", "outbound") else None
    customer = call.get("from_number") if direction == "inbound" else call.get("to_number")
    duration_ms = number(call.get("duration_ms"), "call.duration_ms")
    occurred = started_at if kind is CallEventKind.STARTED else ended_at
    return build(
        CallEvent,
        call_id=call_id,
        event=kind,
        provider=PROVIDER,
        occurred_at=occurred or now(),
        direction=direction,
        phone_number=text(customer, "call.from_number"),
        agent_name=text(first(call, "agent_name", "agent_id"), "call.agent_name"),
        disposition=text(call.get("disconnection_reason"), "call.disconnection_reason"),
        duration_sec=duration_ms / 1000
        if duration_ms is not None
        else duration_between(started_at, ended_at),
        started_at=started_at,
        ended_at=ended_at,
        recording_url=text(call.get("recording_url"), "call.recording_url"),
        transcript=text(call.get("transcript"), "call.transcript"),
        segments=_segments(call.get("transcript_object")),
        summary=text(analysis.get("call_summary"), "call.call_analysis.call_summary"),
        raw=body,
    )


def _segments(utterances: Any) -> list[TranscriptSegment]:
    if not isinstance(utterances, list):
        return []
    segments = []
    for entry in utterances:
        if not isinstance(entry, dict):
            continue
        words = text(entry.get("content"), "call.transcript_object.content")
        if not words:
            continue
        listed = entry.get("words")
        timed = [w for w in listed if isinstance(w, dict)] if isinstance(listed, list) else []
        start = number(timed[0].get("start"), "words.start") if timed else None
        end = number(timed[-1].get("end"), "words.end") if timed else None
        segments.append(
            TranscriptSegment(speaker=speaker(entry.get("role")), start=start, end=end, text=words)
        )
    return segments
