"""One pydantic model per event type: the contract every service publishes and consumes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Base of every event body; `ce_type` names it in the CloudEvents envelope."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ce_type: ClassVar[str]


class CallEventKind(StrEnum):
    STARTED = "started"
    UPDATED = "updated"
    ENDED = "ended"
    ANALYZED = "analyzed"


class TranscriptSegment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    speaker: str
    start: float | None = None
    end: float | None = None
    text: str


class CallEvent(Event):
    """The canonical call event, whatever the provider (field names follow seed 004)."""

    ce_type: ClassVar[str] = "switchboard.call.v1"
    call_id: str = Field(min_length=1, max_length=200)
    event: CallEventKind
    provider: str
    occurred_at: datetime
    direction: Literal["inbound", "outbound"] | None = None
    phone_number: str | None = None
    agent_name: str | None = None
    disposition: str | None = None
    duration_sec: float | None = Field(default=None, ge=0)
    campaign: str | None = None
    lead_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    recording_url: str | None = None
    transcript: str | None = None
    segments: list[TranscriptSegment] = Field(default_factory=list)
    summary: str | None = None
    qa_score: float | None = Field(default=None, ge=0, le=100)
    raw: dict[str, Any] = Field(default_factory=dict)


class LeadEvent(Event):
    ce_type: ClassVar[str] = "switchboard.lead.v1"
    lead_id: str = Field(min_length=1, max_length=200)
    provider: str
    occurred_at: datetime
    phone_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: str | None = None
    campaign: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)


class WebhookReceived(Event):
    """The delivery log: every accepted request, raw, with its verification result."""

    ce_type: ClassVar[str] = "switchboard.webhook.received.v1"
    delivery_id: str
    provider: str
    token_id: str
    received_at: datetime
    verification: Literal["verified", "unsigned"]
    content_type: str
    body: str
    duplicate: bool = False


class AuditResult(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEvent(Event):
    ce_type: ClassVar[str] = "switchboard.audit.v1"
    action: str
    actor_id: str | None
    actor_email: str | None = None
    actor_role: str | None = None
    tenant_id: str | None = None
    resource: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    result: AuditResult = AuditResult.SUCCESS
    reason: str | None = None
    occurred_at: datetime = Field(default_factory=utcnow)


class Revocation(Event):
    ce_type: ClassVar[str] = "switchboard.auth.revocation.v1"
    kind: Literal["session", "user", "webhook_token"]
    subject_id: str
    revoked_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None


class Notification(Event):
    ce_type: ClassVar[str] = "switchboard.notification.v1"
    notification_id: str
    channel: Literal["email"] = "email"
    to: str
    subject: str
    body: str


class OnboardingEvent(Event):
    ce_type: ClassVar[str] = "switchboard.onboarding.v1"
    location_id: str
    status: str
    previous_status: str | None = None
    actor_id: str | None = None
    occurred_at: datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = Field(default_factory=dict)


class ProvisioningEvent(Event):
    ce_type: ClassVar[str] = "switchboard.provisioning.v1"
    location_id: str
    status: Literal["requested", "generated", "failed", "completed"]
    payload_version: str | None = None
    reason: str | None = None
    occurred_at: datetime = Field(default_factory=utcnow)


class ControlCommand(Event):
    ce_type: ClassVar[str] = "switchboard.control.command.v1"
    command_id: str
    command: str
    params: dict[str, Any] = Field(default_factory=dict)
    actor_id: str
    issued_at: datetime = Field(default_factory=utcnow)
    actor_email: str | None = None
    actor_role: str | None = None
    outcome: AuditResult = AuditResult.SUCCESS
    reason: str | None = None


class OperatingMode(StrEnum):
    RUNNING = "running"
    MAINTENANCE = "maintenance"
    READ_ONLY = "read_only"


class ControlState(Event):
    ce_type: ClassVar[str] = "switchboard.control.state.v1"
    mode: OperatingMode
    reason: str | None = None
    changed_by: str | None = None
    command_id: str | None = None
    changed_at: datetime = Field(default_factory=utcnow)


class ControlRequest(Event):
    """An owner command sent on the bus, the way in when the gateway is down. It carries the
    issuer's access token, which command-control verifies and authorises as on HTTP; a request
    still unread at `expires_at` is answered `request_expired` and not executed."""

    ce_type: ClassVar[str] = "switchboard.control.request.v1"
    request_id: str = Field(min_length=1, max_length=64)
    command: str
    params: dict[str, Any] = Field(default_factory=dict)
    access_token: str = Field(min_length=1, max_length=8192)
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class ControlReply(Event):
    """The answer to a `ControlRequest`, keyed by its request id: the HTTP status and JSON body
    the same command would have had on `POST /api/owner/command`."""

    ce_type: ClassVar[str] = "switchboard.control.reply.v1"
    request_id: str
    status: int
    body: dict[str, Any]
    replied_at: datetime = Field(default_factory=utcnow)


class Heartbeat(Event):
    ce_type: ClassVar[str] = "switchboard.service.heartbeat.v1"
    service: str
    instance: str
    ready: bool
    mode: OperatingMode
    """The mode this replica applied (its processing gate and write guard follow it)."""
    at: datetime = Field(default_factory=utcnow)
    version: str | None = None
    commit: str | None = None
    consumer_groups: dict[str, list[str]] = Field(default_factory=dict)
    """The consumer groups this replica belongs to, each with the topics it reads."""


class AuditCheckpoint(Event):
    """A signed checkpoint of the audit log (C2SP tlog-checkpoint in a signed note)."""

    ce_type: ClassVar[str] = "switchboard.audit.checkpoint.v1"
    origin: str
    tree_size: int
    root_hash: str  # base64, as in the checkpoint text
    key_id: str  # hex
    note: str
    created_at: datetime = Field(default_factory=utcnow)


ALL_EVENTS: tuple[type[Event], ...] = (
    CallEvent,
    LeadEvent,
    WebhookReceived,
    AuditEvent,
    Revocation,
    Notification,
    OnboardingEvent,
    ProvisioningEvent,
    ControlCommand,
    ControlState,
    ControlRequest,
    ControlReply,
    Heartbeat,
    AuditCheckpoint,
)
