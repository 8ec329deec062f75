"""Standard Webhooks: `{type: "call.<event>", timestamp, data: {...canonical fields...}}`."""

from __future__ import annotations

from typing import Any

from switchboard_shared.errors import ValidationFailed
from switchboard_shared.events import CallEvent, CallEventKind
from switchboard_webhook_ingest.providers.base import (
    Incoming,
    Parsed,
    build,
    instant,
    json_object,
    now,
    required_text,
)

PROVIDER = "standard"
KINDS = {f"call.{kind.value}": kind for kind in CallEventKind}
SET_BY_INGEST = {"provider", "event", "raw"}
DATA_FIELDS = set(CallEvent.model_fields) - SET_BY_INGEST


def parse(incoming: Incoming) -> Parsed:
    body = json_object(incoming.body)
    kind = _kind(body.get("type"))
    data = body.get("data")
    if data is None:
        raise ValidationFailed("missing required field: data", code="missing_field")
    if not isinstance(data, dict):
        raise ValidationFailed("field data must be an object", code="invalid_field")
    call_id = required_text(data.get("call_id"), "data.call_id")
    timestamp = instant(body.get("timestamp"), "timestamp")
    fields: dict[str, Any] = {k: v for k, v in data.items() if k in DATA_FIELDS}
    fields.setdefault("occurred_at", timestamp or now())
    event = build(
        CallEvent, **{**fields, "call_id": call_id}, event=kind, provider=PROVIDER, raw=body
    )
    webhook_id = incoming.headers.get("webhook-id", "").strip()
    moment = body.get("timestamp") or incoming.digest
    dedup_key = webhook_id or f"{call_id}:{kind.value}:{moment}"
    return Parsed(event=event, entity_id=call_id, dedup_key=dedup_key)


def _kind(value: Any) -> CallEventKind:
    if value is None or value == "":
        raise ValidationFailed("missing required field: type", code="missing_field")
    if not isinstance(value, str) or value not in KINDS:
        choices = ", ".join(KINDS)
        raise ValidationFailed(f"field type must be one of {choices}", code="invalid_field")
    return KINDS[value]
