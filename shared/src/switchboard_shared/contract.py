"""The bus contract as documents, generated from the event models and the topic registry."""

from __future__ import annotations

from typing import Any

from switchboard_shared.events import (
    AuditCheckpoint,
    AuditEvent,
    CallEvent,
    ControlCommand,
    ControlReply,
    ControlRequest,
    ControlState,
    Event,
    Heartbeat,
    LeadEvent,
    Notification,
    OnboardingEvent,
    ProvisioningEvent,
    Revocation,
    WebhookReceived,
)
from switchboard_shared.topics import (
    AUDIT_CHECKPOINTS,
    AUDIT_EVENTS,
    AUTH_REVOCATIONS,
    CALLS_EVENTS,
    CONTROL_COMMANDS,
    CONTROL_REPLIES,
    CONTROL_REQUESTS,
    CONTROL_STATE,
    LEADS_EVENTS,
    NOTIFICATIONS,
    ONBOARDING_EVENTS,
    PROVISIONING_EVENTS,
    SERVICES_HEARTBEAT,
    WEBHOOKS_RECEIVED,
    Topic,
)

TOPIC_EVENTS: dict[Topic, type[Event]] = {
    WEBHOOKS_RECEIVED: WebhookReceived,
    CALLS_EVENTS: CallEvent,
    LEADS_EVENTS: LeadEvent,
    AUDIT_EVENTS: AuditEvent,
    AUTH_REVOCATIONS: Revocation,
    NOTIFICATIONS: Notification,
    ONBOARDING_EVENTS: OnboardingEvent,
    PROVISIONING_EVENTS: ProvisioningEvent,
    CONTROL_COMMANDS: ControlCommand,
    CONTROL_STATE: ControlState,
    CONTROL_REQUESTS: ControlRequest,
    CONTROL_REPLIES: ControlReply,
    SERVICES_HEARTBEAT: Heartbeat,
    AUDIT_CHECKPOINTS: AuditCheckpoint,
}

ENVELOPE_HEADERS: dict[str, Any] = {
    "type": "object",
    "required": ["ce_id", "ce_type", "ce_source", "ce_time", "ce_specversion"],
    "properties": {
        "ce_id": {"type": "string"},
        "ce_type": {"type": "string"},
        "ce_source": {"type": "string"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_specversion": {"const": "1.0"},
        "ce_tenantid": {"type": "string"},
        "ce_actor": {"type": "string"},
        "ce_correlationid": {"type": "string"},
        "traceparent": {"type": "string"},
    },
}


def event_json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per event type, keyed by its CloudEvents type."""
    return {model.ce_type: model.model_json_schema() for model in TOPIC_EVENTS.values()}


def asyncapi_document() -> dict[str, Any]:
    """An AsyncAPI 3.0 document of every topic, its message and the envelope headers."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, model in TOPIC_EVENTS.items():
        name = model.__name__
        messages[name] = {
            "name": model.ce_type,
            "contentType": "application/json",
            "headers": ENVELOPE_HEADERS,
            "payload": model.model_json_schema(ref_template="#/components/schemas/{model}"),
        }
        channels[topic.name] = {
            "address": topic.name,
            "description": f"{topic.description} ({topic.partitions} partitions; "
            f"dead letters on {topic.dlq})",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Switchboard bus", "version": "1.0.0"},
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages},
    }
