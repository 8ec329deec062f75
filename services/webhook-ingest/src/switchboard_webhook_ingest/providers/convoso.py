"""Convoso call and lead posts, with the field fallbacks and required fields of seed 004."""

from __future__ import annotations

from typing import Any

from switchboard_shared.errors import ValidationFailed
from switchboard_shared.events import CallEvent, CallEventKind, LeadEvent
from switchboard_webhook_ingest.providers.base import (
    Incoming,
    Parsed,
    build,
    decode_body,
    first,
    instant,
    now,
    number,
    required_text,
    text,
)

CALLS = "convoso-calls"
LEADS = "convoso-leads"


def lead_call_id(lead_id: str) -> str:
    """A call posted with a lead id only still needs a call id to be one record."""
    return f"convoso-lead-{lead_id}"


def parse_call(incoming: Incoming) -> Parsed:
    body = decode_body(incoming)
    agent = text(first(body, "agent_name", "agent"), "agent_name")
    disposition = text(first(body, "disposition", "status"), "disposition")
    duration = number(body.get("duration"), "duration")
    _require(agent_name=agent, disposition=disposition, duration=duration)
    call_id = text(first(body, "call_id", "uniqueid", "id"), "call_id")
    lead_id = text(first(body, "lead_id", "owner_id"), "lead_id")
    if call_id is None and lead_id is None:
        raise ValidationFailed("missing required field: call_id or lead_id", code="missing_field")
    entity = call_id or lead_call_id(str(lead_id))
    started_at = instant(first(body, "started_at", "start_time"), "started_at")
    ended_at = instant(first(body, "ended_at", "end_time"), "ended_at")
    event = build(
        CallEvent,
        call_id=entity,
        event=CallEventKind.ENDED,
        provider=CALLS,
        occurred_at=ended_at or started_at or now(),
        direction=_direction(first(body, "direction", "call_type")),
        phone_number=text(first(body, "phone_number", "phone", "customer_phone"), "phone_number"),
        agent_name=agent,
        disposition=disposition,
        duration_sec=duration,
        campaign=text(first(body, "campaign", "campaign_name"), "campaign"),
        lead_id=lead_id,
        started_at=started_at,
        ended_at=ended_at,
        recording_url=text(first(body, "recording_url", "recording"), "recording_url"),
        raw=body,
    )
    return Parsed(event=event, entity_id=entity, dedup_key=f"{entity}:ended:{incoming.digest}")


def parse_lead(incoming: Incoming) -> Parsed:
    body = decode_body(incoming)
    lead_id = required_text(first(body, "lead_id", "owner_id", "id"), "lead_id")
    event = build(
        LeadEvent,
        lead_id=lead_id,
        provider=LEADS,
        occurred_at=instant(first(body, "modified_at", "updated_at", "created_at"), "modified_at")
        or now(),
        phone_number=text(first(body, "phone_number", "phone", "customer_phone"), "phone_number"),
        first_name=text(body.get("first_name"), "first_name"),
        last_name=text(body.get("last_name"), "last_name"),
        email=text(body.get("email"), "email"),
        status=text(first(body, "status", "disposition"), "status"),
        campaign=text(first(body, "campaign", "campaign_name"), "campaign"),
        raw=body,
    )
    return Parsed(event=event, entity_id=lead_id, dedup_key=f"{lead_id}:lead:{incoming.digest}")


def _require(**values: Any) -> None:
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise ValidationFailed(
            f"missing required fields: {', '.join(missing)}", code="missing_field"
        )


def _direction(value: Any) -> str | None:
    label = str(value or "").lower()
    if label.startswith("in"):
        return "inbound"
    return "outbound" if label.startswith(("out", "manual", "auto")) else None
