"""Vapi server messages: `{message: {type: end-of-call-report | status-update, call, ...}}`."""

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

PROVIDER = "vapi"
END_OF_CALL = "end-of-call-report"
STATUS_UPDATE = "status-update"
STATUS_KINDS = {"in-progress": CallEventKind.STARTED, "ended": CallEventKind.ENDED}
DIRECTIONS = {"inboundPhoneCall": "inbound", "outboundPhoneCall": "outbound"}
SPOKEN_ROLES = {"bot", "assistant", "user"}


def parse(incoming: Incoming) -> Parsed:
    body = json_object(incoming.body)
    message = body.get("message")
    if not isinstance(message, dict):
        raise ValidationFailed("missing required field: message", code="missing_field")
    kind_name = required_text(message.get("type"), "message.type")
    call = section(message, "call")
    call_id = required_text(call.get("id"), "message.call.id")
    status = text(message.get("status"), "message.status") or ""
    moment = message.get("timestamp") or incoming.digest
    dedup_key = f"{call_id}:{kind_name}:{status}:{moment}"
    if kind_name not in (END_OF_CALL, STATUS_UPDATE):
        return ignored(call_id, dedup_key, f"vapi message type {kind_name[:60]}")
    kind = CallEventKind.ENDED if kind_name == END_OF_CALL else _status_kind(status)
    return Parsed(
        event=_event(body, message, call, call_id, kind), entity_id=call_id, dedup_key=dedup_key
    )


def _status_kind(status: str) -> CallEventKind:
    return STATUS_KINDS.get(status, CallEventKind.UPDATED)


def _event(
    body: dict[str, Any],
    message: dict[str, Any],
    call: dict[str, Any],
    call_id: str,
    kind: CallEventKind,
) -> CallEvent:
    artifact = section(message, "artifact")
    analysis = section(message, "analysis")
    customer = section(message, "customer") or section(call, "customer")
    assistant = section(message, "assistant") or section(call, "assistant")
    started_at = instant(first(message, "startedAt") or call.get("startedAt"), "message.startedAt")
    ended_at = instant(first(message, "endedAt") or call.get("endedAt"), "message.endedAt")
    duration = number(message.get("durationSeconds"), "message.durationSeconds")
    return build(
        CallEvent,
        call_id=call_id,
        event=kind,
        provider=PROVIDER,
        occurred_at=instant(message.get("timestamp"), "message.timestamp") or now(),
        direction=DIRECTIONS.get(str(call.get("type"))),
        phone_number=text(customer.get("number"), "message.customer.number"),
        agent_name=text(assistant.get("name"), "message.assistant.name"),
        disposition=text(
            first(message, "endedReason") or call.get("endedReason"), "message.endedReason"
        )
        or text(message.get("status"), "message.status"),
        duration_sec=duration if duration is not None else duration_between(started_at, ended_at),
        started_at=started_at,
        ended_at=ended_at,
        recording_url=text(
            first(message, "recordingUrl") or first(artifact, "recordingUrl"),
            "message.recordingUrl",
        ),
        transcript=text(
            first(artifact, "transcript") or message.get("transcript"), "artifact.transcript"
        ),
        segments=_segments(artifact.get("messages")),
        summary=text(first(analysis, "summary") or message.get("summary"), "analysis.summary"),
        qa_score=_score(analysis.get("successEvaluation")),
        raw=body,
    )


def _segments(messages: Any) -> list[TranscriptSegment]:
    if not isinstance(messages, list):
        return []
    segments = []
    for entry in messages:
        if not isinstance(entry, dict) or entry.get("role") not in SPOKEN_ROLES:
            continue
        words = text(entry.get("message"), "artifact.messages.message")
        if not words:
            continue
        start = number(entry.get("secondsFromStart"), "artifact.messages.secondsFromStart")
        length = number(entry.get("duration"), "artifact.messages.duration")
        end = start + length / 1000 if start is not None and length is not None else None
        segments.append(
            TranscriptSegment(speaker=speaker(entry["role"]), start=start, end=end, text=words)
        )
    return segments


def _score(value: Any) -> float | None:
    """A numeric success evaluation: 0-10 scales to 0-100; anything else is not a score."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    if not 0 <= score <= 100:
        return None
    return score * 10 if score <= 10 else score
