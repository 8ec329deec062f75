"""The audit log's rules: what an entry holds, what it never holds, and the list cursor."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from switchboard_shared.cursors import InvalidCursor
from switchboard_shared.cursors import decode_cursor as shared_decode_cursor
from switchboard_shared.cursors import encode_cursor as shared_encode_cursor
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, ControlCommand, Event
from switchboard_shared.masking import mask_email, mask_text, mask_value

RESULTS = ("success", "failure", "denied")
REDACTED = "[redacted]"
SECRET_KEYS = frozenset(
    {
        "password", "new_password", "old_password", "current_password", "passcode", "pin",
        "token", "access_token", "refresh_token", "id_token", "webhook_token", "invite_token",
        "secret", "secrets", "client_secret", "webhook_secret", "signing_secret", "jwt_secret",
        "api_key", "apikey", "private_key", "secret_key", "authorization", "cookie",
        "set_cookie", "session", "otp", "mfa_code", "totp", "code_verifier", "credentials",
    }
)  # fmt: skip


@dataclass(frozen=True)
class EntryDraft:
    """An entry before it has a place in the log: every value already redacted and masked."""

    event_id: str
    occurred_at: datetime
    action: str
    result: str
    actor_id: str | None = None
    actor_email: str | None = None
    actor_role: str | None = None
    tenant_id: str | None = None
    resource: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class Entry(EntryDraft):
    """An entry of the log: leaf `seq - 1` of its Merkle tree."""

    seq: int = 0
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def place(draft: EntryDraft, seq: int, recorded_at: datetime) -> Entry:
    values = {f.name: getattr(draft, f.name) for f in fields(EntryDraft)}
    return Entry(**values, seq=seq, recorded_at=recorded_at)


def _secret_key(key: str) -> bool:
    return key.lower().replace("-", "_") in SECRET_KEYS


def redact(value: Any) -> Any:
    """Values under secret-looking keys become `[redacted]`; e-mails and phones are masked."""
    if isinstance(value, dict):
        return {k: REDACTED if _secret_key(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return mask_value(value)


def _clean(value: Any) -> Any:
    """PostgreSQL text and jsonb refuse NUL characters; drop them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _utc(value: datetime) -> datetime:
    """A time without a zone is taken as UTC, so the database and the hash agree on it."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_text(_clean(text))


def event_id_for(event: Event, envelope: Envelope) -> str:
    """The envelope id; a message without one is keyed by its content so replays still dedupe."""
    if envelope.id:
        return envelope.id
    return f"{event.ce_type}:{hashlib.sha256(event.model_dump_json().encode()).hexdigest()}"


def draft_from_audit_event(event: AuditEvent, envelope: Envelope) -> EntryDraft:
    return EntryDraft(
        event_id=event_id_for(event, envelope),
        occurred_at=_utc(event.occurred_at),
        action=_clean(event.action),
        result=event.result.value,
        actor_id=_clean(event.actor_id) if event.actor_id else None,
        actor_email=mask_email(_clean(event.actor_email)) if event.actor_email else None,
        actor_role=event.actor_role,
        tenant_id=event.tenant_id,
        resource=_masked(event.resource),
        params=redact(_clean(event.params)),
        reason=_masked(event.reason),
    )


def draft_from_command(command: ControlCommand, envelope: Envelope) -> EntryDraft:
    return EntryDraft(
        event_id=event_id_for(command, envelope),
        occurred_at=_utc(command.issued_at),
        action=f"command.{_clean(command.command)}",
        result=command.outcome.value,
        actor_id=_clean(command.actor_id),
        actor_email=mask_email(_clean(command.actor_email)) if command.actor_email else None,
        actor_role=command.actor_role,
        tenant_id=None,
        resource=f"command:{_clean(command.command_id)}",
        params=redact(_clean(command.params)),
        reason=_masked(command.reason),
    )


def encode_cursor(seq: int) -> str:
    return shared_encode_cursor("seq", seq)


def decode_cursor(cursor: str) -> int:
    kind, seq = shared_decode_cursor(cursor, str, int)
    if kind != "seq":
        raise InvalidCursor
    return int(seq)


@dataclass(frozen=True)
class EntryQuery:
    """What a list of entries asks for, within the caller's scope."""

    scope: str
    tenant_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    result: str | None = None
    resource: str | None = None
    text: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    before_seq: int | None = None
    limit: int = 50
